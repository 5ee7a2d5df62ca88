"""The demo's second article: the AP story on the second Perdue–Ossoff debate, loaded
after the first through the same services, idempotently, and shown on the public pages."""

import datetime
import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.demo import debate as data
from statements.demo import load_demo
from statements.demo.loader_statements import statement_date
from statements.models import (
    Event,
    Person,
    Race,
    Reaction,
    Source,
    StateChange,
    Statement,
)

from .test_demo import snapshot

pytestmark = pytest.mark.django_db

AP, AJC = "associated-press", "atlanta-journal-constitution"
SECOND, FIRST = "georgia-us-senate-debate-2020-10-28", "georgia-us-senate-debate-2020-10-12"
GENERAL = "2020-georgia-us-senate-general"
PRIMARY = "2020-georgia-us-senate-democratic-primary"
PAGE_BUDGET = 8


@pytest.fixture
def full():
    """Both articles, as `load_demo()` writes them."""
    return load_demo()


def said(text_start: str) -> Statement:
    return Statement.objects.get(text__startswith=text_start)


def debate_statements():
    return Statement.objects.filter(sources__outlet__slug=AP).distinct()


def page_text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def get_page(client, url: str) -> str:
    """The page, within its query budget once the topic tree is read (a topic change
    costs the next page one more query: see test_views for the budget after a write)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert len(queries.captured_queries) <= PAGE_BUDGET, (url, len(queries.captured_queries))
    return page_text(response)


# --------------------------------------------------------------------------- loading


def test_the_second_article_loads_after_the_first(full):
    assert Statement.objects.filter(sources__outlet__slug="washington-free-beacon").count() == 7
    assert debate_statements().count() == 9
    assert set(Event.objects.values_list("slug", flat=True)) == {
        "online-town-hall-college-democrats-of-georgia-2020-05-30",
        SECOND,
        FIRST,
    }
    # Ossoff and Perdue are the first article's people, reused, not duplicated.
    assert Person.objects.filter(name__in=["Jon Ossoff", "David Perdue"]).count() == 2
    assert Person.objects.get(slug="shane-hazel").name == "Shane Hazel"
    assert not Statement.objects.exclude(state="published").exists()
    assert not Reaction.objects.exclude(state="published").exists()


def test_a_second_run_changes_nothing(full):
    before, changes = snapshot(), StateChange.objects.count()
    again = load_demo()
    assert (again.created, again.updated) == (0, 0)
    # The election, the general race and Perdue's candidacy in it are declared by both
    # articles: the first run already found them unchanged the second time.
    assert full.unchanged == 3
    assert again.unchanged == full.created + full.unchanged
    assert snapshot() == before
    assert StateChange.objects.count() == changes


def test_the_command_reports_both_articles():
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()
    assert f"{Statement.objects.count()} statements" in out.getvalue()


def test_sources_ap_and_the_ajc_reprint(full):
    ap = Source.objects.get(outlet__slug=AP)
    ajc = Source.objects.get(outlet__slug=AJC)
    for source in (ap, ajc):
        assert source.title == "Perdue, Ossoff meet in 2nd Georgia Senate debate"
        assert source.published_on == datetime.date(2020, 10, 28)
        assert source.author == "Ben Nadler"
        # Not given by the case: not invented.
        assert (source.url, source.archive_url, source.text) == ("", "", "")
    assert ap.outlet.abbreviation == "AP"


def test_the_reprinted_quote_is_one_statement_with_two_sources_in_the_aps_words(full):
    retort = said("There")
    assert retort.text.startswith("There\u2019s the senator")  # the AP's curly apostrophe
    assert retort.text.encode() == data.STATEMENTS["4"]["text"].encode()
    assert "There's" not in retort.text
    assert list(retort.sources.order_by("published_on", "outlet__name")) == [
        Source.objects.get(outlet__slug=AP),
        Source.objects.get(outlet__slug=AJC),
    ]
    assert Statement.objects.filter(text__contains="catchphrases").count() == 1
    others = debate_statements().exclude(pk=retort.pk)
    assert all(list(s.sources.all()) == [Source.objects.get(outlet__slug=AP)] for s in others)


def test_kinds_frames_speakers_and_events(full):
    found = [
        (s.speaker.slug, s.kind, s.frame, s.event.slug if s.event else None, s.said_on)
        for s in debate_statements().order_by("id")
    ]
    oct28, oct12 = datetime.date(2020, 10, 28), datetime.date(2020, 10, 12)
    expected = [
        ("jon-ossoff", "direct", "", SECOND, oct28),
        ("jon-ossoff", "direct", "", SECOND, oct28),
        ("david-perdue", "direct", "", SECOND, oct28),
        ("david-perdue", "direct", "", SECOND, oct28),
        ("jon-ossoff", "direct", "", SECOND, oct28),
        ("jon-ossoff", "partial", "said Perdue has enabled President Donald Trump", FIRST, oct12),
        ("david-perdue", "partial", "called Ossoff\u2019s remarks", FIRST, oct12),
        ("david-perdue", "direct", "", FIRST, oct12),
    ]
    expected.append(("shane-hazel", "direct", "", None, oct28))
    assert found == expected
    assert said("idle chatter").text == "idle chatter"
    assert said("in a pandemic").text.endswith("has been a disaster")
    roles = {s.speaker.slug: (s.speaker_role, s.speaker_party.slug) for s in debate_statements()}
    assert roles["david-perdue"] == (
        "U.S. senator, Georgia; Republican candidate for re-election",
        "republican-party",
    )
    assert roles["jon-ossoff"] == ("candidate, U.S. Senate, Georgia", "democratic-party")
    assert set(said("He will say").topics.values_list("slug", flat=True)) == {
        "green-new-deal",
        "health-care",
    }


def test_the_debates(full):
    second, first = Event.objects.get(slug=SECOND), Event.objects.get(slug=FIRST)
    assert (second.kind, second.online, second.location) == ("debate", False, "Savannah, Georgia")
    assert [o.name for o in second.hosts.all()] == ["WTOC-TV"]
    assert "postponed" in second.description and "October 19" in second.description
    assert (first.kind, first.online, first.date) == ("debate", True, datetime.date(2020, 10, 12))
    assert [o.name for o in first.hosts.all()] == ["Atlanta Press Club"]


def test_reactions_and_retorts_link_the_right_statements(full):
    # A retort is one record: the speaker's statement, and a reaction to what it answers
    # that links to it and reads its words from it.
    found = {
        (r.respondent.slug, r.statement.text[:12], r.words[:12], r.words_kind, r.reacted_on)
        for r in Reaction.objects.filter(source__outlet__slug=AP, response_statement__isnull=False)
    }
    assert found == {
        ("david-perdue", "We are in th", "Right now we", "direct", datetime.date(2020, 10, 28)),
        ("jon-ossoff", "He will say ", "There\u2019s the ", "direct", datetime.date(2020, 10, 28)),
        ("david-perdue", "in a pandemi", "idle chatter", "partial", datetime.date(2020, 10, 12)),
    }
    for reaction in Reaction.objects.filter(source__outlet__slug=AP, rating=""):
        own = Statement.objects.get(speaker=reaction.respondent, text=reaction.words)
        assert reaction.stance == "disagrees"
        assert reaction.response_statement == own
        assert reaction.text == ""  # the words are stored once, on the statement


def test_the_aps_finding_is_the_aps_with_its_rating(full):
    reaction = Reaction.objects.get(text__contains="falsely accusing")
    # The outlet's finding, not anyone's words: no person, the AP as its author.
    assert (reaction.respondent, reaction.respondent_organization.slug) == (None, AP)
    assert (reaction.rating, reaction.statement) == ("false", said("He will say"))


def test_hazels_undated_quote_is_never_given_a_date(full):
    declared = data.STATEMENTS["6"]
    assert (declared["date_precision"], "event" in declared) == ("none", False)
    quote = Statement.objects.get(speaker__slug="shane-hazel")
    assert (quote.date_precision, quote.event, quote.candidacy.race.slug) == (
        "none",
        None,
        GENERAL,
    )


# --------------------------------------------------------------------------- races


def test_the_general_election_and_who_ran_in_it(full):
    general = Race.objects.get(slug=GENERAL)
    assert (general.date, general.stage, general.election.slug) == (
        datetime.date(2020, 11, 3),
        "general",
        "2020-georgia-us-senate",
    )
    assert {(c.person.slug, c.party.slug, c.incumbent) for c in general.candidacies.all()} == {
        ("david-perdue", "republican-party", True),
        ("jon-ossoff", "democratic-party", False),
        ("shane-hazel", "libertarian-party", False),
    }


def test_each_statement_belongs_to_the_race_of_its_day(full):
    assert set(debate_statements().values_list("candidacy__race__slug", flat=True)) == {GENERAL}
    for s in debate_statements():
        assert s.candidacy.person == s.speaker
    town_hall = Statement.objects.filter(sources__outlet__slug="washington-free-beacon")
    assert set(town_hall.values_list("candidacy__race__slug", flat=True)) == {PRIMARY}


# --------------------------------------------------------------------------- pages


def test_person_pages_show_the_debate_statements_at_the_debate(client, full):
    for slug, start in (("jon-ossoff", "There\u2019s the senator"), ("david-perdue", "He will")):
        text = get_page(client, f"/people/{slug}/")
        assert start in text
        assert data.EVENTS["second-debate"]["name"] in text
    perdue = get_page(client, "/people/david-perdue/")
    assert data.EVENTS["first-debate"]["name"] in perdue
    assert "idle chatter" in perdue


def test_the_race_page_and_compare_show_the_debate_statements(client, full):
    race = get_page(client, f"/races/{GENERAL}/")
    for name in ("David Perdue", "Jon Ossoff", "Shane Hazel"):
        assert name in race
    assert "The number one thing that will bankrupt us" in race
    second, first = (data.EVENTS[label]["name"] for label in ("second-debate", "first-debate"))
    assert "at " + second in race and "at " + first in race
    compare = get_page(client, "/compare/?people=david-perdue,jon-ossoff&topic=covid-19")
    assert "Right now we\u2019ve got to get serious" in compare
    assert "undermined the doctors and scientists" in compare
    # Each brief names its debate: the second's remarks, then the first's.
    assert re.search("at " + re.escape(second) + r" .{0,400}?got to get serious", compare)
    assert "at " + first in compare
    statement = said("He will say")
    detail = get_page(client, statement.get_absolute_url())
    assert data.EVENTS["second-debate"]["name"] in detail
    assert "There\u2019s the senator" in detail  # Ossoff's retort, as his reaction


# --------------------------------------------------------------------------- dates


def test_an_unknown_date_keeps_the_reported_day_as_its_sort_key_only():
    hazel = data.STATEMENTS["6"]
    assert statement_date(hazel, None) == {
        "said_on": datetime.date(2020, 10, 28),
        "date_precision": "none",
        "date_inferred": False,
        "date_inference_note": "",
    }
    # A statement said at an event takes the event's date, whatever it declares itself.
    debate = data.EVENTS["first-debate"]
    assert statement_date({**hazel, "event": "first-debate"}, debate) == {
        "said_on": datetime.date(2020, 10, 12),
        "date_precision": "day",
        "date_inferred": False,
        "date_inference_note": "",
    }


# --------------------------------------------------------------------------- API and exports


def test_the_practice_case_reads_right_in_the_api_and_the_exports(client, full):
    from .test_exports import csv_rows, json_data

    # Hazel's quote: no date said, the day it was reported kept apart, the general race.
    (hazel,) = csv_rows(client, "speaker=shane-hazel")
    assert (hazel["said_on"], hazel["date_precision"], hazel["reported_on"]) == (
        "",
        "none",
        "2020-10-28",
    )
    assert hazel["race_slug"] == GENERAL and hazel["event_slug"] == ""
    # Every debate statement, and nothing from May, belongs to the general election.
    in_race = csv_rows(client, f"race={GENERAL}")
    assert len(in_race) == debate_statements().count() == 9
    assert {row["race_slug"] for row in in_race} == {GENERAL}
    exported = json_data(client.get(f"/statements/export.json?race={PRIMARY}").getvalue())
    assert exported and {row["race_slug"] for row in exported} == {PRIMARY}

    # The API: the claim carries the AP's finding, and the retort its own statement.
    claim = said("He will say")
    found = client.get(f"/api/v1/statements/{claim.pk}/").json()
    (finding,) = [r for r in found["reactions"] if r.get("rating")]
    assert (finding["rating"], finding["respondent"]) == ("false", None)
    retorts = [r for r in found["reactions"] if r.get("response_statement")]
    assert len(retorts) == 1
    hazel_api = client.get("/api/v1/statements/?speaker=shane-hazel").json()["results"]
    assert [(s["said_on"], s["reported_on"]) for s in hazel_api] == [(None, "2020-10-28")]
