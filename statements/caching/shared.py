"""Values kept in the shared cache (Redis, or a directory every worker of one machine
reads), and what happens when it cannot be reached.

Every request reads its stamps there first (generation.py), and the pages keep there
what costs much to build: the topic tree and its counts, the timeline charts
(single_flight.py), the people to compare, the share cards. When the cache cannot be
read, a reader still gets the page, read from the database: its stamps are then ones
that nothing was ever kept under (``generation.unread``), so no kept copy is shown, in
the shared cache or in any process's memory, and what it builds is not kept. When it
cannot be written, what was built is shown and not kept. A write still needs the cache:
the stamps must change, or copies of what it changed would outlive it (generation.bump
raises, and the write is not made).
"""

from __future__ import annotations

import logging
import math
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from redis.exceptions import RedisError

from . import generation

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What the cache backends raise when the cache cannot be reached: Redis's client, and the
# file system for the directory cache.
UNREACHABLE: tuple[type[Exception], ...] = (RedisError, OSError)

# An outage would write a traceback for every request: each process tells of it at most
# once a minute, with how many times it went untold since.
REPORT_EVERY = 60.0  # seconds
_reports = threading.Lock()
_last_report = -math.inf
_untold = 0


def report(log: logging.Logger, message: str, *args: object) -> None:
    """Log the error being handled, ``message`` saying what was done about it: an error
    reaching the cache (``UNREACHABLE``) at most once every REPORT_EVERY seconds per
    process, any other every time."""
    global _last_report, _untold
    if isinstance(sys.exc_info()[1], UNREACHABLE):
        now = time.monotonic()
        with _reports:
            if now - _last_report < REPORT_EVERY:
                _untold += 1
                return
            untold, _untold, _last_report = _untold, 0, now
        if untold:
            message += f" ({untold} more times since the last report)"
    log.error(message, *args, exc_info=True)


def kept(key: str, build: Callable[[], T], timeout: int) -> T:
    """The value kept under ``key``, or ``build()``'s, then kept for ``timeout`` seconds
    (``key`` holds the stamp it depends on). Without the cache, ``build()``'s alone.
    ``build`` must not return None."""
    readable, value = found(key)
    if value is None:
        value = build()
        if readable:
            keep(key, value, timeout)
    return value


def found(key: str) -> tuple[bool, Any]:
    """Whether the shared cache can be read for this request, and the value kept under
    ``key`` (None when there is none). Unreadable, nothing may be kept either: the request
    runs without the cache (generation.unread), or it has just gone."""
    if generation.is_unread():
        return False, None
    try:
        return True, generation.shared_cache().get(key)
    except UNREACHABLE:
        report(logger, "The shared cache could not be read; building %s", key)
        return False, None


def keep(key: str, value: object, timeout: int) -> None:
    """Keep ``value`` if the cache can be written; otherwise it is only not kept."""
    try:
        generation.shared_cache().set(key, value, timeout)
    except UNREACHABLE:
        report(logger, "The shared cache could not be written; %s not kept", key)
