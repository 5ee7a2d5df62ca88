"""The read-only JSON API under /api/v1/ and the Popolo export."""

import base64
import datetime
import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft3Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from statements import demo
from statements.models import (
    Affiliation,
    Candidacy,
    CommentRequest,
    Event,
    Organization,
    Person,
    Position,
    Race,
    Reaction,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)

from .factories import (
    ElectionFactory,
    EventFactory,
    OrganizationFactory,
    PartyFactory,
    PersonFactory,
    RaceFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
POPOLO_SCHEMAS = Path(__file__).parent / "fixtures" / "popolo"


def get(client, path, status=200, **params):
    response = client.get(path, params)
    assert response.status_code == status, (path, params, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def statement_with_text(text: str) -> Statement:
    return Statement.objects.get(text=text)


@pytest.fixture
def demo_data(demo):
    """The demo data set (`demo` is the module here)."""


S1 = demo.STATEMENTS["S1"]["text"]  # "I don't think it's the role of local law enforcement…"
S2 = demo.STATEMENTS["S2"]["text"]  # with "...." and a no-break space
S3 = demo.STATEMENTS["S3"]["text"]  # "misguided"


# --------------------------------------------------------------------------- content


def test_misguided_statement_holds_everything_a_journalist_needs(client, demo_data):
    statement = statement_with_text(S3)
    body = get(client, f"{API}/statements/{statement.pk}/")

    assert body["id"] == statement.pk
    assert body["url"] == f"http://testserver/statements/{statement.pk}/"
    assert body["api_url"] == f"http://testserver/api/v1/statements/{statement.pk}/"
    assert body["kind"] == "partial" and body["kind_label"] == "Partial quote"
    assert body["text"] == "misguided"
    assert body["frame"] == "called the 287(g) program"
    assert body["said_on"] == "2020-05-30"
    assert body["date_precision"] == "day"
    assert body["date_inferred"] is True
    assert "Saturday" in body["date_inference_note"]
    assert body["date_display"] == "May 30, 2020"
    assert body["speaker"] == {
        "slug": "jon-ossoff",
        "name": "Jon Ossoff",
        "url": "http://testserver/people/jon-ossoff/",
        "api_url": "http://testserver/api/v1/people/jon-ossoff/",
    }
    assert body["speaker_role"] == "candidate, U.S. Senate, Georgia"
    assert body["speaker_party"]["slug"] == "democratic-party"
    assert body["speaker_party"]["name"] == "Democratic Party"
    event = body["event"]
    assert event["slug"] == demo.EVENT["slug"]
    assert event["name"] == demo.EVENT["name"]
    assert event["kind"] == "town_hall" and event["online"] is True
    assert event["date"] == "2020-05-30" and event["date_precision"] == "day"
    assert event["location"] == ""
    assert [(t["slug"], t["parent"]) for t in body["topics"]] == [("287g-program", "immigration")]
    [source] = body["sources"]
    assert source["outlet"]["slug"] == "washington-free-beacon"
    assert source["title"] == demo.ARTICLE_TITLE
    assert source["published_on"] == "2020-06-05"
    assert source["url"] is None and source["archive_url"] is None  # not given by the article
    assert source["author"] == ""

    [reaction] = body["reactions"]
    assert reaction["respondent"]["slug"] == "ira-mehlman"
    assert reaction["respondent_role"] == "spokesman"
    assert reaction["respondent_organization"]["slug"] == (
        "federation-for-american-immigration-reform"
    )
    assert reaction["stance"] == "disagrees" and reaction["stances"] == ["disagrees"]
    assert reaction["fragments"][0] == (
        "Nobody is compelling them to enforce federal immigration laws"
    )
    assert len(reaction["fragments"]) == 2
    assert reaction["source"]["title"] == demo.ARTICLE_TITLE
    assert body["comment_requests"] == []
    assert [p["summary"] for p in body["positions"]] == ["Calls the 287(g) program misguided"]
    assert body["positions"][0]["topic"]["slug"] == "287g-program"
    assert body["positions"][0]["as_of"] == "2020-05-30"


def test_town_hall_statement_has_patels_reading_and_the_unanswered_requests(client, demo_data):
    statement = statement_with_text(S1)
    body = get(client, f"{API}/statements/{statement.pk}/")

    assert body["kind"] == "direct"
    assert {t["slug"] for t in body["topics"]} == {
        "local-enforcement-of-immigration-law",
        "policing",
    }
    assert {t["slug"]: t["parent"] for t in body["topics"]}["policing"] == "public-safety"
    [reaction] = body["reactions"]
    assert reaction["respondent"]["name"] == "Bhavin Patel"
    assert reaction["respondent_role"] == "president"
    assert reaction["respondent_organization"]["slug"] == "college-democrats-of-georgia"
    assert reaction["stance"] == "agrees"
    assert reaction["stances"] == ["agrees", "interprets"]
    assert reaction["interpretation"] == "an endorsement of sanctuary cities"
    assert reaction["channel"] == "email to the Washington Free Beacon"

    [request] = body["comment_requests"]
    assert request["asked"] == "Ossoff campaign"
    assert request["asked_person"] is None
    assert request["asked_organization"]["slug"] == "ossoff-campaign"
    assert request["requested_by"]["slug"] == "washington-free-beacon"
    assert request["subject"] == "his immigration policy and sanctuary cities"
    assert request["repeated"] is True
    assert request["outcome"] == "no_response"
    assert request["outcome_label"] == "Did not respond"
    assert request["requested_on"] == "2020-06-01"
    assert request["date_precision"] == "month"
    assert request["date_display"] == "June 2020"
    assert request["response"] == ""


def test_words_come_back_byte_for_byte(client, demo_data):
    statement = statement_with_text(S2)
    response = client.get(f"{API}/statements/{statement.pk}/")
    assert response.json()["text"] == S2
    assert "\u00a0" in response.json()["text"] and "...." in response.json()["text"]


def test_statement_list_uses_the_same_shape_newest_first(client, demo_data):
    older = StatementFactory(said_on=datetime.date(2019, 1, 1))
    body = get(client, f"{API}/statements/")
    assert set(body) == {"next", "previous", "results"}
    assert body["next"] is None and body["previous"] is None
    results = body["results"]
    assert len(results) == 8
    assert results[-1]["id"] == older.pk
    detail = get(client, f"{API}/statements/{results[0]['id']}/")
    assert results[0] == detail
    demo_ids = sorted(Statement.objects.exclude(pk=older.pk).values_list("pk", flat=True))
    assert [r["id"] for r in results[:7]] == demo_ids  # same day: in the order entered


def test_people(client, demo_data):
    body = get(client, f"{API}/people/")
    assert [p["slug"] for p in body["results"]] == [
        "sarah-riggs-amico",
        "ira-mehlman",
        "jon-ossoff",
        "bhavin-patel",
        "david-perdue",
        "teresa-tomlinson",
    ]
    ossoff = get(client, f"{API}/people/jon-ossoff/")
    assert ossoff["name"] == "Jon Ossoff" and ossoff["sort_name"] == "Ossoff, Jon"
    assert ossoff["url"] == "http://testserver/people/jon-ossoff/"
    assert ossoff["statements_url"] == "http://testserver/api/v1/statements/?speaker=jon-ossoff"
    assert {(a["organization"]["slug"], a["role"]) for a in ossoff["affiliations"]} == {
        ("democratic-party", "member"),
        ("ossoff-campaign", "candidate"),
    }
    [candidacy] = ossoff["candidacies"]
    assert candidacy["race"]["slug"] == "2020-georgia-us-senate-democratic-primary"
    assert candidacy["party"]["slug"] == "democratic-party"
    assert candidacy["incumbent"] is False and candidacy["result"] == "pending"
    patel = get(client, f"{API}/people/bhavin-patel/")
    assert patel["affiliations"][0]["role"] == "president"
    assert patel["affiliations"][0]["start_date"] is None

    assert [p["slug"] for p in get(client, f"{API}/people/", q="ossoff")["results"]] == [
        "jon-ossoff"
    ]
    assert [p["slug"] for p in get(client, f"{API}/people/", q="AMICO")["results"]] == [
        "sarah-riggs-amico"
    ]
    assert get(client, f"{API}/people/", q="nobody at all")["results"] == []


def test_topics(client, demo_data):
    body = get(client, f"{API}/topics/")
    assert len(body["results"]) == len(demo.TOPICS)
    assert [t["name"] for t in body["results"]] == sorted(name for _, name, _ in demo.TOPICS)
    immigration = get(client, f"{API}/topics/immigration/")
    assert immigration["parent"] is None
    assert {c["slug"] for c in immigration["children"]} == {
        slug for slug, _, parent in demo.TOPICS if parent == "immigration"
    }
    assert immigration["statements_url"].endswith("/api/v1/statements/?topic=immigration")
    program = get(client, f"{API}/topics/287g-program/")
    assert program["parent"]["slug"] == "immigration" and program["children"] == []


def test_events(client, demo_data):
    [event] = get(client, f"{API}/events/")["results"]
    assert event["slug"] == demo.EVENT["slug"]
    detail = get(client, f"{API}/events/{demo.EVENT['slug']}/")
    assert detail["kind"] == "town_hall" and detail["kind_label"] == "Town hall"
    assert detail["date"] == "2020-05-30" and detail["date_inferred"] is True
    assert [h["slug"] for h in detail["hosts"]] == ["college-democrats-of-georgia"]
    assert detail["url"] == f"http://testserver/events/{demo.EVENT['slug']}/"


def test_races(client, demo_data):
    body = get(client, f"{API}/races/")
    assert [r["slug"] for r in body["results"]] == [
        "2020-georgia-us-senate-democratic-primary",
        "2020-georgia-us-senate-general",
    ]
    primary = get(client, f"{API}/races/2020-georgia-us-senate-democratic-primary/")
    assert primary["stage"] == "primary" and primary["party"]["slug"] == "democratic-party"
    assert primary["election"]["slug"] == "2020-georgia-us-senate"
    assert primary["date"] == "2020-06-09" and primary["date_inferred"] is True
    assert {c["person"]["slug"] for c in primary["candidates"]} == {
        "jon-ossoff",
        "teresa-tomlinson",
        "sarah-riggs-amico",
    }
    general = get(client, f"{API}/races/2020-georgia-us-senate-general/")
    assert general["date"] is None and general["date_display"] == "date unknown"
    [perdue] = general["candidates"]
    assert perdue["person"]["slug"] == "david-perdue" and perdue["incumbent"] is True


def test_reactions(client, demo_data):
    body = get(client, f"{API}/reactions/")
    assert {r["respondent"]["slug"] for r in body["results"]} == {"bhavin-patel", "ira-mehlman"}
    patel = Reaction.objects.get(respondent__slug="bhavin-patel")
    detail = get(client, f"{API}/reactions/{patel.pk}/")
    assert detail["stances"] == ["agrees", "interprets"]
    assert detail["statement"]["id"] == patel.statement_id
    assert detail["statement"]["text"] == S1
    assert detail["statement"]["speaker"]["slug"] == "jon-ossoff"
    assert detail["text"] == "\n\n".join(demo.REACTIONS[0]["fragments"])


def test_organizations(client, demo_data):
    body = get(client, f"{API}/organizations/")
    assert [o["name"] for o in body["results"]] == sorted(o["name"] for o in demo.ORGANIZATIONS)
    fair = get(client, f"{API}/organizations/federation-for-american-immigration-reform/")
    assert fair["abbreviation"] == "FAIR" and fair["kind"] == "advocacy"
    assert fair["statements_url"] is None and fair["website"] is None
    party = get(client, f"{API}/organizations/democratic-party/")
    assert party["statements_url"].endswith("/api/v1/statements/?party=democratic-party")


def test_sources(client, demo_data):
    [source] = get(client, f"{API}/sources/")["results"]
    assert source["title"] == demo.ARTICLE_TITLE
    detail = get(client, f"{API}/sources/{source['id']}/")
    assert detail["outlet"]["name"] == "Washington Free Beacon"
    assert detail["published_on"] == "2020-06-05"
    assert "text" not in detail  # the article itself is not republished


def test_api_root_lists_the_resources(client):
    body = get(client, f"{API}/")
    assert set(body) == {
        "statements",
        "people",
        "topics",
        "events",
        "races",
        "reactions",
        "organizations",
        "sources",
    }
    assert body["people"] == "http://testserver/api/v1/people/"


def test_unknown_records_are_json_404s(client, demo_data):
    for path in [
        "statements/999999",
        "people/no-one",
        "topics/nothing",
        "events/never",
        "races/none",
        "reactions/999999",
        "organizations/nobody",
        "sources/999999",
        "statements/99999999999999999999999",
    ]:
        assert get(client, f"{API}/{path}/", status=404)["detail"]


# --------------------------------------------------------------------------- Popolo


def popolo_validator(name: str) -> Draft3Validator:
    registry = Registry()
    for path in POPOLO_SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text())
        resource = Resource.from_contents(contents, default_specification=DRAFT3)
        registry = registry.with_resource(contents["id"].rstrip("#"), resource)
    schema = json.loads((POPOLO_SCHEMAS / f"{name}.json").read_text())
    return Draft3Validator(schema, registry=registry, format_checker=FormatChecker())


def test_popolo_export(client, demo_data):
    body = get(client, f"{API}/popolo.json")
    assert set(body) == {"persons", "organizations", "memberships", "events"}
    for key, schema in [
        ("persons", "person"),
        ("organizations", "organization"),
        ("memberships", "membership"),
        ("events", "event"),
    ]:
        validator = popolo_validator(schema)
        for item in body[key]:
            errors = [e.message for e in validator.iter_errors(item)]
            assert errors == [], (key, item, errors)
            assert isinstance(item["id"], str)

    assert {p["id"] for p in body["persons"]} == {p["slug"] for p in demo.PEOPLE}
    assert {o["id"] for o in body["organizations"]} == {o["slug"] for o in demo.ORGANIZATIONS}
    fair = next(o for o in body["organizations"] if o["name"].startswith("Federation"))
    assert fair["classification"] == "advocacy"
    assert fair["other_names"] == [{"name": "FAIR", "note": "abbreviation"}]
    assert {(m["person_id"], m["organization_id"], m["role"]) for m in body["memberships"]} == set(
        demo.AFFILIATIONS
    )
    assert all(m["start_date"] is None and m["end_date"] is None for m in body["memberships"])
    [event] = body["events"]
    assert event["id"] == demo.EVENT["slug"]
    assert event["start_date"] == "2020-05-30"
    assert event["classification"] == "town_hall"
    assert event["organization_id"] == "college-democrats-of-georgia"
    assert event["location"] == "online"


def test_popolo_dates_keep_their_precision_and_drafts_stay_out(client):
    host = OrganizationFactory(slug="host")
    hidden_host = OrganizationFactory(slug="aaa-hidden-host", state="draft")
    event = EventFactory(slug="month-event", date=datetime.date(2020, 6, 1), date_precision="month")
    event.hosts.set([hidden_host, host])
    EventFactory(slug="draft-event", state="draft")
    person = PersonFactory(slug="p")
    hidden = PersonFactory(slug="hidden", state="draft")
    Affiliation.objects.create(
        person=person,
        organization=host,
        role="chair",
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2020, 12, 31),
    )
    Affiliation.objects.create(person=hidden, organization=host, role="member")
    Affiliation.objects.create(person=person, organization=hidden_host, role="member")

    body = get(client, f"{API}/popolo.json")
    assert [e["id"] for e in body["events"]] == ["month-event"]
    assert body["events"][0]["start_date"] == "2020-06"
    assert body["events"][0]["organization_id"] == "host"
    assert body["events"][0]["location"] is None
    assert [p["id"] for p in body["persons"]] == ["p"]
    assert {o["id"] for o in body["organizations"]} == {"host"}
    assert [(m["person_id"], m["role"], m["start_date"], m["end_date"]) for m in
            body["memberships"]] == [("p", "chair", "2019-01-01", "2020-12-31")]  # fmt: skip
    validator = popolo_validator("membership")
    assert not list(validator.iter_errors(body["memberships"][0]))
    assert not list(popolo_validator("event").iter_errors(body["events"][0]))
    assert list(validator.iter_errors({"start_date": "June 2020"}))  # the schema does bite


