"""The fragments cache (statements/caching/fragments.py): Django's local-memory cache,
without pickling strings or checking keys."""

import gc
import time

import pytest
from django.core.cache import caches
from django.utils.safestring import SafeString, mark_safe

from statements.caching.fragments import FragmentCache


def make(name: str, **options) -> FragmentCache:
    cache = FragmentCache(name, {"OPTIONS": options})
    cache.clear()
    return cache


def test_the_site_keeps_its_fragments_in_it():
    assert isinstance(caches["fragments"], FragmentCache)


def test_a_string_is_kept_as_it_is_and_stays_safe():
    cache = make("strings")
    card = mark_safe('<article class="card">“We will fund ferries.”</article>')
    cache.set_many({"card:1:7": card, "brief:1:7": "plain"})
    found = cache.get_many(["card:1:7", "brief:1:7", "card:2:7"])
    assert found == {"card:1:7": card, "brief:1:7": "plain"}  # the missing key is left out
    assert isinstance(found["card:1:7"], SafeString)
    assert cache.get("card:2:7", "absent") == "absent"


def test_what_it_keeps_of_a_string_is_nothing_for_the_garbage_collector_to_walk():
    """A full collection walks every object the collector tracks; a worker keeps
    thousands of cards, and a SafeString, a str subclass, is tracked where a str is not."""
    cache = make("untracked")
    cache.set_many({"card:1:7": mark_safe("<article>…</article>"), "brief:1:7": "plain"})
    gc.collect()
    assert len(cache._cache) == 2
    assert not any(gc.is_tracked(stored) for stored in cache._cache.values())


def test_anything_else_is_a_copy_a_reader_cannot_change_for_the_next():
    cache = make("records")
    cache.set("menu:7", [("immigration", "Immigration")])
    cache.get("menu:7").append(("taxes", "Taxes"))
    assert cache.get("menu:7") == [("immigration", "Immigration")]
    assert cache.add("count", 1) is True
    assert cache.add("count", 5) is False
    assert cache.incr("count", 2) == 3
    assert cache.get("count") == 3
    with pytest.raises(ValueError, match="not found"):
        cache.incr("nothing")


def test_a_fragment_past_its_timeout_is_gone(monkeypatch):
    cache = make("expiry")
    cache.set("card:1:7", "old", timeout=60)
    cache.set("card:2:7", "kept", timeout=None)
    now = time.time()
    monkeypatch.setattr("statements.caching.fragments.time.time", lambda: now + 61)
    assert cache.get_many(["card:1:7", "card:2:7"]) == {"card:2:7": "kept"}
    assert "card:1:7" not in cache._cache  # dropped when found expired


def test_the_least_recently_read_go_first_when_it_is_full():
    cache = make("eviction", MAX_ENTRIES=3, CULL_FREQUENCY=3)
    cache.set_many({"a": "1", "b": "2", "c": "3"})
    cache.get_many(["a"])  # read last: kept
    cache.set("d", "4")  # full: a third of the entries go, the least recently used
    assert cache.get_many(["a", "b", "c", "d"]) == {"a": "1", "c": "3", "d": "4"}
