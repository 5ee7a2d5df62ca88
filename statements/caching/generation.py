"""The content generation: one stamp that changes whenever published content may change.

Every cached public response, fragment and bulk file is keyed on it, so a write makes all
of them obsolete at once, on every worker and every server that shares the cache; only a
statement's card is kept under its statement's own version instead (card_versions.py). The
stamp lives in the shared cache (Redis, or a directory every worker of one machine reads);
if the cache loses it, a new one is made, which only costs a refill.

Writes are noticed through Django's model signals for every model of the ``statements``
app, whichever path made them (editorial services, admin, history reverts, fixtures). The
stamp changes twice: at once, and again when the transaction commits. The first change
keeps a transaction's own later reads away from older cached copies; the second makes any
copy filled from the not yet committed state obsolete before anyone can read the new one.
Bulk writers that bypass the ORM (COPY) call ``bump()`` themselves.

A few things depend on one model only: the topic tree is read from the topics alone.
They are keyed on that model's own stamp (a scope, ``current("topics")``), which changes
with the model's rows and with nothing else, so that a new statement does not make every
page reread the tree; and a change to a topic reads the tree again once it commits
(``rebuild_on_change``), so that no reader has to.

Every request reads every stamp once, before its view runs (an anonymous reader's with
its page's cache entry: caching/pages.py), and everything it reads from the cache or
caches while it runs is keyed on that reading (``read_once``); a person's own chart
stamp (caching/charts.py), one of many, is read by the page that draws the chart, before
it reads the chart's data. Reading the stamps before the content is also the safe
order: what a request caches under a stamp was read from the database after that stamp
was set. (A request that writes keeps its first reading: what it draws after its write
is kept under a stamp the write made obsolete, and the editor's forms redirect to a new
request after a write.) A request that cannot read them, the cache being down, runs with
stamps that nothing was ever kept under (``unread``; caching/shared.py).
"""

from __future__ import annotations

import itertools
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

CACHE_ALIAS = "default"
KEY = "content-generation"
WATCHED_APP_LABELS = frozenset({"statements"})
# model name -> scope: a write to the model changes the scope's stamp as well.
SCOPES = {"topic": "topics"}
# Every person's and topic's timeline chart (caching/charts.py): changed by writes it
# cannot pin on a few people and topics. Each one's own is "speaker:<id>" or "topic:<id>",
# read only by the pages that need it.
EVERY_CHART = "charts"
# Every statement's card (caching/card_versions.py): changed by writes that change what
# many cards show. Each card is kept under its statement's own version as well.
CARDS = "cards"
ALL_SCOPES = ("", *sorted({*SCOPES.values(), EVERY_CHART, CARDS}))
COMMIT_BUMP_TRIES = 3
COMMIT_BUMP_PAUSE = 0.05  # seconds, times the try's number


def shared_cache():
    return caches[CACHE_ALIAS]


def _key(scope: str) -> str:
    return f"{KEY}:{scope}" if scope else KEY


# scope ("" for the content generation itself) -> the stamp this request read
_read: ContextVar[Mapping[str, int] | None] = ContextVar("content_generation", default=None)


def stamp_keys() -> list[str]:
    """The cache keys of the content generation and of every scope's stamp."""
    return [_key(scope) for scope in ALL_SCOPES]


def stamps(found: Mapping[str, Any]) -> dict[str, int]:
    """Every stamp by scope ("" for the content generation), from what the cache's
    ``get_many(stamp_keys())`` found; a missing one is read or made now."""
    read = {}
    for scope in ALL_SCOPES:
        value = found.get(_key(scope))
        read[scope] = int(value) if value is not None else current(scope)
    return read


@contextmanager
def read_once(read: Mapping[str, int]) -> Iterator[None]:
    """Within, ``current()`` gives the stamps of ``read`` (see ``stamps()``) without
    asking the cache again."""
    token = _read.set(read)
    try:
        yield
    finally:
        _read.reset(token)


class _Unread(dict):
    """The stamps of a request that could not read them (``unread``): for each scope it
    asks for, a stamp that nothing was ever kept under, made at its first asking."""

    def __contains__(self, scope: object) -> bool:
        return True

    def __missing__(self, scope: str) -> int:
        stamp = self[scope] = _never_kept()
        return stamp


_made = itertools.count(1)


