"""The anonymous page cache and HTTP caching headers, in process (statements/caching/).

The same rules against a real multi-worker server: tests/test_page_cache_server.py.
"""

import datetime
import gzip
import threading

import brotli
import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from statements.caching import generation, single_flight
from statements.caching.pages import AnonymousPageCacheMiddleware, chosen_encoding
from statements.editorial import correct
from statements.models import Statement

from .factories import StatementFactory
from .support import READERS_WAITING, first_then_others, statement_cards

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/",
    "/statements/",
    "/statements/?topic=immigration",
    "/people/jon-ossoff/",
    "/topics/immigration/",
    "/statements/feed/",
    "/api/v1/statements/",
    "/statements/export.csv?speaker=jon-ossoff",
    "/sitemap.xml",
    "/no-such-page/",
]


def fetch(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
        body_of(response)  # an export is made (and stored) as it is read
    return response, len(queries)


def body_of(response) -> bytes:
    if response.streaming:
        response.content_read = getattr(response, "content_read", None) or b"".join(
            response.streaming_content
        )
        return response.content_read
    return response.content


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_repeated_anonymous_request_is_answered_from_the_cache(client, world, url):
    first, _ = fetch(client, url)
    assert first.status_code in (200, 404)
    assert first["X-Page-Cache"] == "miss"
    second, queries = fetch(client, url)
    assert second["X-Page-Cache"] == "hit"
    assert queries == 0
    assert second.status_code == first.status_code
    assert body_of(second) == body_of(first)
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_cached_responses_carry_no_cookie_token_or_user(client, world, publisher, url):
    fetch(client, url)
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert not hit.cookies
    assert "Set-Cookie" not in hit.headers
    body = hit.content.decode()
    assert "csrfmiddlewaretoken" not in body
    assert publisher.username not in body


def test_every_public_page_of_the_demo_is_stored_without_secrets(client, demo):
    for url in ("/", "/statements/", "/people/", "/topics/", "/races/", "/corrections/"):
        client.get(url)
        hit = client.get(url)
        assert hit["X-Page-Cache"] == "hit", url
        assert not hit.cookies and "csrfmiddlewaretoken" not in hit.content.decode()


def test_a_published_edit_shows_on_the_next_request(client, world, publisher):
    statement = Statement.objects.get(pk=world["ossoff_economy"])
    url = f"/statements/{statement.pk}/"
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    correct_a_misprint(statement, publisher, text="the economy needs mending")
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "the economy needs mending" in fresh.content.decode()


def test_a_new_statement_shows_on_the_list_at_once(client, world):
    client.get("/statements/")
    StatementFactory(text="a brand new line about rivers")
    assert "a brand new line about rivers" in client.get("/statements/").content.decode()


def test_signed_in_users_never_get_or_fill_the_cache(client, world, editor_client):
    response = editor_client.get("/statements/")
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "ETag" not in response
    # The editor's request stored nothing: the reader's first request renders.
    assert client.get("/statements/")["X-Page-Cache"] == "miss"
    assert client.get("/statements/")["X-Page-Cache"] == "hit"
    # ...and a filled cache is not given to the editor.
    again = editor_client.get("/statements/")
    assert "X-Page-Cache" not in again
    assert "private" in again["Cache-Control"]


def _cards(response) -> str:
    return "".join(statement_cards(response))


def _rename_first_speaker(page) -> str:
    speaker = Statement.objects.get(pk=page.items[0].pk).speaker
    speaker.name = "A Name Given While The Page Was Made"
    speaker.save()
    return speaker.name


def _reword_first_statement(page) -> str:
    statement = Statement.objects.get(pk=page.items[0].pk)
    statement.text = "Words given while the page was made."
    statement.save()
    return statement.text


@pytest.mark.parametrize("write", [_reword_first_statement, _rename_first_speaker])
def test_a_write_while_a_page_is_made_leaves_no_card_drawn_before_it(
    world, editor_client, client, monkeypatch, write
):
    """A write that commits while a page is being made (after its statements were read,
    before their cards are drawn) must not leave those cards, drawn from the rows before
    it, where a later request finds them: a card is kept under the version read with its
    statement's row and the cards' stamp read before the view ran, and the write changed
    one of them (a statement's own words: its version; its speaker: the stamp)."""
    from statements.public.views import listing
    from statements.reading.cards import fragments

    real_keyset_page = listing.keyset_page
    written = []

    def a_write_commits_meanwhile(*args, **kwargs):
        page = real_keyset_page(*args, **kwargs)
        written.append(write(page))
        return page

    monkeypatch.setattr(listing, "keyset_page", a_write_commits_meanwhile)
    fragments().clear()
    during = editor_client.get("/statements/")
    assert during.status_code == 200
    assert written and written[0] not in _cards(during)
    monkeypatch.undo()

    for after in (client.get("/statements/"), editor_client.get("/statements/")):
        assert after.status_code == 200
        assert written[0] in _cards(after)


def test_anonymous_responses_can_be_revalidated(client, world):
    response = client.get("/statements/")
    etag = response["ETag"]
    assert etag.startswith('W/"')
    assert response["Last-Modified"].endswith("GMT")
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=0", "stale-while-revalidate=0"} <= cache_control
    assert {"Accept-Encoding", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}

    not_modified, queries = fetch(client, "/statements/", if_none_match=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert queries == 0

    StatementFactory(text="a change after the ETag was given")
    changed = client.get("/statements/", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "a change after the ETag was given" in changed.content.decode()


def test_an_unknown_etag_gets_the_page(client, world):
    response = client.get("/statements/", headers={"If-None-Match": 'W/"something-else"'})
    assert response.status_code == 200 and response.content


DECODERS = {"br": brotli.decompress, "gzip": gzip.decompress}


@pytest.mark.parametrize("url", PUBLIC_URLS[:-1])
@pytest.mark.parametrize(
    ("accept_encoding", "encoding"),
    [("gzip, deflate, br, zstd", "br"), ("gzip, deflate", "gzip")],
)
def test_compressed_and_plain_bodies_are_the_same(client, world, url, accept_encoding, encoding):
    plain = {"Accept-Encoding": "identity"}
    packed = {"Accept-Encoding": accept_encoding}
    # Rendered, then from the cache: each encoding is an entry of its own. (An export is
    # streamed plain to its first reader and stored compressed for the next ones.)
    rendered = [fetch(client, url, **headers)[0] for headers in (plain, packed)]
    cached = [fetch(client, url, **headers)[0] for headers in (plain, packed)]
    for response in cached:
        assert response["X-Page-Cache"] == "hit"
        assert "Accept-Encoding" in response["Vary"]
    assert "Content-Encoding" not in cached[0]
    assert cached[1]["Content-Encoding"] == encoding
    assert int(cached[1]["Content-Length"]) == len(cached[1].content)
    decoded = DECODERS[encoding](cached[1].content)
    assert decoded == cached[0].content == body_of(rendered[0])
    if not rendered[1].streaming:
        assert rendered[1]["Content-Encoding"] == encoding
        assert DECODERS[encoding](rendered[1].content) == decoded


@pytest.mark.parametrize(
    ("accept_encoding", "encoding"),
    [
        ("gzip, deflate, br, zstd", "br"),  # what browsers send
        ("br", "br"),
        ("gzip", "gzip"),
        ("GZIP, Deflate", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("br; q=0.0, gzip;q=0.5", "gzip"),
        ("br;q=nonsense, gzip", "gzip"),
        ("*", "br"),
        ("*;q=0.1, br;q=0", "gzip"),
        ("*, br;q=0, gzip;q=0", "identity"),
        ("gzip;q=0, identity", "identity"),
        ("deflate, zstd", "identity"),
        ("", "identity"),
    ],
)
def test_the_encoding_is_the_first_of_brotli_and_gzip_the_client_accepts(
    rf, accept_encoding, encoding
):
    request = rf.get("/statements/", headers={"Accept-Encoding": accept_encoding})
    assert chosen_encoding(request) == encoding


def test_an_entry_in_one_encoding_is_never_sent_to_a_client_of_another(client, world):
    first = client.get("/statements/", headers={"Accept-Encoding": "br"})
    other = client.get("/statements/", headers={"Accept-Encoding": "gzip"})
    assert (first["X-Page-Cache"], first["Content-Encoding"]) == ("miss", "br")
    assert (other["X-Page-Cache"], other["Content-Encoding"]) == ("miss", "gzip")
    assert gzip.decompress(other.content) == brotli.decompress(first.content)


def test_a_refusal_of_gzip_is_honoured(client, world):
    response = client.get("/statements/", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in response
    assert b"<html" in response.content


def test_only_get_is_cached(client, world):
    client.get("/statements/")
    head = client.head("/statements/")
    assert "X-Page-Cache" not in head
    assert client.post("/statements/").status_code == 405


def test_the_editors_desk_is_never_cached(client):
    client.get("/admin/login/")
    response = client.get("/admin/login/")
    assert "X-Page-Cache" not in response
    assert response.cookies  # the CSRF cookie of the sign-in form, each time


def test_a_reader_with_a_message_waiting_is_not_served_from_the_cache(client, world):
    client.get("/statements/")
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.INFO, "Saved.")
    response = HttpResponse()
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value
    assert "X-Page-Cache" not in client.get("/statements/")


# The rules on what may be stored, on responses no public page gives today.


def middleware_answering(view):
    return AnonymousPageCacheMiddleware(view)


def anonymous_get(path="/statements/"):
    return RequestFactory().get(path)


@pytest.mark.parametrize(
    "view",
    [
        pytest.param(lambda request: (get_token(request), HttpResponse("form"))[1], id="csrf"),
        pytest.param(
            lambda request: (r := HttpResponse("cookie"), r.set_cookie("x", "1"))[0], id="cookie"
        ),
        pytest.param(
            lambda request: (
                r := HttpResponse("private"),
                r.__setitem__("Cache-Control", "private"),
            )[0],
            id="private",
        ),
        pytest.param(
            lambda request: (r := HttpResponse("vary"), r.__setitem__("Vary", "User-Agent"))[0],
            id="vary",
        ),
        pytest.param(lambda request: HttpResponse("error", status=500), id="error"),
    ],
)
def test_responses_that_must_not_be_shared_are_not_stored(view):
    calls = []

    def counting(request):
        calls.append(request)
        return view(request)

    middleware = middleware_answering(counting)
    first = middleware(anonymous_get())
    second = middleware(anonymous_get())
    assert len(calls) == 2
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second


def test_readers_asking_for_a_page_being_rendered_get_its_copy(readers_waiting):
    """A write makes every page obsolete: the readers of a popular page who ask for it
    while one of them renders it wait for that one's copy instead of each rendering it."""
    rendering = threading.Event()
    calls = []

    def slow(request):
        calls.append(request)
        rendering.set()
        assert readers_waiting.wait(10), "the other readers never waited"
        return HttpResponse("the page")

    middleware = middleware_answering(slow)
    first, rest = first_then_others(lambda: middleware(anonymous_get()), rendering)
    assert len(calls) == 1
    assert first["X-Page-Cache"] == "miss"
    assert [response["X-Page-Cache"] for response in rest] == ["hit"] * READERS_WAITING
    assert {response.content for response in [first, *rest]} == {b"the page"}


def test_readers_waiting_for_a_page_that_is_not_kept_render_it_themselves(readers_waiting):
    rendering = threading.Event()
    calls = []

    def failing(request):
        calls.append(request)
        if len(calls) == 1:
            rendering.set()
            assert readers_waiting.wait(10), "the other readers never waited"
        return HttpResponse("error", status=500)

    middleware = middleware_answering(failing)
    first, rest = first_then_others(lambda: middleware(anonymous_get()), rendering)
    assert len(calls) == 1 + READERS_WAITING
    assert [response.status_code for response in [first, *rest]] == [500] * len(calls)


def test_a_page_whose_renderer_never_finishes_is_waited_for_a_bounded_time(monkeypatch):
    monkeypatch.setattr(single_flight, "WAIT", 0.2)
    middleware = middleware_answering(lambda request: HttpResponse("the page"))
    request = anonymous_get()
    current = generation.current()
    # Taken by a worker that died while rendering.
    key = middleware.key(request, chosen_encoding(request))
    middleware.cache.add(f"{key}:{current}:rendering", True, 60)
    response = middleware(request)
    assert response.content == b"the page"
    assert response["X-Page-Cache"] == "miss"


def test_one_writers_generations_never_go_backwards():
    stamps = [generation.bump() for _ in range(5)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 5
    assert generation.current() == stamps[-1]


def test_a_lost_generation_is_made_again(client, world):
    from django.core.cache import cache

    client.get("/statements/")
    cache.delete(generation.KEY)
    response = client.get("/statements/")
    assert response["X-Page-Cache"] == "miss"
    assert client.get("/statements/")["X-Page-Cache"] == "hit"


def test_a_hit_carries_the_security_headers_and_its_own_request_id(client, world):
    rendered = client.get("/statements/", headers={"X-Request-ID": "first-request"})
    hit = client.get("/statements/", headers={"X-Request-ID": "second-request"})
    assert hit["X-Page-Cache"] == "hit"
    for header in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "X-Frame-Options",
    ):
        assert hit[header] == rendered[header], header
    assert rendered["X-Request-ID"] == "first-request"
    assert hit["X-Request-ID"] == "second-request"
    assert len(client.get("/statements/")["X-Request-ID"]) == 32  # made up when not given


def correct_a_misprint(record, user, **changes) -> None:
    correct(record=record, user=user, changes=changes, note="The source misprinted a word.")


def test_a_person_pages_cached_cards_follow_an_edit(client, world, publisher):
    statement = Statement.objects.get(pk=world["ossoff_economy"])
    assert "the economy needs fixing" in client.get("/people/jon-ossoff/").content.decode()
    correct_a_misprint(statement, publisher, text="the economy needs tending")
    page = client.get("/people/jon-ossoff/").content.decode()
    assert "the economy needs tending" in page and "the economy needs fixing" not in page
    # Signed in, the same cards, read without the page cache.
    from .support import logged_in

    assert (
        "the economy needs tending"
        in logged_in(publisher).get("/people/jon-ossoff/").content.decode()
    )


def test_a_person_pages_briefs_and_entries_are_kept_until_an_edit(world, publisher):
    """The timeline's briefs and the entries under topics are built once per content
    generation (here for a signed-in editor, whom the page cache leaves alone), and
    afresh after an edit."""
    from unittest import mock

    from statements.reading import brief_html

    from .support import logged_in

    editor = logged_in(publisher)
    statement = Statement.objects.get(pk=world["ossoff_economy"])

    def shown(page: str, words: str) -> tuple[bool, bool]:
        """Whether ``words`` are in the timeline's briefs, and in the entries."""
        briefs = page[page.index('id="timeline-heading"') :]
        entries = page[page.index('id="positions-heading"') : page.index('id="recent-heading"')]
        return words in briefs, words in entries

    with (
        mock.patch.object(brief_html, "brief_html", wraps=brief_html.brief_html) as briefs,
        mock.patch.object(brief_html, "entry_html", wraps=brief_html.entry_html) as entries,
    ):
        first = editor.get("/people/jon-ossoff/").content.decode()
        assert shown(first, "the economy needs fixing") == (True, True)
        assert briefs.call_count and entries.call_count
        briefs.reset_mock()
        entries.reset_mock()

        again = editor.get("/people/jon-ossoff/").content.decode()
        assert shown(again, "the economy needs fixing") == (True, True)
        assert briefs.call_count == entries.call_count == 0

        correct_a_misprint(statement, publisher, text="the economy needs tending")
        edited = editor.get("/people/jon-ossoff/").content.decode()
        assert shown(edited, "the economy needs tending") == (True, True)
        assert shown(edited, "the economy needs fixing") == (False, False)
        assert briefs.call_count and entries.call_count


def test_a_person_pages_reactions_given_are_kept_until_an_edit(world, publisher):
    """The reactions a person gave are read and drawn once per content generation on their
    page, and afresh after an edit."""
    from unittest import mock

    from statements.models import Reaction
    from statements.reading import people, person_html

    from .support import logged_in

    editor = logged_in(publisher)
    reaction = Reaction.objects.get(respondent__slug="bhavin-patel")
    said = reaction.text
    drawn = mock.patch.object(person_html, "render_to_string", wraps=person_html.render_to_string)
    read = mock.patch.object(people, "_reactions_given", wraps=people._reactions_given)
    with drawn as partials, read as reads:
        first = editor.get("/people/bhavin-patel/").content.decode()
        assert f'id="given-{reaction.pk}"' in first and said in first
        assert (partials.call_count, reads.call_count) == (1, 1)
        again = editor.get("/people/bhavin-patel/").content.decode()
        assert f'id="given-{reaction.pk}"' in again and said in again
        assert (partials.call_count, reads.call_count) == (1, 1)

        correct_a_misprint(reaction, publisher, text="A corrected reaction.")
        edited = editor.get("/people/bhavin-patel/").content.decode()
        assert "A corrected reaction." in edited and said not in edited
        assert (partials.call_count, reads.call_count) == (2, 2)


def test_a_person_page_without_reactions_given_says_so_and_keeps_saying_so(client, world):
    """No reaction given: the page says so, from the kept (empty) run too."""
    for n in range(2):  # two addresses: the second page is drawn, not read from the cache
        body = client.get(f"/people/jon-ossoff/?n={n}").content.decode()
        assert "No published reaction by Jon Ossoff to anyone else's statement." in body


def test_the_file_cache_culls_now_and_then_and_keeps_its_limit(tmp_path):
    """The file cache checks its size on one write in CULL_EVERY, not on every write,
    and still culls back under MAX_ENTRIES when it does."""
    from statements.caching.files import FileCache

    # CULL_FREQUENCY 0: a cull empties the directory (Django's meaning).
    files = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 0}})
    listings = 0
    real_list = files._list_cache_files

    def counting_list():
        nonlocal listings
        listings += 1
        return real_list()

    files._list_cache_files = counting_list
    for i in range(450):
        files.set(f"key-{i}", i)
        assert len(real_list()) <= 10 + FileCache.CULL_EVERY
    # One check per hundred writes, not four hundred and fifty; a check that culls lists
    # the directory twice (to count, then to delete).
    assert listings == 2 * 4


def test_an_anonymous_page_reads_the_stamps_once_with_its_cache_entry(client, world):
    """The middleware reads every stamp with the page's entry, in one round trip; the
    page's fragments (cards, menus, topic tree) are keyed on that reading."""
    from django.core.cache import cache

    asked: list[str] = []
    real_get, real_get_many = cache.get, cache.get_many
    inside_get_many = False  # (a local-memory cache's get_many calls get for each key)

    def get(key, *args, **kwargs):
        if not inside_get_many:
            asked.append(key)
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        nonlocal inside_get_many
        asked.append(" ".join(keys))
        inside_get_many = True
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside_get_many = False

    client.get("/statements/?topic=immigration")  # the tree and menus are built once
    asked.clear()
    cache.get, cache.get_many = get, get_many
    try:
        response = client.get("/statements/?topic=immigration&kind=direct")
    finally:
        cache.get, cache.get_many = real_get, real_get_many
    assert response["X-Page-Cache"] == "miss"
    reading = [key for key in asked if generation.KEY in key]
    assert reading == [" ".join([*generation.stamp_keys(), reading[0].split()[-1]])]


def test_a_stamp_read_once_is_what_current_gives_until_the_request_ends():
    read = generation.stamps({})
    with generation.read_once(read):
        generation.bump()
        generation.bump("topics")
        assert generation.current() == read[""]
        assert generation.current("topics") == read["topics"]
    assert generation.current() > read[""]
    assert generation.current("topics") > read["topics"]


def test_the_kept_topic_tree_follows_a_topic_change(publisher):
    from statements.reading.tree import TopicTree

    from .factories import TopicFactory

    first = TopicFactory(name="Housing")
    tree = TopicTree.load()
    assert TopicTree.load() is tree  # kept for the topics' stamp
    first.name = "Housing costs"
    first.save()
    changed = TopicTree.load()
    assert changed is not tree and changed.by_id[first.pk].name == "Housing costs"


def test_a_page_kept_yesterday_is_made_afresh_today(client, world, monkeypatch):
    # A statement page's citation says the day it was retrieved: a page kept yesterday,
    # or its ETag, must not be given today.
    from django.utils import timezone

    from statements.models.base import format_partial_date

    url = Statement.objects.get(pk=world["ossoff_economy"]).get_absolute_url()
    first = client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    real_localdate = timezone.localdate
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, timezone=None: (
            tomorrow if value is None else real_localdate(value, timezone)
        ),
    )

    revalidated = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert revalidated.status_code == 200
    assert revalidated["X-Page-Cache"] == "miss"
    assert revalidated["ETag"] != first["ETag"]
    body = revalidated.content.decode()
    assert f"Retrieved {format_partial_date(tomorrow, 'day')}." in body
    assert f"Retrieved {format_partial_date(today, 'day')}." in first.content.decode()
    assert client.get(url, headers={"If-None-Match": revalidated["ETag"]}).status_code == 304