# --------------------------------------------------------------------------- filters


def html_ids(client, query: str) -> list[int]:
    response = client.get(f"/statements/?{query}")
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'id="statement-(\d+)-label"', response.content.decode())]


def api_ids(client, query: str) -> list[int]:
    response = client.get(f"{API}/statements/?{query}")
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def world(demo_data):
    """The demo article plus a debate, an economy topic and some drafts.

    Not the shared `world` of conftest.py: these filters are checked on the demo's own
    records (its race, its event, its people's parties), which that one does not have."""
    ossoff, perdue, patel = (
        Person.objects.get(slug=slug) for slug in ("jon-ossoff", "david-perdue", "bhavin-patel")
    )
    democrats = Organization.objects.get(slug="democratic-party")
    republicans = Organization.objects.get(slug="republican-party")
    immigration = Topic.objects.get(slug="immigration")
    program = Topic.objects.get(slug="287g-program")
    economy = TopicFactory(slug="economy", name="Economy")
    debate = EventFactory(slug="senate-debate", date=datetime.date(2020, 10, 28), kind="debate")
    town_hall = Event.objects.get(slug=demo.EVENT["slug"])
    StatementFactory(
        speaker=perdue, speaker_party=republicans, event=debate, topics=[immigration],
        kind="direct", said_on=datetime.date(2020, 10, 28), text="Secure the border now.",
    )  # fmt: skip
    StatementFactory(
        speaker=ossoff, speaker_party=democrats, event=debate, topics=[economy],
        kind="paraphrase", said_on=datetime.date(2020, 10, 28), text="jobs come first",
    )  # fmt: skip
    StatementFactory(
        speaker=patel, event=town_hall, kind="direct", said_on=datetime.date(2020, 5, 31),
        text="We asked about immigration.",
    )  # fmt: skip
    perdue_statement = Statement.objects.get(text="Secure the border now.")
    ReactionFactory(statement=perdue_statement, state="draft")
    for state in ("draft", "review", "withdrawn"):
        StatementFactory(speaker=ossoff, topics=[program], state=state, text=f"A {state} one.")


