"""The fragments cache: rendered pieces of pages (cards, briefs, entries, menus) kept in each
process's memory (tracker/settings.py), under keys that hold the content generation.

Django's local-memory cache pickles every value it keeps and unpickles it at every read,
so that no caller can change what another one reads, and checks every character of every
key for what memcached would refuse. A person's page reads about 150 fragments: 0.6 ms
that way, 0.07 ms this way (a fifth of its template's rendering was reading them). A
string cannot be changed, so this cache keeps strings as they are and pickles anything
else, as Django's does. A ``SafeString`` is kept as a plain string and made safe again when
read: a str subclass, it is an object the garbage collector tracks, and a worker's
thousands of kept cards made every full collection walk them (at a million statements,
after a few thousand list pages, 13-28 ms a collection where it is now 9-15). The keys
are the site's own, so they are made, not checked; a read of many keys takes the lock
once. Expiry and eviction (least recently used first) are Django's.

A request made without the shared cache keeps nothing here: its keys hold stamps that no
other request reads (generation.unread), so what it kept would only push out what others
will read.

``ObjectCache`` keeps every value as it is, unpickled: for values that their readers
never change (a person's newest statements, read as model instances: unpickling them
cost as much as reading them again).
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.utils.safestring import SafeString

from . import generation


def _kept(value: Any) -> Any:
    if type(value) is str:
        return value
    if isinstance(value, SafeString):
        # As a plain string in a tuple: the garbage collector never walks either, as it
        # would every kept SafeString (a str subclass) at each full collection.
        return (str.__str__(value),)
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _read(stored: Any) -> Any:
    if isinstance(stored, str):
        return stored
    if isinstance(stored, tuple):
        return SafeString(stored[0])
    return pickle.loads(stored)  # noqa: S301 -- ours


class FragmentCache(LocMemCache):
    # LocMemCache's own, which its type stubs leave out.
    _cache: OrderedDict[str, Any]
    _expire_info: dict[str, float | None]
    _lock: threading.Lock
    _set: Callable[..., None]
    _delete: Callable[[str], bool]
    _has_expired: Callable[[str], bool]

    _kept = staticmethod(_kept)
    _read = staticmethod(_read)

    def get_many(self, keys, version=None) -> dict[str, Any]:
        made = [(key, self.make_key(key, version=version)) for key in keys]
        now = time.time()
        found = {}
        with self._lock:
            for key, internal in made:
                if internal not in self._expire_info:
                    continue
                expires = self._expire_info[internal]
                if expires is not None and expires <= now:
                    self._delete(internal)
                    continue
                found[key] = self._cache[internal]
                self._cache.move_to_end(internal, last=False)
        return {key: self._read(stored) for key, stored in found.items()}

    def get(self, key, default=None, version=None) -> Any:
        found = self.get_many([key], version=version)
        return found[key] if key in found else default

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        if generation.is_unread():
            return []
        kept = [
            (self.make_key(key, version=version), self._kept(value)) for key, value in data.items()
        ]
        with self._lock:
            for internal, stored in kept:
                self._set(internal, stored, timeout)
        return []

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self.set_many({key: value}, timeout, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        if generation.is_unread():
            return False
        internal, stored = self.make_key(key, version=version), self._kept(value)
        with self._lock:
            if self._has_expired(internal):
                self._set(internal, stored, timeout)
                return True
            return False

    def incr(self, key, delta=1, version=None) -> Any:
        internal = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(internal):
                self._delete(internal)
                raise ValueError(f"Key '{key}' not found")
            value = self._read(self._cache[internal]) + delta
            self._cache[internal] = self._kept(value)
            self._cache.move_to_end(internal, last=False)
        return value


class ObjectCache(FragmentCache):
    """Values kept as they are: a reader gets the very object another one kept, so it
    must never change it."""

    _kept = staticmethod(lambda value: value)
    _read = staticmethod(lambda stored: stored)
