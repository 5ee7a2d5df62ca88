"""One request builds, the others wait for it: for what costs much to build and is kept
in the shared cache under the content generation (the timeline charts; the page cache
does the same for whole pages with these settings: caching/pages.py).

A write makes every kept chart obsolete, and a popular page's readers then all miss it at
once. Each of them would read the same chart from the database, at the same time, on
cores they share: a topic's chart took 0.7 s alone at a million statements, and eight
readers of that page right after a write waited 4 to 6 s. Instead the first to miss takes
a lock in the shared cache (``add``: atomic on Redis and in local memory; the file cache
may let two through, which only costs a second build) and builds; the others look for
what it keeps, every ``POLL`` seconds, and build it themselves only if it has not come
after ``WAIT`` seconds. A failed build lets the lock go, so the next one to look builds.
The lock also lapses by itself after ``LOCK_TTL`` seconds: a worker killed while
building holds no one up for longer.

What a waiter gets is kept under the key it asked for, which holds the stamp it read
before the database: it was built from a reading made after that stamp was set, as if
the waiter had built it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import BaseCache

from . import generation
from .shared import UNREACHABLE, report

logger = logging.getLogger(__name__)

T = TypeVar("T")

POLL = 0.05
WAIT = 10.0
LOCK_TTL = 30


def pause(seconds: float) -> None:
    """A waiting reader's sleep between two looks: a function of its own, so that the
    tests can tell when readers are waiting."""
    time.sleep(seconds)


def get_or_build(cache: BaseCache, key: str, build: Callable[[], T], timeout: int) -> T:
    """The value kept under ``key``, or ``build()``'s, kept for ``timeout`` seconds; while
    another request builds it, that one's. ``build`` must not return None. Without the
    cache (caching/shared.py), ``build()``'s alone."""
    if generation.is_unread():
        return build()
    started = []

    def building() -> T:
        started.append(True)
        return build()

    try:
        return _get_or_build(cache, key, building, timeout)
    except UNREACHABLE:
        if started:  # the build's own: the cache's errors after a build are caught there
            raise
        report(logger, "The shared cache could not be read; building %s", key)
        return build()


def _get_or_build(cache: BaseCache, key: str, build: Callable[[], T], timeout: int) -> T:
    value = cache.get(key)
    if value is not None:
        return value
    lock = f"{key}:building"
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if cache.add(lock, True, LOCK_TTL):
            try:
                # Kept between this one's last look and the builder letting the lock go?
                value = cache.get(key)
                return value if value is not None else _build_and_keep(cache, key, build, timeout)
            finally:
                try:
                    cache.delete(lock)
                except UNREACHABLE:  # the lock lapses by itself (LOCK_TTL)
                    report(logger, "The shared cache could not be written")
        value = wait(cache, key, lock, deadline)
        if value is not None:
            return value
    # The builder is stuck or gone: build as if there were none.
    return _build_and_keep(cache, key, build, timeout)


def wait(
    cache: BaseCache,
    key: str,
    lock: str,
    deadline: float,
    usable: Callable[[Any], bool] = lambda value: True,
) -> Any | None:
    """What ``key`` comes to hold (a value ``usable`` accepts) while another request
    holds ``lock``, looked for every POLL seconds: None once the lock is let go without
    it, or at ``deadline`` (``time.monotonic()``)."""
    while time.monotonic() < deadline:
        pause(POLL)
        found = cache.get_many([key, lock])
        value = found.get(key)
        if value is not None and usable(value):
            return value
        if lock not in found:
            return None
    return None


def _build_and_keep(cache: BaseCache, key: str, build: Callable[[], T], timeout: int) -> T:
    value = build()
    try:
        cache.set(key, value, timeout)
    except UNREACHABLE:  # shown, not kept
        report(logger, "The shared cache could not be written; %s not kept", key)
    return value