FILTER_QUERIES = [
    "",
    "speaker=jon-ossoff",
    "speaker=jon-ossoff&speaker=david-perdue",
    "speaker=bhavin-patel",
    "topic=immigration",  # the parent: all of its narrower topics too
    "topic=public-safety",
    "topic=287g-program",
    "topic=287g-program&topic=economy",
    "party=democratic-party",
    "party=republican-party&party=democratic-party",
    "race=2020-georgia-us-senate-democratic-primary",
    "event=senate-debate",
    "event=senate-debate&event=" + demo.EVENT["slug"],
    "kind=partial",
    "kind=partial&kind=paraphrase",
    "said_after=2020-05-31",
    "said_before=2020-05-30",
    "said_after=2020-05-31&said_before=2020-05-31",
    "has_reactions=true",
    "has_reactions=false",
    "speaker=jon-ossoff&topic=immigration&kind=direct",
    "topic=immigration&event=senate-debate&said_after=2020-10-01",
    "speaker=jon-ossoff&kind=direct&has_reactions=true",
    "ordering=said_on",
    "ordering=-said_on",
    "ordering=said_on&topic=immigration",
    "q=border",
    "q=border&ordering=said_on",
    "q=%22local+law+enforcement%22",
    "q=misguided+or+jobs",
    "q=immigration+-federal",
    "q=border&speaker=jon-ossoff",
    "q=border&kind=direct",
    "q=border&topic=immigration",
]


