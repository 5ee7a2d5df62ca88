"""What costs much to build is built by one request at a time: the others wait for it
(statements/caching/single_flight.py)."""

import threading

import pytest
from django.core.cache.backends.locmem import LocMemCache

from statements.caching import single_flight
from statements.caching.single_flight import get_or_build

WAITERS = 3


@pytest.fixture
def cache():
    kept = LocMemCache("single-flight-tests", {})
    yield kept
    kept.clear()


@pytest.fixture
def waiting(monkeypatch):
    """An event set once WAITERS threads other than the builder have found the value
    missing and paused to look again: then they are waiting, not building."""
    paused: set[int] = set()
    everyone_waits = threading.Event()
    guard = threading.Lock()

    def pause(seconds):
        with guard:
            paused.add(threading.get_ident())
            if len(paused) >= WAITERS:
                everyone_waits.set()
        threading.Event().wait(0.001)

    monkeypatch.setattr(single_flight, "pause", pause)
    return everyone_waits


def in_threads(count, target) -> tuple[list[threading.Thread], list]:
    results: list = [None] * count

    def run(index):
        try:
            results[index] = target()
        except Exception as error:  # noqa: BLE001 -- handed back to the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    return threads, results


def one_builds_while_others_ask(cache, build, building: threading.Event) -> tuple[list, list]:
    """``get_or_build`` in one thread until ``build`` sets ``building``, then in WAITERS
    more: what the first got, and what the others got."""
    builder, first = in_threads(1, lambda: get_or_build(cache, "chart", build, 60))
    builder[0].start()
    assert building.wait(10)
    others, rest = in_threads(WAITERS, lambda: get_or_build(cache, "chart", build, 60))
    for thread in others:
        thread.start()
    for thread in [*builder, *others]:
        thread.join(10)
    return first, rest


def test_readers_who_miss_together_wait_for_the_first_to_build(cache, waiting):
    building = threading.Event()
    builds = []

    def build():
        builds.append(threading.get_ident())
        building.set()
        assert waiting.wait(10), "the other readers never waited"
        return "the chart"

    first, rest = one_builds_while_others_ask(cache, build, building)
    assert len(builds) == 1
    assert first + rest == ["the chart"] * (1 + WAITERS)
    assert cache.get("chart") == "the chart"
    assert cache.get("chart:building") is None


def test_a_failed_build_lets_a_waiting_reader_build_it(cache, waiting):
    building = threading.Event()
    builds = []

    def build():
        builds.append(threading.get_ident())
        if len(builds) == 1:
            building.set()
            assert waiting.wait(10), "the other readers never waited"
            raise RuntimeError("the database went away")
        return "the chart"

    first, rest = one_builds_while_others_ask(cache, build, building)
    assert isinstance(first[0], RuntimeError)
    assert rest == ["the chart"] * WAITERS
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