def test_a_topic_change_rebuilds_the_tree_under_the_stamp_it_made(
    publisher, django_capture_on_commit_callbacks
):
    # The rebuild runs as the write commits, still inside the writer's request, which
    # read the stamps before its write: the tree must be kept under the new ones.
    from django.core.cache import cache

    from statements.reading.tree import TREE_CACHE_KEY, TopicTree

    from .factories import TopicFactory

    topic = TopicFactory(name="Housing")
    read_before = generation.stamps({})
    with generation.read_once(read_before):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            topic.name = "Housing costs"
            topic.save()
        assert callbacks
    stamp = generation.current("topics")
    assert stamp != read_before["topics"]
    kept = cache.get(TREE_CACHE_KEY.format(generation=stamp))
    assert kept is not None and "Housing costs" in [t.name for t in kept]
    assert TopicTree._kept is not None and TopicTree._kept[0] == stamp


def test_the_bump_at_commit_is_tried_again_when_the_cache_fails(
    world, publisher, monkeypatch, django_capture_on_commit_callbacks
):
    # A copy filled while the write was uncommitted stays current until the bump at
    # commit lands: a passing failure of the cache must not leave it there.
    statement = Statement.objects.get(pk=world["ossoff_economy"])
    real_bump, failures = generation.bump, []

    def failing_once(scope=""):
        if not failures:
            failures.append(scope)
            raise ConnectionError("the cache is briefly unreachable")
        return real_bump(scope)

    monkeypatch.setattr(generation, "COMMIT_BUMP_PAUSE", 0)
    with django_capture_on_commit_callbacks() as callbacks:
        statement.context = "Edited while a reader filled the cache."
        statement.save()
    filled_meanwhile = generation.current()
    monkeypatch.setattr(generation, "bump", failing_once)
    for callback in callbacks:
        callback()
    assert failures == [""]
    assert generation.current() > filled_meanwhile


def test_a_304_varies_on_what_its_page_varies_on(client, world):
    # The OpenAPI document varies on Accept: a 304 that left it out would have a cache in
    # front give the copy it holds to a reader asking for another format.
    page = client.get("/api/v1/schema/")
    assert "Accept" in {v.strip() for v in page["Vary"].split(",")}
    revalidated = client.get("/api/v1/schema/", headers={"If-None-Match": page["ETag"]})
    assert revalidated.status_code == 304
    assert {v.strip() for v in revalidated["Vary"].split(",")} == {
        v.strip() for v in page["Vary"].split(",")
    }