@pytest.mark.parametrize("query", FILTER_QUERIES)
def test_api_lists_what_the_page_lists(client, world, query):
    page = html_ids(client, query)
    assert api_ids(client, query) == page
    if query.startswith("speaker=jon-ossoff&kind=direct&has"):
        assert len(page) == 1
    elif query in ("", "ordering=said_on"):
        assert len(page) == 10


def test_filters_are_not_empty_by_accident(client, world):
    assert len(api_ids(client, "topic=immigration")) == 8
    assert len(api_ids(client, "q=border")) >= 2
    newest = Statement.objects.published().order_by("-said_on", "id")
    assert api_ids(client, "") == list(newest.values_list("pk", flat=True)[:20])
    oldest = Statement.objects.published().order_by("said_on", "id")
    assert api_ids(client, "ordering=said_on") == list(oldest.values_list("pk", flat=True)[:20])


# --------------------------------------------------------------------------- drafts


def test_drafts_do_not_exist_for_callers(client, demo_data):
    ossoff = Person.objects.get(slug="jon-ossoff")
    published = statement_with_text(S3)
    for state in ("draft", "review", "withdrawn"):
        hidden = StatementFactory(speaker=ossoff, state=state, text=f"Hidden {state}.")
        get(client, f"{API}/statements/{hidden.pk}/", status=404)
        assert hidden.pk not in api_ids(client, "page_size=100")

    # Nested records that are not published are left out of a published statement...
    draft_topic = TopicFactory(slug="draft-topic", state="draft")
    StatementTopic.objects.create(statement=published, topic=draft_topic)
    draft_source = SourceFactory(state="draft")
    StatementSource.objects.create(statement=published, source=draft_source)
    draft_reaction = ReactionFactory(statement=published, state="draft", text="Not yet.")
    by_draft_person = ReactionFactory(
        statement=published, respondent=PersonFactory(state="draft"), text="Who?"
    )
    from_draft_source = ReactionFactory(
        statement=published, source=SourceFactory(state="draft"), text="Where?"
    )
    draft_position = Position.objects.create(
        person=ossoff,
        topic=Topic.objects.get(slug="287g-program"),
        summary="Not yet published",
        as_of=datetime.date(2020, 6, 2),
    )
    draft_position.statements.add(published)
    CommentRequest.objects.create(
        statement=published,
        asked_person=PersonFactory(state="draft"),
        requested_by=Organization.objects.get(slug="washington-free-beacon"),
        subject="a hidden person",
        source=Source.objects.get(title=demo.ARTICLE_TITLE),
    )
    body = get(client, f"{API}/statements/{published.pk}/")
    assert [t["slug"] for t in body["topics"]] == ["287g-program"]
    assert [s["title"] for s in body["sources"]] == [demo.ARTICLE_TITLE]
    assert [r["respondent"]["slug"] for r in body["reactions"]] == ["ira-mehlman"]
    assert [p["summary"] for p in body["positions"]] == ["Calls the 287(g) program misguided"]
    assert body["comment_requests"] == []
    listed = get(client, f"{API}/statements/", page_size=100)["results"]
    assert next(r for r in listed if r["id"] == published.pk) == body
    assert "Not yet" not in json.dumps(listed)

    # ...and have no address of their own.
    for reaction in (draft_reaction, by_draft_person, from_draft_source):
        get(client, f"{API}/reactions/{reaction.pk}/", status=404)
    assert len(get(client, f"{API}/reactions/")["results"]) == 2
    get(client, f"{API}/topics/draft-topic/", status=404)
    get(client, f"{API}/sources/{draft_source.pk}/", status=404)
    assert "draft-topic" not in json.dumps(get(client, f"{API}/topics/"))


