"""The content generation: one stamp that changes whenever published content may change.

Every cached public response, fragment and bulk file is keyed on it, so a write makes all
of them obsolete at once, on every worker and every server that shares the cache. The
stamp lives in the shared cache (Redis, or a directory every worker of one machine reads);
if the cache loses it, a new one is made, which only costs a refill.

Writes are noticed through Django's model signals for every model of the ``statements``
app, whichever path made them (editorial services, admin, history reverts, fixtures). The
stamp changes twice: at once, and again when the transaction commits. The first change
keeps a transaction's own later reads away from older cached copies; the second makes any
copy filled from the not yet committed state obsolete before anyone can read the new one.
Bulk writers that bypass the ORM (COPY) call ``bump()`` themselves.
"""

from __future__ import annotations

import time

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

CACHE_ALIAS = "default"
KEY = "content-generation"
WATCHED_APP_LABELS = frozenset({"statements"})


def _cache():
    return caches[CACHE_ALIAS]


def current() -> int:
    """The stamp now: nanoseconds since the epoch of the last change (or of the first read
    after the cache lost it), so that it also serves as a Last-Modified date."""
    cache = _cache()
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, time.time_ns(), timeout=None)
        value = cache.get(KEY)
    return int(value)


def bump() -> int:
    """Make every cached copy obsolete. The stamp never goes backwards, even if the clock
    does, because conditional requests compare it."""
    cache = _cache()
    previous = cache.get(KEY) or 0
    value = max(time.time_ns(), int(previous) + 1)
    cache.set(KEY, value, timeout=None)
    return value


def bump_now_and_on_commit() -> None:
    bump()
    transaction.on_commit(bump, robust=True)


def _content_changed(sender, **kwargs) -> None:
    if sender._meta.app_label in WATCHED_APP_LABELS:
        bump_now_and_on_commit()


def _m2m_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_") and instance._meta.app_label in WATCHED_APP_LABELS:
        bump_now_and_on_commit()


def connect() -> None:
    post_save.connect(_content_changed, dispatch_uid="content-generation-save")
    post_delete.connect(_content_changed, dispatch_uid="content-generation-delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="content-generation-m2m")