def _never_kept() -> int:
    # Negative, so never a stamp the cache held; unique to this process and moment.
    return -int(f"{time.time_ns()}{os.getpid():08d}{next(_made):06d}")


def unread() -> Mapping[str, int]:
    """For ``read_once()`` when the shared cache cannot be read: every scope gets a stamp
    that nothing was ever kept under, so no kept copy is shown (in any process's memory
    either), and what the request keeps is never read by another."""
    return _Unread()


def is_unread() -> bool:
    """Whether this request runs without the shared cache (``unread``)."""
    return isinstance(_read.get(), _Unread)


def current(scope: str = "") -> int:
    """The stamp now: nanoseconds since the epoch of the last change (or of the first read
    after the cache lost it), so that it also serves as a Last-Modified date. With a
    scope, the stamp of that scope's model alone. Inside ``read_once()``, the stamp read
    there."""
    read = _read.get()
    if read is not None and scope in read:
        return read[scope]
    cache, key = shared_cache(), _key(scope)
    value = cache.get(key)
    if value is None:
        cache.add(key, time.time_ns(), timeout=None)
        value = cache.get(key)
    return int(value)


def bump(scope: str = "") -> int:
    """Make every cached copy obsolete (with a scope: every copy keyed on that scope). One
    writer's stamps never go backwards, even if the clock does. Two writers bumping at
    once may land in either order (a read, then a write): either way the stamp is one
    that no copy is kept under yet, so neither leaves an older copy current; only
    Last-Modified may then step back, and the ETag, which holds the stamp, still differs."""
    cache, key = shared_cache(), _key(scope)
    previous = cache.get(key) or 0
    value = max(time.time_ns(), int(previous) + 1)
    cache.set(key, value, timeout=None)
    return value


# scope -> what to read again when a change to it commits (``rebuild_on_change``)
_rebuilders: dict[str, list[Callable[[], object]]] = defaultdict(list)


def rebuild_on_change(scope: str, rebuild: Callable[[], object]) -> None:
    """Have ``rebuild`` run when a write that changes ``scope`` commits, after the new
    stamp: for a piece nearly every page reads (the topic tree), so that the writer pays
    for reading it again, not the next reader within that page's query budget. Never at
    the write itself: the transaction's state is not committed, and may never be."""
    _rebuilders[scope].append(rebuild)


def on_commit_retried(bumps: Callable[[], object]) -> None:
    """Run ``bumps`` when the transaction commits. The write has committed by then and
    stands whatever happens here; a copy filled from its uncommitted state stays current
    until the bump lands, so a failing cache is given a few more tries (the last failure
    is logged: on_commit(robust=True))."""

    def retried() -> None:
        for attempt in range(1, COMMIT_BUMP_TRIES + 1):
            try:
                bumps()
                return
            except Exception:
                if attempt == COMMIT_BUMP_TRIES:
                    raise
                time.sleep(COMMIT_BUMP_PAUSE * attempt)

    transaction.on_commit(retried, robust=True)


def bump_now_and_on_commit(*scopes: str, content: bool = True) -> None:
    """Change the content generation (unless ``content`` is False: the caller's write
    changes it already) and each scope's stamp, at once and again when the transaction
    commits (see above)."""
    scopes = tuple(scope for scope in scopes if scope)

    def bump_all() -> None:
        if content:
            bump()
        for scope in scopes:
            bump(scope)

    def bump_all_and_rebuild() -> None:
        bump_all()
        # With the stamps just made, not those the request read before its write: what
        # is rebuilt is kept under them.
        with read_once({}):
            for scope in scopes:
                for rebuild in _rebuilders.get(scope, []):
                    rebuild()

    bump_all()
    on_commit_retried(bump_all_and_rebuild)


def _content_changed(sender, **kwargs) -> None:
    if sender._meta.app_label in WATCHED_APP_LABELS:
        bump_now_and_on_commit(SCOPES.get(sender._meta.model_name, ""))


def _m2m_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_") and instance._meta.app_label in WATCHED_APP_LABELS:
        bump_now_and_on_commit(SCOPES.get(instance._meta.model_name, ""))


def connect() -> None:
    post_save.connect(_content_changed, dispatch_uid="content-generation-save")
    post_delete.connect(_content_changed, dispatch_uid="content-generation-delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="content-generation-m2m")