def test_unpublished_references_read_null(client, demo_data):
    statement = statement_with_text(S3)
    Organization.objects.filter(slug="democratic-party").update(state="draft")
    Event.objects.filter(slug=demo.EVENT["slug"]).update(state="draft")
    Topic.objects.filter(slug="immigration").update(state="draft")
    Organization.objects.filter(slug="federation-for-american-immigration-reform").update(
        state="withdrawn"
    )
    body = get(client, f"{API}/statements/{statement.pk}/")
    assert body["speaker_party"] is None
    assert body["event"] is None
    assert body["topics"][0]["parent"] is None
    assert body["reactions"][0]["respondent_organization"] is None
    assert "Democratic Party" not in json.dumps(body)
    get(client, f"{API}/events/{demo.EVENT['slug']}/", status=404)
    get(client, f"{API}/organizations/democratic-party/", status=404)
    ossoff = get(client, f"{API}/people/jon-ossoff/")
    assert [a["organization"]["slug"] for a in ossoff["affiliations"]] == ["ossoff-campaign"]
    assert get(client, f"{API}/topics/287g-program/")["parent"] is None
    assert "immigration" not in [c["slug"] for c in get(client, f"{API}/topics/")["results"]]


def test_a_draft_speaker_hides_their_statements(client, demo_data):
    hidden = PersonFactory(slug="hidden-speaker", state="draft")
    statement = StatementFactory(speaker=hidden, text="Said by someone not yet published.")
    get(client, f"{API}/statements/{statement.pk}/", status=404)
    assert statement.pk not in api_ids(client, "page_size=100")
    get(client, f"{API}/people/hidden-speaker/", status=404)
    assert get(client, f"{API}/statements/", speaker="hidden-speaker", status=400)["speaker"]


