"""Request ids and the access log; a warning about misconfigured proxy headers.

``RequestLogMiddleware`` gives each request an id (a sane incoming ``X-Request-ID``, as a
proxy such as nginx sets it, or a new uuid4), makes it the ``request_id`` of every log
record written while the request runs, returns it in the ``X-Request-ID`` response header,
and writes one access line per request to the ``tracker.access`` logger:

    method=GET path=/statements/ query=q=immigration status=200 duration_ms=12.3

The line holds no cookies, headers or bodies; secret-looking query parameters are
redacted (``tracker.logging.redact_query``).

``ForwardingHeadersCheckMiddleware`` logs once per process when X-Forwarded-For disagrees
with TRUSTED_PROXIES / TRUSTED_PROXY_COUNT (``tracker.security.check_forwarding_headers``).

``QueryTimeLimitMiddleware`` answers 503 with Retry-After when one of a request's queries
ran past PostgreSQL's statement_timeout (set for the site's requests by
tracker/gunicorn_conf.py), instead of a 500.

``CacheOutageMiddleware`` answers 503 with Retry-After when a request needed the shared
cache while it could not be reached (a write, whose stamps must change), instead of a 500.

``RoutesReadOnceMiddleware`` lets the view and its templates read the request's script
prefix and urlconf once, for every address they write.
"""

import logging
import re
import time
import uuid

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path
from psycopg2 import errorcodes

from statements.caching.shared import UNREACHABLE
from statements.models.base import resolving_read_once

from .logging import redact_query, request_id_var
from .security import check_forwarding_headers

access_log = logging.getLogger("tracker.access")
logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


def incoming_request_id(request) -> str | None:
    value = request.headers.get(REQUEST_ID_HEADER, "")
    return value if VALID_REQUEST_ID.fullmatch(value) else None


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming_request_id(request) or uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            duration_ms = (time.perf_counter() - started) * 1000
            query = redact_query(request.META.get("QUERY_STRING", ""))
            access_log.info(
                "method=%s path=%s%s status=%s duration_ms=%.1f",
                # The method is whatever the client sent: keep it to a token.
                re.sub(r"[^A-Z]", "", request.method.upper())[:16] or "-",
                escape_uri_path(request.path),
                f" query={query}" if query else "",
                response.status_code,
                duration_ms,
            )
            return response
        finally:
            request_id_var.reset(token)


class ForwardingHeadersCheckMiddleware:
    """Logs once per process when X-Forwarded-For disagrees with the proxy settings
    (``tracker.security.check_forwarding_headers``); changes nothing in the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        check_forwarding_headers(request)
        return self.get_response(request)


def ran_out_of_time(exception: BaseException) -> bool:
    """Whether PostgreSQL cancelled the query: its statement_timeout, or an operator's
    pg_cancel_backend."""
    return isinstance(exception, OperationalError) and (
        getattr(exception.__cause__, "pgcode", None) == errorcodes.QUERY_CANCELED
    )


class QueryTimeLimitMiddleware:
    """A request whose query ran out of time gets a 503 with Retry-After: nothing the
    reader did was wrong, and the same request may well succeed in a minute. Logged as a
    warning, with the path, so that a query that keeps running out of time is seen."""

    RETRY_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not ran_out_of_time(exception):
            return None
        logger.warning("query ran out of time: path=%s", escape_uri_path(request.path))
        return unavailable(
            request,
            "The database took too long to answer. Please try again in a minute.",
            "503.html",
            self.RETRY_AFTER_SECONDS,
        )


def unavailable(request, detail: str, template: str, retry_after: int) -> HttpResponse:
    """A 503 that no cache keeps, with Retry-After: ``detail`` for the API, ``template``
    for the pages."""
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": detail}, status=503)
    else:
        response = HttpResponse(render_to_string(template, request=request), status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class CacheOutageMiddleware:
    """A write while the shared cache cannot be reached is refused (its stamps must change:
    statements/caching/shared.py), and so is anything else that needs the cache then: a
    503 with Retry-After that says nothing was saved, not a 500. Reading pages does without
    the cache and never gets here."""

    RETRY_AFTER_SECONDS = 120

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNREACHABLE):
            return None
        logger.error(
            "the shared cache could not be reached: path=%s",
            escape_uri_path(request.path),
            exc_info=exception,
        )
        return unavailable(
            request,
            "The site cannot save changes just now. Please try again in a few minutes.",
            "503_cache.html",
            self.RETRY_AFTER_SECONDS,
        )


class RoutesReadOnceMiddleware:
    """Addresses are written with the script prefix and urlconf read once per request
    (``statements.models.base.resolving_read_once``): half a millisecond of a list page.
    Last but for django-axes, so that a ``request.urlconf`` set by the middleware before it
    is the one used, as Django's handler would use it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with resolving_read_once(getattr(request, "urlconf", None)):
            return self.get_response(request)
