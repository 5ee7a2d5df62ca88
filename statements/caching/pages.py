"""The anonymous page cache, and the HTTP caching headers of every response.

Anonymous readers (no session cookie) get public pages, feeds, API answers and small
exports from the shared cache. An entry is only good for the content generation it was
made from, so a write makes every entry obsolete at once (``generation``). A hit costs two
cache reads in one round trip (the generation and the entry) and no ORM, template or inner
middleware; a conditional GET whose ETag is the current generation's costs one read.

Why not Django's ``CacheMiddleware``: it cannot key on a changing generation, it keeps a
second round trip for the Vary header list, and it would cache signed-in users' pages per
cookie rather than leave them out.

What is stored is checked, not assumed: a response is kept only if it is a GET answered
200, 301 or 404 to a reader without a session, sets no cookie, used no CSRF token, asks
for no privacy, and varies on nothing but the request headers in the key. Signed-in users
are never served from the cache and never fill it; their responses are marked
``private, no-store``.

A write makes every entry obsolete at once, and a popular page's readers then miss it
together: one of them renders it while the others asking for it wait for its copy (a
lock in the shared cache, as for the timeline charts: ``single_flight``), instead of each
rendering the same page on the same cores. A page that is not kept (an error, an export)
lets them go, and each renders its own.

Some pages also say what day it is (a citation's "retrieved" date, a person's current
roles), so an entry and its ETag are also only good for the day they were made on: the
first reader of a new day gets the page made afresh.

Headers, for anonymous responses that can be cached: ``ETag`` and ``Last-Modified`` from
the generation and the day, ``Cache-Control: public`` with the ages from the settings,
``Vary: Accept-Encoding, Cookie``. The default ages are zero, because a change must show on the
very next request: browsers and a proxy in front revalidate every time and get a 304 from
here for the price of one cache read. Operators who accept a few seconds of staleness can
raise them. Bodies are stored compressed, Brotli or gzip, for clients that accept it (no
secret is on an anonymous public page, so BREACH has nothing to find): an entry per
encoding.
"""

from __future__ import annotations

import datetime
import functools
import gzip
import hashlib
import logging
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

import brotli
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from tracker.middleware import REQUEST_ID_HEADER, incoming_request_id

from . import generation, shared, single_flight
from .release import RELEASE

CACHEABLE_STATUSES = frozenset({200, 301, 404})
KEYED_VARY = frozenset({"accept-encoding", "cookie", "accept"})
COMPRESSIBLE = re.compile(
    r"^(text/|application/(json|xml|javascript|[\w.+-]+\+(json|xml))|image/svg\+xml)"
)
MIN_COMPRESSED_SIZE = 200
# Level 3, not the usual 6: a page rendered afresh is compressed in half the time (a 66 KB
# list page 0.32 ms instead of 0.69, a prolific speaker's 528 KB page 1.6 instead of 3.5),
# for bodies 13-15% larger (list 10.5 → 11.9 KB, that page 42 → 48 KB). Over HTTP at a
# million statements, a cold page's worker time fell by 0.5 and 1.9 ms; hits, which
# move the larger bodies, were within the run-to-run spread. (Level 1 saves 0.05 and
# 0.2 ms more, for that page another 17% larger.)
GZIP_LEVEL = 3
# Brotli costs less than gzip at level 3 for smaller bodies, and every current browser
# asks for it. Quality 2, not 3: a prolific speaker's 527 KB page is compressed in 1.04 ms
# instead of 1.29 (43.2 KB instead of 42.8), a 65 KB list page in 0.15 ms instead of
# 0.22 (11.1 KB instead of 10.7). Quality 1 is faster again, for bodies 10-18% larger.
BROTLI_QUALITY = 2
ENCODINGS = ("br", "gzip")  # the first the client accepts is used
logger = logging.getLogger(__name__)

ENTRY_PREFIX = "page:"
# "hit" or "miss" (rendered and stored): for operators, and for the tests.
CACHE_STATUS_HEADER = "X-Page-Cache"
PER_REQUEST = frozenset({"set-cookie", "x-request-id", "x-page-cache"})


@dataclass(frozen=True, slots=True)
class Version:
    """What a cached page is good for: a content generation, on one day."""

    generation: int
    day: datetime.date

    @classmethod
    def now(cls, generation: int) -> Version:
        return cls(generation, timezone.localdate())

    def etag(self) -> str:
        return f'W/"{RELEASE}-{self.generation:x}-{self.day:%Y%m%d}"'

    def last_modified(self) -> str:
        """The later of the last change and the start of the day."""
        midnight = datetime.datetime.combine(
            self.day, datetime.time(), timezone.get_current_timezone()
        )
        return http_date(max(self.generation // 1_000_000_000, int(midnight.timestamp())))


@dataclass(frozen=True, slots=True)
class Entry:
    version: Version
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def chosen_encoding(request: HttpRequest) -> str:
    """The content coding the response is sent in: "br", "gzip" or "identity"."""
    return _chosen_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))


