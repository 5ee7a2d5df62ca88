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
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches
from redis.exceptions import RedisError

from . import generation

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What the cache backends raise when the cache cannot be reached: Redis's client, and the
# file system for the directory cache.
UNREACHABLE: tuple[type[Exception], ...] = (RedisError, OSError)


def shared_cache():
    return caches[generation.CACHE_ALIAS]


def kept(key: str, build: Callable[[], T], timeout: int) -> T:
    """The value kept under ``key``, or ``build()``'s, then kept for ``timeout`` seconds
    (``key`` holds the stamp it depends on). Without the cache, ``build()``'s alone.
    ``build`` must not return None."""
    if generation.is_unread():
        return build()
    cache = shared_cache()
    try:
        value = cache.get(key)
    except UNREACHABLE:
        logger.warning("The shared cache could not be read; building %s", key, exc_info=True)
        return build()
    if value is None:
        value = build()
        keep(key, value, timeout)
    return value


def keep(key: str, value: object, timeout: int) -> None:
    """Keep ``value`` if the cache can be written; otherwise it is only not kept."""
    try:
        shared_cache().set(key, value, timeout)
    except UNREACHABLE:
        logger.warning("The shared cache could not be written; %s not kept", key, exc_info=True)
