"""The race page and /compare/ read each statement's own race; positions on the person, race
and /compare/ pages never hide newer words; each statement entry leads with who, when and
its kind. All in a constant number of queries."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import Candidacy, Position, PublicationState

from .factories import PersonFactory, RaceFactory, StatementFactory, TopicFactory

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 8
PRIMARY_WORDS = "Said in May, running in the primary"
GENERAL_WORDS = "Said in October, running in the general"


def text_of(response) -> str:
    body = re.sub(r"<script\b.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", body)).split())


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


@pytest.fixture
def uncached_pages(settings):
    """Pages built on every request (the anonymous page cache would answer the second)."""
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("AnonymousPageCacheMiddleware")
    ]


@pytest.fixture
def senate():
    """Ossoff in the June 2020 primary and the November general, Perdue in the general;
    one statement of Ossoff's in each race; a summary of his from before both."""
    ossoff = PersonFactory(name="Jon Ossoff", slug="jon-ossoff")
    perdue = PersonFactory(name="David Perdue", slug="david-perdue")
    primary = RaceFactory(name="Democratic primary", slug="primary", date=datetime.date(2020, 6, 9))
    general = RaceFactory(
        name="General election",
        slug="general",
        stage="general",
        date=datetime.date(2020, 11, 3),
        election=primary.election,
    )
    in_primary = Candidacy.objects.create(person=ossoff, race=primary)
    in_general = Candidacy.objects.create(person=ossoff, race=general)
    perdue_general = Candidacy.objects.create(person=perdue, race=general)
    immigration = TopicFactory(name="Immigration", slug="immigration")
    said_in_primary = StatementFactory(
        speaker=ossoff,
        said_on=datetime.date(2020, 5, 30),
        text=PRIMARY_WORDS,
        topics=[immigration],
        candidacy=in_primary,
    )
    said_in_general = StatementFactory(
        speaker=ossoff,
        said_on=datetime.date(2020, 10, 1),
        text=GENERAL_WORDS,
        topics=[immigration],
        candidacy=in_general,
    )
    StatementFactory(
        speaker=perdue,
        said_on=datetime.date(2020, 10, 2),
        text="Perdue on immigration",
        topics=[immigration],
        candidacy=perdue_general,
    )
    position = Position.objects.create(
        person=ossoff,
        topic=immigration,
        summary="Opposes local enforcement of federal immigration law",
        as_of=datetime.date(2020, 5, 1),
        state=PublicationState.PUBLISHED,
    )
    return {
        "ossoff": ossoff,
        "perdue": perdue,
        "primary": primary,
        "general": general,
        "immigration": immigration,
        "said_in_primary": said_in_primary,
        "said_in_general": said_in_general,
        "position": position,
    }


def test_race_page_shows_only_what_was_said_in_that_race(client, senate):
    primary = text_of(get_ok(client, "/races/primary/"))
    general = text_of(get_ok(client, "/races/general/"))

    assert PRIMARY_WORDS in primary and GENERAL_WORDS not in primary
    assert GENERAL_WORDS in general and PRIMARY_WORDS not in general
    assert "Perdue on immigration" in general


def test_compare_in_a_race_shows_only_what_was_said_in_it(client, senate):
    everything = text_of(
        get_ok(client, "/compare/?people=jon-ossoff,david-perdue&topic=immigration")
    )
    in_general = get_ok(
        client, "/compare/?people=jon-ossoff,david-perdue&topic=immigration&race=general"
    )
    in_primary = text_of(
        get_ok(client, "/compare/?people=jon-ossoff,david-perdue&topic=immigration&race=primary")
    )

    assert PRIMARY_WORDS in everything and GENERAL_WORDS in everything
    assert GENERAL_WORDS in text_of(in_general) and PRIMARY_WORDS not in text_of(in_general)
    assert 'name="race" value="general"' in in_general.content.decode()
    # Perdue did not run in the primary: nothing of his shows there.
    assert PRIMARY_WORDS in in_primary and "Perdue on immigration" not in in_primary
    assert GENERAL_WORDS not in in_primary


def test_compare_with_an_unknown_race_says_so(client, senate):
    response = get_ok(client, "/compare/?people=jon-ossoff&topic=immigration&race=nowhere%00")
    text = text_of(response)
    assert "We have no published race at" in text
    assert PRIMARY_WORDS in text and GENERAL_WORDS in text


def test_race_page_links_to_compare_in_the_race(client, senate):
    body = get_ok(client, "/races/general/").content.decode()
    assert "/compare/?race=general&amp;people=" in body