@functools.lru_cache(maxsize=256)  # clients send a handful of distinct headers
def _chosen_encoding(accept_encoding: str) -> str:
    accepted: set[str] = set()
    refused: set[str] = set()
    for item in accept_encoding.lower().split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0  # a weight that is not one: not an acceptance
        (accepted if weight > 0 else refused).add(coding)
    for coding in ENCODINGS:
        if coding in accepted or ("*" in accepted and coding not in refused):
            return coding
    return "identity"


def compressed(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def encoded(response: HttpResponseBase, body: bytes, encoding: str) -> tuple[bytes, str | None]:
    """The body as sent in ``encoding``, and its Content-Encoding (None: sent as it is, for
    a client that takes no compression, a small body or one already encoded)."""
    worth_it = (
        encoding != "identity"
        and len(body) >= MIN_COMPRESSED_SIZE
        and not response.has_header("Content-Encoding")
        and bool(COMPRESSIBLE.match(response.get("Content-Type", "")))
    )
    return (compressed(body, encoding), encoding) if worth_it else (body, None)


def is_signed_in(request: HttpRequest) -> bool:
    """Whether the reader may be signed in. Decided from the cookie alone, before any
    session is loaded; a stale session cookie only costs its owner the cache."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def keep_entry(*, cache: BaseCache, key: str, entry: Entry, timeout: int) -> None:
    try:
        cache.set(key, entry, timeout)
    except Exception:  # the cache went down: the page is shown, not kept
        shared.report(logger, "The page cache could not be written")


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.cache = caches[generation.CACHE_ALIAS]
        self.excluded = tuple(settings.PAGE_CACHE_EXCLUDED_PATHS)
        self.max_entry_bytes = settings.PAGE_CACHE_MAX_ENTRY_BYTES
        self.max_streamed_bytes = settings.PAGE_CACHE_MAX_STREAMED_BYTES
        self.timeout = settings.PAGE_CACHE_TIMEOUT
        self.cache_control = {
            "public": True,
            "max_age": settings.HTTP_CACHE_MAX_AGE,
            "s_maxage": settings.HTTP_CACHE_S_MAXAGE,
            "stale_while_revalidate": settings.HTTP_CACHE_STALE_WHILE_REVALIDATE,
        }

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if is_signed_in(request):
            response = self.uncached(request)
            patch_cache_control(response, private=True, no_store=True)
            return response
        if not self.applies_to(request):
            return self.uncached(request)

        encoding = chosen_encoding(request)
        key = self.key(request, encoding)
        try:
            found = self.cache.get_many([*generation.stamp_keys(), key])
            stamps = generation.stamps(found)
        except Exception:  # the cache is down: serve uncached rather than fail
            shared.report(logger, "The page cache could not be read; serving without it")
            return self.without_cache(request)
        version = Version.now(stamps[""])

        entry = found.get(key)
        if version.etag() in self.if_none_match(request):
            return self.not_modified(request, version, entry)
        if entry is not None and entry.version == version:
            return self.replay(request, entry)

        # One request renders a page at a time; the others asking for it meanwhile (a
        # popular page right after a write) wait for its copy (see ``awaited``).
        rendering = f"{key}:{version.generation}:{version.day}:rendering"
        try:
            first = self.cache.add(rendering, True, single_flight.LOCK_TTL)
        except Exception:  # the cache is down: render, as when it cannot be read
            shared.report(logger, "The page cache could not be written; rendering alone")
            return self.render(request, key, version, stamps, encoding)
        if not first:
            entry = self.awaited(key, rendering, version)
            if entry is not None:
                return self.replay(request, entry)
            return self.render(request, key, version, stamps, encoding)
        try:
            return self.render(request, key, version, stamps, encoding)
        finally:
            try:
                self.cache.delete(rendering)
            except Exception:  # the lock lapses by itself (LOCK_TTL)
                shared.report(logger, "The page cache could not be written")

    def render(
        self,
        request: HttpRequest,
        key: str,
        version: Version,
        stamps: dict[str, int],
        encoding: str,
    ) -> HttpResponseBase:
        """The page from the view, kept if it can be."""
        with generation.read_once(stamps):  # the page's fragments: no second reading
            response = self.get_response(request)
        if self.can_cache(request, response):
            self.add_headers(response, version)
            if response.streaming:
                self.store_when_streamed(key, version, response, encoding)
            else:
                self.store(key, version, response, encoding)
        return response

    def awaited(self, key: str, rendering: str, version: Version) -> Entry | None:
        """The entry of ``version`` that another request is rendering, once it
        is kept. None when that request lets go without keeping one (a response that is
        not kept, such as an error, or an export, which is kept only once streamed), or
        after ``single_flight.WAIT`` seconds: then this one renders the page itself."""
        try:
            return single_flight.wait(
                self.cache,
                key,
                rendering,
                time.monotonic() + single_flight.WAIT,
                usable=lambda entry: entry.version == version,
            )
        except Exception:  # the cache went down: render, as when it cannot be read
            shared.report(logger, "The page cache could not be read; rendering alone")
            return None

    def uncached(self, request: HttpRequest) -> HttpResponseBase:
        """A response the page cache neither gives nor keeps (a signed-in reader's, a
        form's). The stamps are still read first, once, for the fragments it draws: what
        is kept under a stamp must have been read from the database after it was set, or
        a write committed in between would be kept under its own stamp, stale."""
        try:
            stamps = generation.stamps(self.cache.get_many(generation.stamp_keys()))
        except Exception:  # the cache is down
            shared.report(logger, "The content generation could not be read")
            return self.without_cache(request)
        with generation.read_once(stamps):
            return self.get_response(request)

    def without_cache(self, request: HttpRequest) -> HttpResponseBase:
        """The response read from the database alone, when the cache cannot be read: no
        kept copy of anything is shown, and nothing is kept (caching/shared.py)."""
        with generation.read_once(generation.unread()):
            return self.get_response(request)

    def applies_to(self, request: HttpRequest) -> bool:
        if request.method != "GET" or "messages" in request.COOKIES:
            return False
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return False  # SecurityMiddleware redirects it
        return not request.path.startswith(self.excluded)

    def key(self, request: HttpRequest, encoding: str) -> str:
        parts = "\n".join(
            (
                RELEASE,
                request.scheme or "",
                request.META.get("HTTP_HOST", ""),
                request.get_full_path(),
                request.META.get("HTTP_ACCEPT", ""),
                encoding,
            )
        )
        return ENTRY_PREFIX + hashlib.sha256(parts.encode("utf-8", "surrogateescape")).hexdigest()

    @staticmethod
    def if_none_match(request: HttpRequest) -> list[str]:
        value = request.META.get("HTTP_IF_NONE_MATCH", "")
        return [tag.strip() for tag in value.split(",")] if value else []

    def can_cache(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        if response.status_code not in CACHEABLE_STATUSES or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False  # the page holds a CSRF token
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
        return vary <= KEYED_VARY

    def add_headers(self, response: HttpResponseBase, version: Version) -> None:
        response["ETag"] = version.etag()
        response["Last-Modified"] = version.last_modified()
        patch_cache_control(response, **self.cache_control)
        patch_vary_headers(response, ("Accept-Encoding", "Cookie"))

    def store(self, key: str, version: Version, response: HttpResponseBase, encoding: str) -> None:
        assert isinstance(response, HttpResponse)
        body, content_encoding = encoded(response, response.content, encoding)
        if content_encoding:
            response.content = body
            response["Content-Encoding"] = content_encoding
        response["Content-Length"] = str(len(body))
        if len(body) <= self.max_entry_bytes:
            entry = Entry(version, response.status_code, self.headers(response), body)
            response[CACHE_STATUS_HEADER] = "miss"
            keep_entry(cache=self.cache, key=key, entry=entry, timeout=self.timeout)

    def store_when_streamed(
        self, key: str, version: Version, response: HttpResponseBase, encoding: str
    ) -> None:
        """A small export is streamed to this reader as it is made, and kept for the next
        ones once it has ended whole; a large one is only streamed. The bound is lower than
        for pages: the copy is held in memory while the stream runs."""
        assert isinstance(response, StreamingHttpResponse) and not response.is_async
        status, headers, chunks = (
            response.status_code,
            self.headers(response),
            cast(Iterator[bytes], response.streaming_content),
        )
        limit, cache, timeout = self.max_streamed_bytes, self.cache, self.timeout

        def tee() -> Iterator[bytes]:
            kept: list[bytes] | None = []
            size = 0
            for chunk in chunks:
                if kept is not None:
                    size += len(chunk)
                    if size <= limit:
                        kept.append(chunk)
                    else:
                        kept = None
                yield chunk
            if kept is None:
                return
            body, content_encoding = encoded(response, b"".join(kept), encoding)
            stored = dict(headers)
            if content_encoding:
                stored["Content-Encoding"] = content_encoding
            stored["Content-Length"] = str(len(body))
            if len(body) <= limit:
                entry = Entry(version, status, tuple(stored.items()), body)
                keep_entry(cache=cache, key=key, entry=entry, timeout=timeout)

        response.streaming_content = tee()
        response[CACHE_STATUS_HEADER] = "miss"

    @staticmethod
    def headers(response: HttpResponseBase) -> tuple[tuple[str, str], ...]:
        return tuple(
            (name, value) for name, value in response.items() if name.lower() not in PER_REQUEST
        )

    def replay(self, request: HttpRequest, entry: Entry) -> HttpResponse:
        response = HttpResponse(entry.body, status=entry.status, headers=dict(entry.headers))
        response[CACHE_STATUS_HEADER] = "hit"
        response[REQUEST_ID_HEADER] = incoming_request_id(request) or uuid.uuid4().hex
        return response

    def not_modified(
        self, request: HttpRequest, version: Version, entry: Entry | None
    ) -> HttpResponseNotModified:
        """A 304, with the Vary of the page kept for this request when there is one (an
        API answer also varies on Accept): a cache in front takes the 304's headers for
        its copy's."""
        response = HttpResponseNotModified()
        if entry is not None:
            vary = dict(entry.headers).get("Vary")
            if vary:
                response["Vary"] = vary
        self.add_headers(response, version)
        response[REQUEST_ID_HEADER] = incoming_request_id(request) or uuid.uuid4().hex
        return response
