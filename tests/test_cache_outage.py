"""Without the shared cache (caching/shared.py): pages are read from the database alone,
none of them shows a kept copy of anything, and no write is saved."""

import logging
import math

import pytest
from django.core.cache import caches
from redis.exceptions import ConnectionError as RedisConnectionError

from statements.caching import generation, shared
from statements.models import Statement
from statements.reading.cards import fragments
from statements.reading.tree import TopicTree

from .support import logged_in

pytestmark = pytest.mark.django_db

CACHE_METHODS = ("get", "get_many", "add", "set", "set_many", "delete", "delete_many", "incr")

PAGES = [
    "/",
    "/statements/",
    "/statements/?topic=immigration&q=misguided",
    "/people/",
    "/people/jon-ossoff/",
    "/topics/",
    "/topics/immigration/",
    "/races/",
    "/races/general/",
    "/compare/?people=jon-ossoff&people=david-perdue&topic=immigration",
    "/statements/feed/",
    "/api/v1/statements/",
    "/statements/export.csv?speaker=jon-ossoff",
    "/sitemap.xml",
]


class SharedCache:
    """The shared cache, which the test takes down and brings back."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.cache = caches[generation.CACHE_ALIAS]
        self.calls = []

    def down(self):
        def unreachable(*args, **kwargs):
            self.calls.append(args[:1])  # the key (or keys) asked for
            raise RedisConnectionError("Error 111 connecting to the cache. Connection refused.")

        for method in CACHE_METHODS:
            self.monkeypatch.setattr(self.cache, method, unreachable)

    def back(self):
        for method in CACHE_METHODS:
            self.monkeypatch.delattr(self.cache, method)


@pytest.fixture
def shared_cache(monkeypatch):
    return SharedCache(monkeypatch)


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_every_public_page_is_read_from_the_database_when_the_cache_is_down(
    client, world, shared_cache, url
):
    expected = body_of(client.get(url))
    shared_cache.down()
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response and "ETag" not in response
    assert body_of(response) == expected


def test_without_the_cache_no_page_shows_a_copy_kept_before_or_during_the_outage(
    client, world, shared_cache
):
    """A change the stamps could not tell of (made while the cache was down, by a bulk
    writer without signals) shows on the very next page: nothing kept in this process's
    memory, before the outage or during it, is read."""
    url = "/people/jon-ossoff/"
    client.get(url)
    assert len(fragments()._cache)  # cards and briefs kept under the stamps read
    shared_cache.down()
    assert "the economy needs fixing" in client.get(url).content.decode()
    Statement.objects.filter(pk=world["ossoff_economy"]).update(text="the economy is mended")
    page = client.get(url).content.decode()
    assert "the economy is mended" in page and "the economy needs fixing" not in page
    assert "the economy is mended" in client.get("/statements/").content.decode()


def test_without_the_cache_a_worker_keeps_nothing_in_its_memory(client, world, shared_cache):
    """What a page keeps in the worker's memory is keyed on stamps that, without the
    cache, no other request reads: kept, it would only push out what others will read."""
    from statements.reading.people import said_here
    from statements.reading.timeline_data import drawn_here

    shared_cache.down()
    for url in ("/people/jon-ossoff/", "/statements/", "/topics/immigration/"):
        assert client.get(url).status_code == 200
    assert not fragments()._cache
    assert not said_here()._cache
    assert not drawn_here()._cache


def test_a_signed_in_editor_reads_pages_and_the_desk_without_the_cache(world, shared_cache, editor):
    reader = logged_in(editor)
    shared_cache.down()
    assert reader.get("/people/jon-ossoff/").status_code == 200
    assert reader.get("/admin/statements/statement/").status_code == 200


def test_a_write_is_refused_while_the_cache_is_down_and_saved_once_it_is_back(world, shared_cache):
    """Its stamps must change, or what was kept of the record would outlive the write."""
    statement = Statement.objects.get(pk=world["ossoff_economy"])
    shared_cache.down()
    statement.text = "the economy is mended"
    with pytest.raises(RedisConnectionError):
        statement.save()
    shared_cache.back()
    statement.save()
    assert Statement.objects.get(pk=statement.pk).text == "the economy is mended"


@pytest.mark.parametrize("page", ["/topics/immigration/", "/people/jon-ossoff/"])
def test_a_cache_that_fails_after_the_stamps_were_read_is_only_not_written(
    client, world, shared_cache, monkeypatch, page
):
    """The shared cache going down while a page is made, after its stamps were read: what
    the page reads there (the topic tree, the chart and its own stamps) is built instead,
    and the page is shown, not kept."""
    cache = shared_cache.cache
    expected = client.get(f"{page}?before").content.decode()
    for each in caches.all():  # nothing kept, in the shared cache or in memory
        each.clear()
    TopicTree._kept = None
    generation.stamps({})  # made again: there to be read
    read = type(cache).get.__get__(cache)  # the cache's own, not the failing one below
    shared_cache.down()

    def stamps_only(keys, version=None):
        return {key: read(key) for key in keys if key.startswith(generation.KEY)}

    monkeypatch.setattr(cache, "get_many", stamps_only)
    response = client.get(f"{page}?before")
    assert response.status_code == 200
    assert response.content.decode() == expected
    assert not generation.is_unread()
    asked = [str(call[0]) for call in shared_cache.calls if call]
    assert any(key.startswith("statements:topic-tree:") for key in asked)
    assert any(key.startswith("statements:timeline:") for key in asked)


def test_healthz_says_degraded_with_a_200_when_the_cache_is_down(client, shared_cache):
    """The pages are still served: the load balancer keeps the server, the monitoring
    sees why it is slow and why writes fail."""
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}
    shared_cache.down()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "down"}


def test_an_alert_is_not_taken_while_its_requests_cannot_be_counted(client, world, shared_cache):
    """The form's limits are counted in the shared cache: without it, nothing is sent
    (the form could flood an inbox) and the reader is told to try again."""
    from django.core import mail

    shared_cache.down()
    form = {"email": "reader@example.org", "label": "", "query": "speaker=jon-ossoff"}
    response = client.post("/alerts/new/", form)
    assert response.status_code == 503
    assert "Try again in a few minutes" in response.content.decode()
    assert mail.outbox == []
    shared_cache.back()
    assert client.post("/alerts/new/", form).status_code == 200
    assert len(mail.outbox) == 1


def test_an_editors_save_while_the_cache_is_down_is_refused_with_a_503_and_saves_nothing(
    world, shared_cache, publisher
):
    """The editor is told that nothing was saved and to submit again (the browser keeps
    the form); the record is as it was, and the same form saves once the cache is back."""
    from .support import admin_url, form_errors, page_form_data

    editor = logged_in(publisher)
    statement = Statement.objects.get(pk=world["ossoff_economy"])
    url = admin_url(Statement, "change", statement.pk)
    data = {**page_form_data(editor.get(url)), "context": "Said in the second debate."}
    shared_cache.down()
    refused = editor.post(url, data)
    assert refused.status_code == 503
    assert refused["Retry-After"] and "no-store" in refused["Cache-Control"]
    assert "Nothing was saved" in refused.content.decode()
    assert Statement.objects.get(pk=statement.pk).context != "Said in the second debate."
    shared_cache.back()
    saved = editor.post(url, data)
    assert saved.status_code == 302, form_errors(saved)
    assert Statement.objects.get(pk=statement.pk).context == "Said in the second debate."


def test_an_outage_is_logged_once_a_minute_per_process_not_once_a_request(
    client, world, shared_cache, caplog, monkeypatch
):
    """Each request during an outage would log a traceback: a busy site's logs would
    fill with them. A process tells of it once every REPORT_EVERY seconds, then says how
    many times it went untold."""
    monkeypatch.setattr(shared, "_last_report", -math.inf)
    monkeypatch.setattr(shared, "_untold", 0)
    shared_cache.down()

    def told() -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.name.startswith("statements.caching")]

    with caplog.at_level(logging.ERROR):
        for url in ("/", "/statements/", "/people/jon-ossoff/"):
            assert client.get(url).status_code == 200
        assert len(told()) == 1 and told()[0].exc_info
        caplog.clear()
        monkeypatch.setattr(shared, "_last_report", -math.inf)  # a minute later
        assert client.get("/topics/").status_code == 200
    (report,) = told()
    assert "2 more times since the last report" in report.getMessage()