def test_person_page_shows_the_summary_with_newer_words(client, senate):
    text = text_of(get_ok(client, "/people/jon-ossoff/"))

    assert "Opposes local enforcement of federal immigration law" in text
    assert "2 newer statements since this summary" in text
    start = text.index("Positions by topic", text.index("Timeline"))  # after the page's menu
    section = text[start : text.index("Recent statements", start)]
    assert PRIMARY_WORDS in section and GENERAL_WORDS in section


def test_race_and_compare_count_newer_statements_in_their_scope(client, senate):
    primary = text_of(get_ok(client, "/races/primary/"))
    compare = text_of(get_ok(client, "/compare/?people=jon-ossoff&topic=immigration"))

    assert "Opposes local enforcement" in primary
    assert "1 newer statement since this summary" in primary
    assert "2 newer statements since this summary" in compare
    assert PRIMARY_WORDS in compare and GENERAL_WORDS in compare


def test_an_up_to_date_summary_claims_no_newer_statements(client, senate):
    senate["position"].as_of = datetime.date(2020, 10, 1)
    senate["position"].save()
    text = text_of(get_ok(client, "/people/jon-ossoff/"))
    assert "newer statement" not in text


def test_unpublished_statements_are_not_counted_as_newer(client, senate):
    senate["said_in_general"].state = PublicationState.DRAFT
    senate["said_in_general"].save()
    text = text_of(get_ok(client, "/people/jon-ossoff/"))
    assert "1 newer statement since this summary" in text
    assert GENERAL_WORDS not in text


@pytest.mark.parametrize(
    "url",
    ["/people/jon-ossoff/", "/races/primary/", "/compare/?people=jon-ossoff&topic=immigration"],
)
def test_each_entry_leads_with_who_when_and_kind(client, senate, url):
    body = get_ok(client, url).content.decode()
    entry = re.search(
        r'<p class="entry-head">(.*?)</p>\s*<p class="entry-words">(.*?)</p>', body, re.S
    )
    assert entry, url
    head = " ".join(html.unescape(re.sub(r"<[^>]+>", "", entry[1])).split())
    assert re.fullmatch(r"Jon Ossoff · \w+ \d+, 2020 · Direct quote( · at .+)?", head), head
    assert "“" in entry[2]  # then the words


# --------------------------------------------------------------------------- queries


def grow(senate, size: int) -> None:
    """``size`` more topics, each with a statement per candidate and race, and a summary."""
    ossoff, perdue = senate["ossoff"], senate["perdue"]
    in_primary, in_general = Candidacy.objects.filter(person=ossoff).order_by("race__date")
    perdue_general = Candidacy.objects.get(person=perdue)
    start = Position.objects.count()
    for index in range(start, start + size):
        topic = TopicFactory(name=f"Topic {index}")
        for candidacy, day in [
            (in_primary, datetime.date(2020, 5, 1 + index % 28)),
            (in_general, datetime.date(2020, 9, 1 + index % 28)),
            (perdue_general, datetime.date(2020, 9, 1 + index % 28)),
        ]:
            StatementFactory(
                speaker=candidacy.person, said_on=day, topics=[topic], candidacy=candidacy
            )
        Position.objects.create(
            person=ossoff,
            topic=topic,
            summary=f"Summary {index}",
            as_of=datetime.date(2020, 4, 1),
            state=PublicationState.PUBLISHED,
        )


def count_queries(client, url) -> int:
    get_ok(client, url)  # warm up the shared pieces (the topic tree, the people menu)
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, url)
    return len(queries.captured_queries)


def test_pages_run_a_constant_number_of_queries(client, senate, uncached_pages):
    urls = [
        "/people/jon-ossoff/",
        "/races/primary/",
        "/races/general/",
        "/compare/?people=jon-ossoff,david-perdue&topic=immigration",
        "/compare/?people=jon-ossoff,david-perdue&topic=immigration&race=general",
    ]
    grow(senate, 3)
    small = {url: count_queries(client, url) for url in urls}
    grow(senate, 30)
    big = {url: count_queries(client, url) for url in urls}

    for url in urls:
        print(f"{url}: {small[url]} queries, then {big[url]}")
        assert small[url] == big[url], url
        assert big[url] <= PAGE_BUDGET, url
    # The big world is on the pages: every summary shows, with its newer statements.
    person = text_of(get_ok(client, "/people/jon-ossoff/"))
    assert "Summary 32" in person and "2 newer statements since this summary" in person
    race = text_of(get_ok(client, "/races/primary/"))
    assert race.count("1 newer statement since this summary") == 34