def test_a_statement_names_its_own_race(client, demo_data):
    primary = "2020-georgia-us-senate-democratic-primary"
    results = get(client, f"{API}/statements/", speaker="jon-ossoff")["results"]
    assert {row["race"] for row in results} == {primary}
    in_primary = get(client, f"{API}/statements/", race=primary)["results"]
    assert {row["id"] for row in in_primary} == {row["id"] for row in results}
    assert get(client, f"{API}/statements/", race="2020-georgia-us-senate-general")["results"] == []


def test_a_statements_race_reads_null_until_the_race_is_published(client, demo_data):
    perdue = Person.objects.get(slug="david-perdue")
    in_general = Candidacy.objects.get(person=perdue)
    said = StatementFactory(speaker=perdue, candidacy=in_general, text="Said in the general.")
    in_draft = Candidacy.objects.create(person=perdue, race=RaceFactory(state="draft"))
    unraced = StatementFactory(speaker=perdue, candidacy=in_draft, text="Said in a draft race.")
    nothing = StatementFactory(speaker=perdue, text="Said in no race.")

    assert get(client, f"{API}/statements/{said.pk}/")["race"] == "2020-georgia-us-senate-general"
    assert get(client, f"{API}/statements/{unraced.pk}/")["race"] is None
    assert get(client, f"{API}/statements/{nothing.pk}/")["race"] is None


def test_draft_races_and_elections_are_hidden(client, demo_data):
    draft_race = RaceFactory(slug="draft-race", state="draft")
    hidden_election = ElectionFactory(state="draft")
    in_draft_election = RaceFactory(slug="in-draft-election", election=hidden_election)
    Candidacy.objects.create(person=Person.objects.get(slug="jon-ossoff"), race=draft_race)
    Candidacy.objects.create(
        person=PersonFactory(slug="hidden-candidate", state="draft"),
        race=Race.objects.get(slug="2020-georgia-us-senate-general"),
    )
    get(client, f"{API}/races/draft-race/", status=404)
    get(client, f"{API}/races/{in_draft_election.slug}/", status=404)
    assert len(get(client, f"{API}/races/")["results"]) == 2
    general = get(client, f"{API}/races/2020-georgia-us-senate-general/")
    assert [c["person"]["slug"] for c in general["candidates"]] == ["david-perdue"]
    ossoff = get(client, f"{API}/people/jon-ossoff/")
    assert [c["race"]["slug"] for c in ossoff["candidacies"]] == [
        "2020-georgia-us-senate-democratic-primary"
    ]


# --------------------------------------------------------------------------- bad parameters


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("said_after=yesterday", "said_after", "Enter a valid date."),
        ("said_before=2020-13-45", "said_before", "Enter a valid date."),
        ("speaker=no-such-person", "speaker", "no-such-person is not one of the available"),
        ("speaker=jon-ossoff&speaker=nobody", "speaker", "nobody"),
        ("topic=nope", "topic", "Select a valid choice"),
        ("party=washington-free-beacon", "party", "Select a valid choice"),  # not a party
        ("race=x", "race", "Select a valid choice"),
        ("event=x", "event", "Select a valid choice"),
        ("kind=rumour", "kind", "rumour is not one of the available choices"),
        ("kind=", "kind", "is not one of the available choices"),
        ("speaker=", "speaker", "is not one of the available choices"),
        ("has_reactions=maybe", "has_reactions", ("maybe", 'Enter "true" or "false".')),
        ("ordering=sideways", "ordering", "Select a valid choice"),
        ("q=" + "x" * 10_000, "q", "at most 500 characters"),
        ("cursor=garbage", "cursor", "cursor is damaged"),
        ("cursor=%00", "cursor", "cursor is damaged"),
        ("page_size=0", "page_size", "between 1 and 100"),
        ("page_size=101", "page_size", "between 1 and 100"),
        ("page_size=ten", "page_size", "whole number"),
    ],
)
def test_bad_parameters_are_400s_naming_the_parameter(client, demo_data, query, parameter, message):
    response = client.get(f"{API}/statements/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert parameter in body, body
    alternatives = message if isinstance(message, tuple) else (message,)
    assert any(m in text for text in body[parameter] for m in alternatives), body


def test_several_bad_parameters_are_all_named(client, demo_data):
    body = get(client, f"{API}/statements/", status=400, said_after="x", kind="rumour")
    assert set(body) == {"said_after", "kind"}
    assert body["said_after"] == ["Enter a valid date."]


def cursor(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        cursor([1, 2]),
        cursor({"s": "-said_on,-id", "k": ["2020-05-30"]}),
        cursor({"s": "-said_on,-id", "k": ["not a date", 1]}),
        cursor({"s": "-said_on,-id", "k": ["2020-05-30", "x"]}),
        cursor({"s": "-said_on,-id", "k": ["2020-05-30", 2**70]}),
        cursor({"s": "-said_on,-id", "k": ["2020-05-30", True]}),
        cursor({"s": "-said_on,-id", "k": [None, 1]}),
        cursor({"s": "-said_on,-id", "k": ["2020-05-30", 1], "b": "yes"}),
        cursor({"s": "said_on,id", "k": ["2020-05-30", 1]}),  # another ordering's cursor
        cursor({"s": "-said_on,-id", "k": ["2020-05-30", 1], "x": 1}),
        cursor({"o": 20}),  # a relevance cursor without a search
        "%%%",
        "x" * 5000,
    ],
)
def test_damaged_cursors_are_400s(client, demo_data, token):
    body = get(client, f"{API}/statements/", status=400, cursor=token)
    assert list(body) == ["cursor"]


