"""A statement whose source gives no date (or place): entered as such, sorted by the day it
was reported, found by every filter, and never given an invented date on any output."""

import csv
import datetime
import html
import io
import json
import re

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from statements.editorial import intake
from statements.models import Candidacy, DatePrecision, Event, Statement

from .factories import (
    EventFactory,
    PersonFactory,
    RaceFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)
from .support import INTAKE_URL, desk_post

pytestmark = pytest.mark.django_db

REPORTED = datetime.date(2021, 3, 10)
REPORTED_TEXT = "March 10, 2021"
NOT_GIVEN = f"date not given in the source (reported {REPORTED_TEXT})"
WORDS = "Rivers belong to everyone, upstream and down"


def text_of(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", "", body)
    return " ".join(html.unescape(body).split())


@pytest.fixture
def undated():
    """Dana's undated statement (reported March 10, 2021, no event), among 24 dated ones:
    twelve said before it was reported and twelve after."""
    dana = PersonFactory(name="Dana Rivers", slug="dana-rivers")
    water = TopicFactory(name="Water", slug="water")
    race = RaceFactory(name="Water board", slug="water-board", date=datetime.date(2021, 11, 2))
    candidacy = Candidacy.objects.create(person=dana, race=race)
    source = SourceFactory(published_on=REPORTED, title="Dana on rivers")
    start = REPORTED - datetime.timedelta(days=12)
    for offset in range(25):
        if offset == 12:
            continue
        StatementFactory(
            speaker=dana,
            said_on=start + datetime.timedelta(days=offset),
            topics=[water],
            candidacy=candidacy,
        )
    statement = StatementFactory(
        speaker=dana,
        event=None,
        said_on=REPORTED,
        date_precision=DatePrecision.NONE,
        text=WORDS,
        topics=[water],
        sources=[source],
        candidacy=candidacy,
    )
    return statement


# --------------------------------------------------------------------------- the record


def test_only_a_statement_may_have_no_date():
    event = EventFactory.build(date_precision=DatePrecision.NONE)
    with pytest.raises(ValidationError) as refused:
        event.full_clean(exclude=["slug"])
    assert "date_precision" in refused.value.error_dict


def test_a_date_not_given_is_not_also_inferred(undated):
    undated.date_inferred = True
    undated.date_inference_note = "guessed"
    with pytest.raises(ValidationError) as refused:
        undated.full_clean()
    assert "date_inferred" in refused.value.error_dict


def test_its_date_reads_as_not_given(undated):
    assert undated.date_display == NOT_GIVEN


# --------------------------------------------------------------------------- the pages


def test_statement_page_says_the_date_and_place_are_not_given(client, undated):
    response = client.get(undated.get_absolute_url())
    text = text_of(response)

    assert response.status_code == 200
    assert NOT_GIVEN in text
    assert "Place not given in the source" in text
    assert "known to the" not in text  # no precision claimed
    assert f"Said: {NOT_GIVEN}." in text  # cite this
    assert re.search(r"Race Election \d+: Water board", text)
    # The reported day is never marked up as the day said.
    assert '<time datetime="2021-03-10">March 10, 2021</time>)' in response.content.decode()
    assert "date not given in the source</span> (reported <time" in response.content.decode()


def test_json_ld_invents_no_date(client, undated):
    body = client.get(undated.get_absolute_url()).content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    data = json.loads(found[1])

    assert "dateCreated" not in data
    assert data["isPartOf"]["about"]["name"].endswith("Water board")
    assert data["isPartOf"]["url"].endswith("/races/water-board/")
    assert [c["datePublished"] for c in data["citation"]] == ["2021-03-10"]  # the report's


def test_cards_person_and_topic_pages_say_so(client, undated):
    for url in ["/statements/?speaker=dana-rivers", "/people/dana-rivers/", "/topics/water/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = text_of(response)
        assert WORDS in text, url
        assert NOT_GIVEN in text, url


def listed_ids(client, query: str) -> list[int]:
    found: list[int] = []
    page = 1
    while True:
        response = client.get(f"/statements/?{query}&page={page}")
        assert response.status_code == 200
        body = response.content.decode()
        found += [int(pk) for pk in re.findall(r'id="statement-(\d+)-label"', body)]
        if 'rel="next"' not in body:
            return found
        page += 1


@pytest.mark.parametrize("ordering", ["-said_on", "said_on"])
def test_list_pages_sort_it_by_the_day_reported(client, undated, ordering):
    ids = listed_ids(client, f"speaker=dana-rivers&ordering={ordering}")
    expected = list(
        Statement.objects.order_by(ordering, "id").values_list("pk", flat=True)
    )  # said_on holds the day reported

    assert ids == expected
    assert len(ids) == 25 and ids.count(undated.pk) == 1
    assert ids.index(undated.pk) == 12  # between what was said before and after that day


def api_ids(client, query: str) -> tuple[list[int], list[dict]]:
    url = f"/api/v1/statements/?{query}"
    ids, rows = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        rows += data["results"]
        ids += [row["id"] for row in data["results"]]
        url = data["next"]
    return ids, rows


def test_api_pages_it_and_gives_no_said_on(client, undated):
    ids, rows = api_ids(client, "speaker=dana-rivers&page_size=5")
    row = next(row for row in rows if row["id"] == undated.pk)

    assert ids == list(Statement.objects.order_by("-said_on", "id").values_list("pk", flat=True))
    assert row["said_on"] is None
    assert row["date_precision"] == "none"
    assert row["reported_on"] == "2021-03-10"
    assert row["date_display"] == NOT_GIVEN
    assert row["race"] == "water-board"
    dated = next(row for row in rows if row["id"] != undated.pk)
    assert dated["reported_on"] is None and dated["said_on"]


def test_openapi_documents_it(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    statement = schema["components"]["schemas"]["Statement"]["properties"]

    assert statement["said_on"]["nullable"] is True
    assert (
        "none" in statement["said_on"]["description"]
        or "not give" in (statement["said_on"]["description"])
    )
    assert statement["reported_on"]["nullable"] is True
    assert "none" in schema["components"]["schemas"]["DatePrecisionEnum"]["enum"]


@pytest.mark.parametrize(
    "query",
    [
        "speaker=dana-rivers",
        "topic=water",
        "race=water-board",
        "q=upstream",
        "q=%22belong+to+everyone%22",
        "kind=direct&speaker=dana-rivers",
    ],
)
def test_every_filter_finds_it(client, undated, query):
    assert undated.pk in listed_ids(client, query)
    assert undated.pk in api_ids(client, query)[0]
    assert str(undated.pk) in [row["id"] for row in csv_rows(client, query)]


def test_date_filters_leave_it_out(client, undated):
    for query in ["said_after=2021-03-01", "said_before=2021-03-31"]:
        ids = listed_ids(client, f"speaker=dana-rivers&{query}")
        assert ids and undated.pk not in ids, query


# --------------------------------------------------------------------------- exports, feeds


def csv_rows(client, query: str = "") -> list[dict]:
    raw = b"".join(client.get(f"/statements/export.csv?{query}").streaming_content)
    lines = raw.decode("utf-8-sig").splitlines(keepends=True)
    assert lines[-1].startswith("# end of export")
    return list(csv.DictReader(io.StringIO("".join(lines[:-1]))))


def json_rows(client, query: str = "") -> list[dict]:
    raw = b"".join(client.get(f"/statements/export.json?{query}").streaming_content)
    return json.loads(raw)["statements"]


def test_exports_leave_the_date_said_empty(client, undated):
    flat = {row["id"]: row for row in csv_rows(client, "speaker=dana-rivers")}
    typed = {row["id"]: row for row in json_rows(client, "speaker=dana-rivers")}
    row, csv_row = typed[undated.pk], flat[str(undated.pk)]

    for found in (row, csv_row):
        assert found["said_on"] == ""
        assert found["date_precision"] == "none"
        assert found["reported_on"] == "2021-03-10"
        assert found["race_slug"] == "water-board"
        assert found["race_name"] == "Water board"
        assert found["event_slug"] == ""
    assert list(typed) == list(
        Statement.objects.order_by("-said_on", "id").values_list("pk", flat=True)
    )
    dated = next(found for pk, found in typed.items() if pk != undated.pk)
    assert dated["said_on"] and dated["reported_on"] == ""


def test_copy_export_is_byte_for_byte_the_generic_one(client, undated, monkeypatch, settings):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    from statements.public import copy as pg_copy

    settings.PAGE_CACHE_EXCLUDED_PATHS = [*settings.PAGE_CACHE_EXCLUDED_PATHS, "/statements/"]
    for url in ["/statements/export.csv", "/statements/export.json"]:
        copied = b"".join(client.get(url).streaming_content)
        monkeypatch.setattr(pg_copy, "supported", lambda: False)
        generic = b"".join(client.get(url).streaming_content)
        monkeypatch.undo()
        assert copied == generic, url
        assert b"2021-03-10" in copied and b'"said_on": ""' in copied or b",,none," in copied


def test_feed_entry_does_not_claim_the_day_said(client, undated):
    parsed = feedparser.parse(client.get("/statements/feed/?speaker=dana-rivers").content)
    entry = next(e for e in parsed.entries if e.link.endswith(f"/statements/{undated.pk}/"))
    description = " ".join(html.unescape(re.sub(r"<[^>]+>", "", entry.description)).split())

    assert f"Said: place not given in the source, {NOT_GIVEN}" in description
    assert "dated by the day it was reported" in description
    assert "Race: " in description and "Water board" in description
    assert 'datetime="2021-03-10"' not in entry.description


def test_sitemap_lists_it(client, undated):
    body = client.get("/sitemap.xml").content.decode()
    assert undated.get_absolute_url() in body


# --------------------------------------------------------------------------- the desk


def test_the_desk_records_the_day_reported(editor_client):
    dana = PersonFactory(name="Dana Rivers")
    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source={
                "new_outlet": "River Post",
                "title": "Dana on rivers",
                "published_on": "2021-03-10",
                "url": "https://river.example.org/dana",
            },
            shared={"kind": "direct", "speaker": dana, "date_precision": "none"},
            statements=[{"text": WORDS}],
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    statement = Statement.objects.get(text=WORDS)
    assert statement.date_precision == DatePrecision.NONE
    assert statement.said_on == REPORTED
    assert statement.event is None
    assert not statement.date_inferred


def test_the_desk_asks_for_the_day_reported_when_it_has_none():
    dana = PersonFactory()
    article = intake.Article(
        source_values={"title": "Undated clipping"},
        new_outlet="Clippings",
        statements=[
            intake.StatementEntry(values={"speaker": dana, "text": WORDS, "date_precision": "none"})
        ],
    )
    check = intake.check_article(article)

    messages = check.problems[("statement", 0)]["said_on"]
    assert any("day it was reported" in message for message in messages)


def test_the_desk_offers_no_missing_date_for_an_event(editor_client):
    body = editor_client.get(INTAKE_URL).content.decode()
    event_select = re.search(r'<select name="event-date_precision".*?</select>', body, re.S)[0]
    statement_select = re.search(r'<select name="shared-date_precision".*?</select>', body, re.S)
    assert 'value="none"' not in event_select
    assert statement_select and 'value="none"' in statement_select[0]
    assert Event  # the model refuses it too (test_only_a_statement_may_have_no_date)
