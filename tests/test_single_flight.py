"""What costs much to build is built by one request at a time: the others wait for it
(statements/caching/single_flight.py). Whole pages: tests/test_page_cache.py."""

import threading

import pytest
from django.core.cache.backends.locmem import LocMemCache

from statements.caching import single_flight
from statements.caching.single_flight import get_or_build

from .support import READERS_WAITING, first_then_others


@pytest.fixture
def cache():
    kept = LocMemCache("single-flight-tests", {})
    yield kept
    kept.clear()


def test_readers_who_miss_together_wait_for_the_first_to_build(cache, readers_waiting):
    building = threading.Event()
    builds = []

    def build():
        builds.append(threading.get_ident())
        building.set()
        assert readers_waiting.wait(10), "the other readers never waited"
        return "the chart"

    first, rest = first_then_others(lambda: get_or_build(cache, "chart", build, 60), building)
    assert len(builds) == 1
    assert [first, *rest] == ["the chart"] * (1 + READERS_WAITING)
    assert cache.get("chart") == "the chart"
    assert cache.get("chart:building") is None


def test_a_failed_build_lets_a_waiting_reader_build_it(cache, readers_waiting):
    building = threading.Event()
    builds = []

    def build():
        builds.append(threading.get_ident())
        if len(builds) == 1:
            building.set()
            assert readers_waiting.wait(10), "the other readers never waited"
            raise RuntimeError("the database went away")
        return "the chart"

    first, rest = first_then_others(lambda: get_or_build(cache, "chart", build, 60), building)
    assert isinstance(first, RuntimeError)
    assert rest == ["the chart"] * READERS_WAITING
    assert len(builds) == 2  # the failed one, then one waiter's for all of them


def test_a_builder_that_never_finishes_is_waited_for_a_bounded_time(cache, monkeypatch):
    monkeypatch.setattr(single_flight, "WAIT", 0.2)
    cache.add("chart:building", True, 60)  # taken by a worker that died while building
    assert get_or_build(cache, "chart", lambda: "the chart", 60) == "the chart"
    assert cache.get("chart") == "the chart"


def test_a_kept_value_is_given_without_building(cache):
    cache.set("chart", "kept", 60)

    def build():
        raise AssertionError("built although it was kept")

    assert get_or_build(cache, "chart", build, 60) == "kept"