def test_damaged_cursors_on_other_lists(client, demo_data):
    for resource in ("people", "topics", "events", "races", "reactions", "organizations"):
        body = get(client, f"{API}/{resource}/", status=400, cursor="garbage")
        assert list(body) == ["cursor"]
    body = get(client, f"{API}/people/", status=400, cursor=cursor({"s": "sort_name,id", "k": [1]}))
    assert list(body) == ["cursor"]
    body = get(client, f"{API}/statements/", status=400, q="border", cursor=cursor({"o": -1}))
    assert list(body) == ["cursor"]
    body = get(client, f"{API}/people/", status=400, q="x" * 300)
    assert list(body) == ["q"]


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=abc%00def", "q=%22unpaired", "q=-", "q=or", "q=the", "q=%28%29%2A",
     "has_reactions=", "said_after=", "ordering=relevance",
     "q=border&ordering=relevance", "unknown=ignored", "page=2"],
)  # fmt: skip
def test_odd_but_harmless_parameters_are_fine(client, demo_data, query):
    assert client.get(f"{API}/statements/?{query}").status_code == 200


# --------------------------------------------------------------------------- paging


def make_statements(count: int):
    speaker = PersonFactory()
    start = datetime.date(2020, 1, 1)
    return [
        StatementFactory(speaker=speaker, said_on=start + datetime.timedelta(days=i // 3))
        for i in range(count)  # three a day: ties broken by id
    ]


def walk(client, url, rel):
    seen, pages = [], 0
    while url:
        body = get(client, url)
        seen.append([row.get("id", row.get("slug")) for row in body["results"]])
        url = body[rel]
        pages += 1
        assert pages < 30
    return seen


def test_cursor_pages_cover_everything_once_in_order(client):
    statements = make_statements(45)
    newest_first = [s.pk for s in sorted(statements, key=lambda s: (-s.said_on.toordinal(), s.pk))]
    oldest_first = [s.pk for s in sorted(statements, key=lambda s: (s.said_on, s.pk))]

    pages = walk(client, f"{API}/statements/?page_size=20", "next")
    assert [len(page) for page in pages] == [20, 20, 5]
    assert sum(pages, []) == newest_first

    last = get(client, f"{API}/statements/?page_size=20")
    while last["next"]:
        last = get(client, last["next"])
    back = walk(client, last["previous"], "previous")
    assert back == pages[:2][::-1]

    oldest = walk(client, f"{API}/statements/?ordering=said_on&page_size=7", "next")
    assert sum(oldest, []) == oldest_first
    assert all(len(page) == 7 for page in oldest[:-1])

    filtered = walk(client, f"{API}/statements/?page_size=4&said_before=2020-01-05", "next")
    assert sum(filtered, []) == [pk for pk in newest_first if pk in set(oldest_first[:15])]


def test_next_links_keep_the_filters(client):
    make_statements(12)
    body = get(client, f"{API}/statements/", page_size=5, kind="direct", ordering="said_on")
    assert "kind=direct" in body["next"] and "ordering=said_on" in body["next"]
    assert "page_size=5" in body["next"]


def test_relevance_pages_through_the_ranked_list(client, demo_data):
    for n in range(25):
        StatementFactory(text=f"Border security matters, number {n}.")
    matches = len(api_ids(client, "q=border&ordering=said_on&page_size=100"))
    assert matches > 25  # the 25 above and the article's remarks on border control
    ranked = walk(client, f"{API}/statements/?q=border&page_size=10", "next")
    flat = sum(ranked, [])
    assert [len(page) for page in ranked] == [10, 10, matches - 20]
    assert len(set(flat)) == matches
    assert flat[:20] == html_ids(client, "q=border")
    by_date = sum(walk(client, f"{API}/statements/?q=border&ordering=-said_on", "next"), [])
    assert set(by_date) == set(flat)


def test_other_lists_page_too(client):
    for n in range(25):
        PersonFactory(name=f"Person {n:02d}", sort_name=f"Person {n:02d}")
    pages = walk(client, f"{API}/people/?page_size=10", "next")
    assert [len(page) for page in pages] == [10, 10, 5]
    names = [
        p["sort_name"]
        for url in [f"{API}/people/?page_size=100"]
        for p in get(client, url)["results"]
    ]
    assert names == sorted(names)


# --------------------------------------------------------------------------- query counts


def populate(count: int):
    """Enough of everything that a page of 30 is full, with every nested list filled."""
    parent = TopicFactory(slug="parent-topic")
    party = PartyFactory(slug="the-party")
    outlet = OrganizationFactory(slug="the-outlet", kind="news")
    election = ElectionFactory()
    for n in range(count):
        speaker = PersonFactory()
        topic = TopicFactory(parent=parent)
        statement = StatementFactory(
            speaker=speaker,
            speaker_party=party,
            topics=[topic, parent],
            said_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n % 7),
        )
        ReactionFactory(statement=statement, respondent_organization=OrganizationFactory())
        CommentRequest.objects.create(
            statement=statement,
            asked_person=speaker,
            requested_by=outlet,
            subject="the remark",
            source=statement.sources.get(),
        )
        position = Position.objects.create(
            person=speaker, topic=topic, summary=f"Position {n}", as_of=statement.said_on,
            state="published",
        )  # fmt: skip
        position.statements.add(statement)
        Affiliation.objects.create(person=speaker, organization=party, role="member")
        race = RaceFactory(election=election, party=party)
        Candidacy.objects.create(person=speaker, race=race, party=party)
        statement.event.hosts.add(outlet)


LISTS = [
    "statements/",
    "statements/?topic=parent-topic&has_reactions=true",
    "statements/?topic=parent-topic&party=the-party&kind=direct&kind=partial",
    "statements/?speaker=SPEAKER&speaker=SPEAKER2&party=the-party&kind=direct",
    "statements/?ordering=said_on&said_after=2020-01-01",
    "statements/?q=statement",
    "statements/?q=statement&ordering=said_on",
    "people/",
    "people/?q=person",
    "topics/",
    "events/",
    "races/",
    "reactions/",
    "organizations/",
    "sources/",
]


@pytest.mark.parametrize("path", LISTS)
def test_query_count_does_not_grow_with_the_page(client, path):
    populate(32)
    speakers = [s.speaker.slug for s in Statement.objects.order_by("id")[:2]]
    path = path.replace("SPEAKER2", speakers[1]).replace("SPEAKER", speakers[0])
    joiner = "&" if "?" in path else "?"

    def count(size):
        url = f"{API}/{path}{joiner}page_size={size}"
        with CaptureQueriesContext(connection) as queries:
            body = get(client, url)
        return len(queries), len(body["results"])

    sizes = (1, 2) if "speaker=" in path else (3, 30)  # two speakers: two statements
    count(7)  # reads what is cached per content generation (the published topics)
    small, small_rows = count(sizes[0])
    large, large_rows = count(sizes[1])
    print(f"/api/v1/{path}: {small} queries for {small_rows} rows, {large} for {large_rows}")
    assert (small_rows, large_rows) == sizes
    assert small == large
    # And a page reached through a cursor costs the same as the first.
    first = get(client, f"{API}/{path}{joiner}page_size={sizes[0]}")
    with CaptureQueriesContext(connection) as queries:
        get(client, first["next"])
    assert len(queries) == small


def test_detail_query_counts_are_fixed(client):
    populate(3)
    statement = Statement.objects.first()
    with CaptureQueriesContext(connection) as queries:
        get(client, f"{API}/statements/{statement.pk}/")
    assert len(queries) <= 6
    with CaptureQueriesContext(connection) as queries:
        get(client, f"{API}/popolo.json")
    assert len(queries) == 5


# --------------------------------------------------------------------------- read-only


WRITE_TARGETS = [
    "statements/",
    "statements/{statement}/",
    "people/",
    "people/jon-ossoff/",
    "topics/immigration/",
    "events/{event}/",
    "races/2020-georgia-us-senate-general/",
    "reactions/{reaction}/",
    "organizations/democratic-party/",
    "sources/{source}/",
    "popolo.json",
]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused(client, admin_client, demo_data, method):
    statement = statement_with_text(S3)
    ids = {
        "statement": statement.pk,
        "event": demo.EVENT["slug"],
        "reaction": Reaction.objects.first().pk,
        "source": Source.objects.get().pk,
    }
    before = Statement.objects.get(pk=statement.pk).text
    for target in WRITE_TARGETS:
        url = f"{API}/{target.format(**ids)}"
        for caller in (client, admin_client):
            response = getattr(caller, method)(
                url, data={"text": "Rewritten", "kind": "direct"}, content_type="application/json"
            )
            assert response.status_code in (403, 405), (method, url, response.status_code)
        assert client.generic(method.upper(), url).status_code == 405
    assert Statement.objects.get(pk=statement.pk).text == before
    assert Statement.objects.count() == len(demo.STATEMENTS)
