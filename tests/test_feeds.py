"""RSS and Atom feeds: valid, filtered exactly like /statements/, drafts never, kinds shown."""

import datetime
import html
import re

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import QuoteKind, Statement

from .factories import (
    EventFactory,
    PartyFactory,
    PersonFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)
from .support import QUERIES, filtered_ids, newest_first, page_ids

pytestmark = pytest.mark.django_db

FEEDS = ["/statements/feed/", "/statements/feed/atom/"]
KIND_LABELS = {"direct": "Direct quote", "partial": "Partial quote", "paraphrase": "Paraphrase"}


def parse(response):
    assert response.status_code == 200, response.content[:500]
    parsed = feedparser.parse(response.content)
    assert parsed.bozo is False, parsed.get("bozo_exception")
    return parsed


def entry_id(entry) -> int:
    match = re.fullmatch(r"http://testserver/statements/(\d+)/", entry.link)
    assert match, entry.link
    return int(match.group(1))


def entry_ids(parsed) -> list[int]:
    return [entry_id(entry) for entry in parsed.entries]


def plain(markup: str) -> str:
    """An entry's HTML as text: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


# --------------------------------------------------------------------------- validity


@pytest.mark.parametrize("url", FEEDS)
def test_feed_parses_without_errors(client, world, url):
    response = client.get(url)
    kind = "rss" if url.endswith("/feed/") else "atom"
    assert response["Content-Type"] == f"application/{kind}+xml; charset=utf-8"
    parsed = parse(response)
    assert parsed.version == ("rss20" if kind == "rss" else "atom10")
    assert parsed.feed.title.startswith("Statements")
    assert parsed.feed.link == "http://testserver/statements/"
    assert len(parsed.entries) == 4


@pytest.mark.parametrize("url", FEEDS)
@pytest.mark.parametrize("query", QUERIES)
def test_filtered_feed_has_exactly_the_filtered_statements(client, world, url, query):
    expected = filtered_ids(query)
    assert entry_ids(parse(client.get(f"{url}?{query}"))) == expected
    # The same set as the HTML page with the same query (the page may order differently).
    assert set(expected) == set(page_ids(client, query.replace("page=2", "")))


def test_ossoff_on_immigration(client, world):
    parsed = parse(client.get("/statements/feed/?speaker=jon-ossoff&topic=immigration"))
    assert entry_ids(parsed) == [world["ossoff_287g"]]  # 287(g) is narrower than immigration
    assert "Jon Ossoff" in parsed.feed.title and "Immigration" in parsed.feed.title
    assert parsed.feed.link == (
        "http://testserver/statements/?speaker=jon-ossoff&topic=immigration"
    )


# --------------------------------------------------------------------------- entries


@pytest.mark.parametrize("url", FEEDS)
def test_each_entry_has_text_kind_speaker_date_and_permalink(client, url, demo):
    parsed = parse(client.get(url))
    statements = {s.pk: s for s in Statement.objects.published().select_related("speaker")}
    assert sorted(entry_ids(parsed)) == sorted(statements)
    for entry in parsed.entries:
        statement = statements[entry_id(entry)]
        permalink = f"http://testserver/statements/{statement.pk}/"
        label = KIND_LABELS[statement.kind]
        description = plain(entry.summary)
        assert entry.link == permalink
        assert entry.id == permalink  # guid = permalink
        assert entry.title.startswith(f"Jon Ossoff ({label.lower()}): ")
        assert label in description
        # The words, byte for byte (no-break spaces, ellipses, apostrophes kept).
        for paragraph in statement.text.splitlines():
            assert paragraph in description
        assert "Speaker: Jon Ossoff (Democratic Party), candidate, U.S. Senate, Georgia" in (
            description
        )
        assert entry.author == "Jon Ossoff"
        assert "May 30, 2020" in description
        assert "date inferred by the editors" in description  # "said Saturday"
        assert "Online town hall with the College Democrats of Georgia" in description
        assert f"Permalink: {permalink}" in description
        assert "Washington Free Beacon" in description
        assert entry.published_parsed[:3] == (2020, 5, 30)
        assert {tag.term for tag in entry.tags} == {t.name for t in statement.topics.all()}


def test_quotation_marks_only_around_quoted_words(client, demo):
    parsed = parse(client.get("/statements/feed/"))
    by_text = {}
    for entry in parsed.entries:
        statement = Statement.objects.get(pk=entry_id(entry))
        by_text[statement.text] = (statement, entry)
    seen = set()
    for statement, entry in by_text.values():
        description = plain(entry.summary)
        seen.add(statement.kind)
        if statement.kind == QuoteKind.PARAPHRASE:
            assert "Paraphrase (reported speech, not a quotation)" in description
            assert f"Jon Ossoff said {statement.text}." in description
            for quote in "“”\"'":
                assert f"{quote}{statement.text}" not in description
                assert f"{statement.text}{quote}" not in description
                assert f"{quote}{statement.text[:20]}" not in entry.title
            assert entry.title == f"Jon Ossoff (paraphrase): said {statement.text}"
        elif statement.kind == QuoteKind.PARTIAL:
            assert "Jon Ossoff called the 287(g) program “misguided”" in description
            assert (
                entry.title == "Jon Ossoff (partial quote): called the 287(g) program “misguided”"
            )
        else:
            assert f"“{statement.text.splitlines()[0]}" in description
            assert entry.title.startswith("Jon Ossoff (direct quote): “")
    assert seen == {"direct", "partial", "paraphrase"}


def test_month_precise_date_is_shown_to_the_month(client, world):
    StatementFactory(
        speaker=PersonFactory(name="Vague Speaker"),
        said_on=datetime.date(2019, 3, 1),
        date_precision="month",
        text="Sometime in March.",
    )
    parsed = parse(client.get("/statements/feed/?said_before=2019-12-31"))
    (entry,) = parsed.entries
    description = plain(entry.summary)
    assert "March 2019 (known to the month)" in description
    assert '<time datetime="2019-03">' in entry.summary
    assert "March 1" not in description


def test_drafts_and_draft_parts_never_in_any_feed(client, world):
    person = PersonFactory(slug="someone")
    hidden_topic = TopicFactory(slug="hidden", name="Hidden topic", state="draft")
    public_topic = TopicFactory(slug="public", name="Public topic")
    hidden_source = SourceFactory(title="Secret source", state="draft")
    StatementFactory(
        speaker=person,
        topics=[public_topic, hidden_topic],
        text="Published words.",
        sources=[SourceFactory(title="Open source"), hidden_source],
    )
    for state in ("draft", "review", "withdrawn"):
        StatementFactory(speaker=person, topics=[public_topic], state=state, text=f"Not {state}.")
    urls = [
        *FEEDS,
        "/people/someone/feed/",
        "/people/someone/feed/atom/",
        "/topics/public/feed/",
        "/topics/public/feed/atom/",
        "/people/jon-ossoff/feed/",
        "/topics/287g-program/feed/",
        "/topics/immigration/feed/",
    ]
    for url in urls:
        response = client.get(url)
        parse(response)
        body = response.content.decode()
        for state in ("draft", "review", "withdrawn"):
            assert f"Not {state}." not in body and f"A {state} remark." not in body
        assert "Hidden topic" not in body and "Secret source" not in body
    body = client.get("/people/someone/feed/").content.decode()
    assert "Published words." in body and "Public topic" in body and "Open source" in body


# --------------------------------------------------------------------------- person, topic


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_person_feed(client, world, suffix):
    parsed = parse(client.get(f"/people/jon-ossoff/feed/{suffix}"))
    assert set(entry_ids(parsed)) == {world["ossoff_287g"], world["ossoff_economy"]}
    assert parsed.feed.title.startswith("Statements by Jon Ossoff")
    assert parsed.feed.link == "http://testserver/people/jon-ossoff/"
    # Filters apply on top.
    parsed = parse(client.get(f"/people/jon-ossoff/feed/{suffix}?kind=paraphrase"))
    assert entry_ids(parsed) == [world["ossoff_economy"]]


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_topic_feed_includes_narrower_topics(client, world, suffix):
    parsed = parse(client.get(f"/topics/immigration/feed/{suffix}"))
    assert set(entry_ids(parsed)) == {world["ossoff_287g"], world["perdue_immigration"]}
    assert parsed.feed.title.startswith("Statements on Immigration")
    parsed = parse(client.get(f"/topics/287g-program/feed/{suffix}"))
    assert entry_ids(parsed) == [world["ossoff_287g"]]
    parsed = parse(client.get(f"/topics/economy/feed/{suffix}"))
    assert entry_ids(parsed) == [world["ossoff_economy"]]


@pytest.mark.parametrize(
    "url",
    [
        "/people/nobody/feed/",
        "/people/hidden/feed/",
        "/people/hidden/feed/atom/",
        "/topics/nothing/feed/",
        "/topics/hidden/feed/",
        "/topics/hidden/feed/atom/",
    ],
)
def test_unknown_or_draft_person_or_topic_is_404(client, world, url):
    PersonFactory(slug="hidden", state="draft")
    TopicFactory(slug="hidden", state="draft")
    assert client.get(url).status_code == 404


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("said_after=yesterday", "said_after"),
        ("said_before=2020-13-45", "said_before"),
        ("speaker=no-such-person", "speaker"),
        ("speaker=hidden", "speaker"),
        ("topic=nope", "topic"),
        ("party=nope", "party"),
        ("race=nope", "race"),
        ("event=nope", "event"),
        ("kind=rumour", "kind"),
        ("ordering=sideways", "ordering"),
        ("has_reactions=maybe", "has_reactions"),
        ("q=" + "x" * 10_000, "q"),
    ],
)
@pytest.mark.parametrize(
    "url", [*FEEDS, "/people/jon-ossoff/feed/", "/topics/immigration/feed/atom/"]
)
def test_bad_filter_values_are_400_naming_the_parameter(client, world, url, query, parameter):
    PersonFactory(slug="hidden", state="draft")
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert re.search(rf"^{parameter}: ", body, re.MULTILINE), body


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=%22unpaired", "q=-", "q=or", "page=-1", "cursor=garbage"],
)
def test_odd_but_harmless_values_still_give_a_feed(client, world, query):
    for url in FEEDS:
        parse(client.get(f"{url}?{query}"))


# --------------------------------------------------------------------------- size, speed


def test_newest_fifty_only(client):
    speaker = PersonFactory()
    source = SourceFactory()
    start = datetime.date(2020, 1, 1)
    made = [
        StatementFactory(
            speaker=speaker, sources=[source], said_on=start + datetime.timedelta(days=i // 3)
        )
        for i in range(60)
    ]
    newest = newest_first(made)[:50]
    for url in FEEDS:
        assert entry_ids(parse(client.get(url))) == [s.pk for s in newest]


def test_constant_number_of_queries(client, world):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            parse(client.get(url))
        return len(captured)

    small = {url: queries(url) for url in [*FEEDS, "/people/jon-ossoff/feed/"]}
    ossoff = Statement.objects.get(pk=world["ossoff_287g"]).speaker
    topic, other = TopicFactory(), TopicFactory()
    for _ in range(25):
        StatementFactory(
            speaker=ossoff,
            topics=[topic, other],
            sources=[SourceFactory(), SourceFactory()],
            event=EventFactory(),
            speaker_party=PartyFactory(),
        )
    assert {url: queries(url) for url in small} == small
    assert max(small.values()) <= 6


EMPTY_FILTERS = [
    "has_reactions=",
    "q=&speaker=&topic=&party=&race=&event=&kind=&said_after=&said_before=&has_reactions=",
]


@pytest.mark.parametrize("url", [*FEEDS, "/people/jon-ossoff/feed/", "/topics/immigration/feed/"])
@pytest.mark.parametrize("query", EMPTY_FILTERS)
def test_empty_filter_values_mean_no_filter(client, world, url, query):
    """A form sends its empty fields: an empty value filters nothing and titles nothing."""
    unfiltered = parse(client.get(url))
    parsed = parse(client.get(f"{url}?{query}"))
    assert parsed.feed.title == unfiltered.feed.title
    assert "reactions" not in parsed.feed.title
    assert entry_ids(parsed) == entry_ids(unfiltered) != []
