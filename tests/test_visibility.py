"""Who may see what, through every public output at once.

The rule is defined once, on the models (statements.models.base.PublicRule): a record is
public when it is published and every record its ``public_requires`` names is public
too (a source's outlet among them); an optional relation (a statement's party or event,
a reaction's organization, a race's or a candidacy's party) is shown only when it is
published.

Here a small world is built, ONE record is put into a state other than published, and
each output (pages, API, feeds, exports, sitemap, Popolo) is read back. Every output must
show exactly what this module's own reading of the rule allows: the hidden record and
everything that requires it absent, everything else present. As every output is compared
with the same expectation, they all show the same set. The hidden record's name (or
words) must also appear nowhere in what the output sends.

Each output reports one or more *aspects*: sets of comparable facts, e.g. "statements"
(ids), "statement-topics" ((statement id, topic slug) pairs) or "reaction-counts"
((statement id, count) pairs, where an export gives counts rather than reactions).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable

import pytest
from django.apps import apps
from django.core.cache import cache

from statements.models import (
    Affiliation,
    Candidacy,
    CommentRequest,
    Election,
    Event,
    Organization,
    Person,
    Position,
    PublicationState,
    PublicRule,
    Race,
    Reaction,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)

from .factories import (
    CandidacyFactory,
    ElectionFactory,
    EventFactory,
    OrganizationFactory,
    OutletFactory,
    PartyFactory,
    PersonFactory,
    RaceFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

PUBLISHED = PublicationState.PUBLISHED
HIDDEN_STATES = [PublicationState.DRAFT, PublicationState.REVIEW, PublicationState.WITHDRAWN]

# --------------------------------------------------------------------------- the rule

# This test's own statement of the rule: what each kind of record needs to be public.
REQUIRES: dict[str, tuple[str, ...]] = {
    "Statement": ("speaker",),
    "Reaction": ("statement", "respondent", "source", "response_statement"),
    "CommentRequest": (
        "statement",
        "source",
        "requested_by",
        "asked_person",
        "asked_organization",
    ),
    "Position": ("person", "topic"),
    "Race": ("election",),
    "Candidacy": ("person", "race"),
    "Affiliation": ("person", "organization"),
    "StatementTopic": ("statement", "topic"),
    "StatementSource": ("statement", "source"),
    "Source": ("outlet",),
}


def is_public(record) -> bool:
    """Published (if it has a state) and everything it requires public; an unset nullable
    requirement (a comment request's asked_person, say) does not count against it."""
    if record is None:
        return True
    if getattr(record, "state", PUBLISHED) != PUBLISHED:
        return False
    if isinstance(record, Reaction) and (record.respondent_id is None or record.rating):
        # An organization's own reaction (a finding): the organization must be public.
        if not is_public(record.respondent_organization):
            return False
    return all(is_public(getattr(record, name)) for name in REQUIRES.get(type(record).__name__, ()))


def shown(record) -> bool:
    """Whether an optional relation may be shown."""
    return record is not None and record.state == PUBLISHED


def test_the_rule_here_is_the_rule_on_the_models():
    models = [
        m for m in apps.get_app_config("statements").get_models() if issubclass(m, PublicRule)
    ]
    assert {m.__name__ for m in models} >= set(REQUIRES)
    for model in models:
        assert set(model.public_requires) == set(REQUIRES.get(model.__name__, ())), model


def truth() -> dict[str, set]:
    """Every aspect, as the rule says it should be shown, read fresh from the database."""

    def public(queryset):
        return [record for record in queryset if is_public(record)]

    statements = public(Statement.objects.select_related("speaker", "speaker_party", "event"))
    reactions = public(
        Reaction.objects.select_related(
            "statement__speaker",
            "respondent",
            "respondent_organization",
            "source__outlet",
            "response_statement__speaker",
        )
    )
    requests = public(
        CommentRequest.objects.select_related(
            "statement__speaker", "source", "requested_by", "asked_person", "asked_organization"
        )
    )
    positions = public(
        Position.objects.select_related("person", "topic").prefetch_related("statements__speaker")
    )
    topic_links = public(
        StatementTopic.objects.select_related("statement__speaker", "topic__parent")
    )
    source_links = public(
        StatementSource.objects.select_related("statement__speaker", "source__outlet")
    )
    races = public(Race.objects.select_related("election", "party"))
    candidacies = public(Candidacy.objects.select_related("person", "race__election", "party"))
    affiliations = public(Affiliation.objects.select_related("person", "organization"))
    people = public(Person.objects.all())
    topics = public(Topic.objects.all())
    sources = public(Source.objects.select_related("outlet"))
    events = public(Event.objects.prefetch_related("hosts"))
    counts = Counter(r.statement_id for r in reactions)
    given = [r for r in reactions if r.respondent_id and r.response_statement_id is None]

    # A topic covers itself and its narrower topics, walking through public ones only: a
    # public topic under a hidden one stands on its own.
    public_ids = {t.pk for t in topics}
    children = defaultdict(list)
    for t in topics:
        children[t.parent_id if t.parent_id in public_ids else None].append(t.pk)

    def within(topic) -> set[int]:
        found, stack = set(), [topic.pk]
        while stack:
            found.add(pk := stack.pop())
            stack.extend(children[pk])
        return found

    covered = {t.slug: within(t) for t in topics}
    topic_statements = {
        (slug, link.statement_id)
        for slug, ids in covered.items()
        for link in topic_links
        if link.topic_id in ids
    }
    return {
        "statements": {s.pk for s in statements},
        "statement-topics": {(link.statement_id, link.topic.slug) for link in topic_links},
        "statement-sources": {(link.statement_id, link.source.url) for link in source_links},
        "statement-outlets": {
            (link.statement_id, link.source.outlet.name)
            for link in source_links
            if shown(link.source.outlet)
        },
        "statement-parties": {
            (s.pk, s.speaker_party.name) for s in statements if shown(s.speaker_party)
        },
        "statement-events": {(s.pk, s.event.slug) for s in statements if shown(s.event)},
        "reactions": {r.pk for r in reactions},
        # A person's page lists their reactions to others: not a retort, which is one of
        # their statements there (counted once), nor an outlet's finding (no person's).
        "given-reactions": {r.pk for r in given},
        "given-respondent-orgs": {
            (r.pk, r.respondent_organization.name)
            for r in given
            if shown(r.respondent_organization)
        },
        "given-reaction-outlets": {
            (r.pk, r.source.outlet.name) for r in given if shown(r.source.outlet)
        },
        "findings": {(r.statement_id, r.rating) for r in reactions if r.rating},
        "retorts": {
            (r.response_statement_id, r.statement_id) for r in reactions if r.response_statement_id
        },
        "reaction-counts": set(counts.items()),
        "respondent-orgs": {
            (r.pk, r.respondent_organization.name)
            for r in reactions
            if shown(r.respondent_organization)
        },
        "reaction-outlets": {
            (r.pk, r.source.outlet.name) for r in reactions if shown(r.source.outlet)
        },
        "comment-requests": {(r.statement_id, r.subject) for r in requests},
        "positions": {
            (s.pk, p.summary) for p in positions for s in p.statements.all() if is_public(s)
        },
        "person-positions": {(p.person.slug, p.summary) for p in positions},
        "topic-positions": {
            (slug, p.summary)
            for slug, ids in covered.items()
            for p in positions
            if p.topic_id in ids
        },
        "race-positions": {
            (c.race.slug, p.summary)
            for c in candidacies
            for p in positions
            if p.person_id == c.person_id
        },
        "people": {p.slug for p in people},
        "person-counts": {
            (
                p.slug,
                sum(s.speaker_id == p.pk for s in statements),
                # A retort is counted once: as its speaker's statement, not as a reaction.
                sum(r.respondent_id == p.pk and r.response_statement_id is None for r in reactions),
            )
            for p in people
        },
        "topics": {t.slug for t in topics},
        "topic-parents": {(t.slug, t.parent.slug) for t in topics if t.parent_id in public_ids},
        "statement-topic-parents": {
            (link.topic.slug, link.topic.parent.slug)
            for link in topic_links
            if link.topic.parent_id in public_ids
        },
        "topic-statements": topic_statements,
        "topic-counts": {
            (slug, sum(1 for covering, _ in topic_statements if covering == slug))
            for slug in covered
        },
        "events": {e.slug for e in events},
        "event-hosts": {(e.slug, h.name) for e in events for h in e.hosts.all() if shown(h)},
        "races": {r.slug for r in races},
        "races-in-progress": {
            c.race.slug for c in candidacies if c.result == Candidacy.Result.PENDING
        },
        "elections": {r.election.name for r in races},
        "race-parties": {(r.slug, r.party.name) for r in races if shown(r.party)},
        "candidacies": {(c.person.slug, c.race.slug) for c in candidacies},
        "candidacy-parties": {
            (c.person.slug, c.race.slug, c.party.name) for c in candidacies if shown(c.party)
        },
        "affiliations": {(a.person.slug, a.organization.name) for a in affiliations},
        "organizations": {o.slug for o in public(Organization.objects.all())},
        "sources": {s.url for s in sources},
        "source-outlets": {(s.url, s.outlet.name) for s in sources if shown(s.outlet)},
    }


# --------------------------------------------------------------------------- the world

DAY = datetime.date(2020, 5, 30)


@pytest.fixture
def world(settings) -> dict:
    """A small world, everything published. Names are distinctive so that finding one in a
    page means it is shown there. Returns key -> record for the records a case may hide."""
    # No public output reads the editorial history, and writing it is most of the cost.
    settings.SIMPLE_HISTORY_ENABLED = False
    cache.clear()  # the topic tree's statement counts are cached
    heron = PartyFactory(name="Heron Party", slug="org-heron")
    osprey = PartyFactory(name="Osprey Party", slug="org-osprey")
    lantern = OutletFactory(name="Lantern Courier", slug="org-lantern")
    beacon = OutletFactory(name="Beacon Ledger", slug="org-beacon")
    tidewater = OutletFactory(name="Tidewater Newsroom", slug="org-tidewater")
    gazette = OutletFactory(name="Gazette of Findings", slug="org-gazette")
    granite = OrganizationFactory(
        name="Granite Alliance", slug="org-granite", kind=Organization.Kind.ADVOCACY
    )
    juniper = OrganizationFactory(
        name="Juniper Campaign", slug="org-juniper", kind=Organization.Kind.CAMPAIGN
    )

    ada = PersonFactory(name="Ada Fairweather", sort_name="Fairweather, Ada", slug="p-ada")
    boris = PersonFactory(name="Boris Kestrel", sort_name="Kestrel, Boris", slug="p-boris")
    clara = PersonFactory(name="Clara Wren", sort_name="Wren, Clara", slug="p-clara")
    dmitri = PersonFactory(name="Dmitri Sable", sort_name="Sable, Dmitri", slug="p-dmitri")

    coast = TopicFactory(name="Coastal Affairs", slug="t-coast")
    estuary = TopicFactory(name="Estuary Zoning", slug="t-estuary", parent=coast)
    dredging = TopicFactory(name="Dredging Permits", slug="t-dredging", parent=estuary)
    orchard = TopicFactory(name="Orchard Tariffs", slug="t-orchard")
    ferncliff = EventFactory(name="Ferncliff Town Hall", slug="e-ferncliff", date=DAY)
    ferncliff.hosts.set([juniper])
    pinecrest = EventFactory(
        name="Pinecrest Debate", slug="e-pinecrest", kind=Event.Kind.DEBATE, date=DAY
    )

    saltmarsh = SourceFactory(
        outlet=lantern, title="Saltmarsh Report", url="https://news.example.org/saltmarsh"
    )
    driftwood = SourceFactory(
        outlet=beacon, title="Driftwood Report", url="https://news.example.org/driftwood"
    )
    cobblestone = SourceFactory(
        outlet=lantern, title="Cobblestone Report", url="https://news.example.org/cobblestone"
    )

    s1 = StatementFactory(
        speaker=ada,
        speaker_party=heron,
        event=ferncliff,
        said_on=DAY,
        text="Dredge the channel before the spring tides.",
        sources=[saltmarsh],
        topics=[estuary],
    )
    StatementFactory(
        speaker=ada,
        speaker_party=heron,
        event=pinecrest,
        said_on=DAY - datetime.timedelta(days=1),
        text="Cider farmers deserve relief.",
        sources=[driftwood],
        topics=[orchard],
    )
    s3 = StatementFactory(
        speaker=boris,
        speaker_party=osprey,
        event=ferncliff,
        said_on=DAY - datetime.timedelta(days=2),
        text="Neither marina nor levee gets funded.",
        sources=[saltmarsh, driftwood],
        topics=[estuary, orchard],
    )
    StatementFactory(
        speaker=boris,
        speaker_party=None,
        event=None,
        said_on=DAY - datetime.timedelta(days=3),
        text="Lighthouse keepers keep their pensions.",
        sources=[cobblestone],
        topics=[dredging],
    )
    StatementFactory(
        speaker=ada,
        speaker_party=None,
        event=None,
        said_on=DAY - datetime.timedelta(days=4),
        text="Polls open at seven.",
        sources=[],
    )

    r1 = ReactionFactory(
        statement=s1,
        respondent=clara,
        respondent_role="director",
        respondent_organization=granite,
        text="Dredging would wreck the mudflats.",
        channel="",
        source=saltmarsh,
    )
    ReactionFactory(
        statement=s3,
        respondent=ada,
        respondent_role="",
        respondent_organization=None,
        stance=Reaction.Stance.AGREES,
        text="Funding the marina was never sensible.",
        channel="by email",
        source=driftwood,
    )
    # An outlet's own finding on a claim, by no person; and a retort: Boris's statement
    # that is also his reaction to Ada's, recorded once.
    finding = ReactionFactory(
        statement=s3,
        respondent=None,
        respondent_role="",
        respondent_organization=gazette,
        rating="false",
        kind="paraphrase",
        text="wrongly claiming the levee had no funding",
        source=driftwood,
    )
    retort = StatementFactory(
        speaker=boris,
        speaker_party=osprey,
        event=ferncliff,
        said_on=DAY,
        text="That dredging timetable is pure fantasy.",
        sources=[saltmarsh],
        topics=[estuary],
    )
    ReactionFactory(
        statement=s1,
        respondent=boris,
        respondent_role="",
        stance=Reaction.Stance.DISAGREES,
        text="",
        response_statement=retort,
        source=saltmarsh,
    )
    CommentRequest.objects.create(
        statement=s1,
        asked_organization=juniper,
        requested_by=tidewater,
        subject="her dredging timetable",
        source=saltmarsh,
    )
    CommentRequest.objects.create(
        statement=s3,
        asked_person=dmitri,
        requested_by=beacon,
        subject="the levee budget",
        source=driftwood,
    )

    p1 = Position.objects.create(
        person=ada,
        topic=estuary,
        summary="Wants the channel dredged",
        as_of=DAY,
        state=PUBLISHED,
    )
    p1.statements.set([s1])
    p2 = Position.objects.create(
        person=boris,
        topic=orchard,
        summary="Refuses new farm subsidies",
        as_of=DAY,
        state=PUBLISHED,
    )
    p2.statements.set([s3])

    Affiliation.objects.create(person=ada, organization=heron, role="member")
    Affiliation.objects.create(person=boris, organization=osprey, role="member")
    Affiliation.objects.create(person=clara, organization=granite, role="director")

    coastal = ElectionFactory(name="Coastal Senate Election 2020", slug="el-coastal")
    highland = ElectionFactory(name="Highland Assembly Election 2020", slug="el-highland")
    seaboard = RaceFactory(
        election=coastal, name="Seaboard general", slug="r-seaboard", stage=Race.Stage.GENERAL
    )
    upland = RaceFactory(election=highland, name="Upland primary", slug="r-upland", party=heron)
    CandidacyFactory(person=ada, race=seaboard, party=heron)
    CandidacyFactory(person=boris, race=seaboard, party=osprey)
    CandidacyFactory(person=ada, race=upland, party=heron)

    return {
        "statement": s1,
        "speaker": boris,
        "respondent": clara,
        "asked-person": dmitri,
        "reaction": r1,
        "source": saltmarsh,
        "topic": estuary,
        "broader-topic": coast,
        "position": p1,
        "event": ferncliff,
        "race": seaboard,
        "election": highland,
        "outlet": lantern,
        "respondent-org": granite,
        "requester": tidewater,
        "asked-org": juniper,
        "party": heron,
        "finding": finding,
        "finding-outlet": gazette,
        "retort": retort,
    }


# The records a case may hide (keys of the world fixture), and what each is. Once hidden,
# its label() must appear nowhere.
TARGETS = {
    "statement": "a statement",
    "speaker": "a speaker, with a position, candidacies and a party affiliation",
    "respondent": "a person who reacted, with an affiliation",
    "asked-person": "a person asked for comment",
    "reaction": "a reaction",
    "source": "a source of statements, a reaction and a comment request",
    "topic": "a topic of statements and of a position, between a broader and a narrower one",
    "broader-topic": "a topic with only narrower topics",
    "position": "a position",
    "event": "an event (optional on a statement)",
    "race": "a race with candidacies",
    "election": "an election with a race",
    "outlet": "a news outlet of sources (optional on a source)",
    "respondent-org": "a reaction's organization (optional), with an affiliation",
    "requester": "the organization that asked for comment",
    "asked-org": "the organization asked for comment, and an event's host (optional)",
    "party": "a party: statements' (optional), an affiliation, candidacies', a race's",
    "finding": "an outlet's finding (a rated reaction by no person)",
    "finding-outlet": "the outlet whose own finding it is (required then)",
    "retort": "a statement that is also its speaker's reaction to another (recorded once)",
}


def label(record) -> str:
    """The words that identify a record in any output."""
    for attribute in ("name", "title", "summary", "text"):
        value = getattr(record, attribute, "")
        if value:
            return value
    raise AssertionError(record)


def hide(record, state: str) -> None:
    type(record).objects.filter(pk=record.pk).update(state=state)


# --------------------------------------------------------------------------- reading


class Reader:
    """Fetches through the test client, keeping every body for the leak check."""

    def __init__(self, client):
        self.client = client
        self.bodies: list[tuple[str, str]] = []

    def fetch(self, url: str, allowed=(200, 404)) -> tuple[int, str]:
        response = self.client.get(url)
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        text = raw.decode("utf-8-sig")
        assert response.status_code in allowed, f"{url} answered {response.status_code}"
        self.bodies.append((url, text))
        return response.status_code, text

    def page(self, url: str) -> str:
        status, text = self.fetch(url)
        assert status == 200, url
        return text

    def api_list(self, url: str) -> list[dict]:
        items = []
        while url:
            data = json.loads(self.page(url))
            items.extend(data["results"])
            url = data["next"]
        return items


def section(text: str, start: str, end: str) -> str:
    """The text from `start` to the next `end` ("" when `start` is absent)."""
    at = text.find(start)
    if at < 0:
        return ""
    stop = text.find(end, at + len(start))
    return text[at : stop if stop >= 0 else len(text)]


def present(text: str, words) -> set[str]:
    return {word for word in words if word in text}


def names(model, **filters) -> set[str]:
    return set(model.objects.filter(**filters).values_list("name", flat=True))


def slugs(model) -> list[str]:
    return list(model.objects.order_by("pk").values_list("slug", flat=True))


def links(text: str, prefix: str) -> set[str]:
    """Slugs (or ids) in links to /<prefix>/<key>/."""
    return set(re.findall(rf'href="(?:http://testserver)?/{prefix}/([\w-]+)/"', text))


def statement_ids(text: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="(?:http://testserver)?/statements/(\d+)/', text)}


def empty_aspects(*aspects: str) -> dict[str, set]:
    return {aspect: set() for aspect in aspects}


# -- statement cards (lists, home, topic, event and person pages)


def cards(text: str) -> dict[int, str]:
    found = {}
    for chunk in re.findall(r'<article class="card .*?</article>', text, re.S):
        # The card's own number, from its label (a retort's card links to another too).
        found[int(re.search(r'id="(?:[\w-]*-)?statement-(\d+)-label"', chunk).group(1))] = chunk
    return found


def card_aspects(text: str) -> dict[str, set]:
    seen = empty_aspects(
        "statements",
        "statement-topics",
        "statement-topic-parents",
        "statement-parties",
        "statement-events",
        "statement-outlets",
        "reaction-counts",
    )
    orgs = names(Organization)
    topic_slugs = dict(Topic.objects.values_list("name", "slug"))
    for pk, card in cards(text).items():
        seen["statements"].add(pk)
        for slug, trail in re.findall(r'<a href="/topics/([\w-]+)/">(.*?)</a>', card, re.S):
            seen["statement-topics"].add((pk, slug))
            broader = [part.strip() for part in trail.split("›")][:-1]
            if broader:
                seen["statement-topic-parents"].add((slug, topic_slugs[broader[-1]]))
        speaker = section(card, '<p class="speaker">', "</p>")
        seen["statement-parties"] |= {(pk, name) for name in present(speaker, orgs)}
        seen["statement-events"] |= {(pk, slug) for slug in links(card, "events")}
        reported = section(card, "Reported by", "</p>")
        seen["statement-outlets"] |= {(pk, name) for name in present(reported, orgs)}
        count = re.search(r"(\d+) reactions?<span", card)
        if count:
            seen["reaction-counts"].add((pk, int(count.group(1))))
    return seen


# -- API shapes


def api_statement_aspects(items: list[dict]) -> dict[str, set]:
    seen = empty_aspects(
        "statements",
        "statement-topics",
        "statement-topic-parents",
        "statement-sources",
        "statement-outlets",
        "statement-parties",
        "statement-events",
        "reactions",
        "reaction-counts",
        "respondent-orgs",
        "reaction-outlets",
        "comment-requests",
        "positions",
        "findings",
        "retorts",
    )
    for item in items:
        pk = item["id"]
        seen["statements"].add(pk)
        for topic in item["topics"]:
            seen["statement-topics"].add((pk, topic["slug"]))
            if topic["parent"] is not None:
                seen["statement-topic-parents"].add((topic["slug"], topic["parent"]))
        for source in item["sources"]:
            seen["statement-sources"].add((pk, source["url"]))
            if source["outlet"] is not None:
                seen["statement-outlets"].add((pk, source["outlet"]["name"]))
        if item["speaker_party"] is not None:
            seen["statement-parties"].add((pk, item["speaker_party"]["name"]))
        if item["event"] is not None:
            seen["statement-events"].add((pk, item["event"]["slug"]))
        for part, value in api_reaction_aspects(item["reactions"], pk).items():
            seen[part] |= value
        if item["reactions"]:
            seen["reaction-counts"].add((pk, len(item["reactions"])))
        seen["comment-requests"] |= {(pk, r["subject"]) for r in item["comment_requests"]}
        seen["positions"] |= {(pk, p["summary"]) for p in item["positions"]}
    return seen


def api_reaction_aspects(items: list[dict], statement: int | None = None) -> dict[str, set]:
    """``statement``: the statement whose nested reactions these are (they do not name it)."""
    seen = empty_aspects("reactions", "respondent-orgs", "reaction-outlets", "findings", "retorts")
    for item in items:
        seen["reactions"].add(item["id"])
        answered = item["statement"]["id"] if statement is None else statement
        if item["rating"]:
            seen["findings"].add((answered, item["rating"]))
        if item["response_statement"] is not None:
            seen["retorts"].add((item["response_statement"]["id"], answered))
        if item["respondent_organization"] is not None:
            seen["respondent-orgs"].add((item["id"], item["respondent_organization"]["name"]))
        if item["source"] is not None and item["source"]["outlet"] is not None:
            seen["reaction-outlets"].add((item["id"], item["source"]["outlet"]["name"]))
    return seen


def api_person_aspects(items: list[dict]) -> dict[str, set]:
    seen = empty_aspects("people", "affiliations", "candidacies", "candidacy-parties")
    for item in items:
        slug = item["slug"]
        seen["people"].add(slug)
        for affiliation in item["affiliations"]:
            if affiliation["organization"] is not None:
                seen["affiliations"].add((slug, affiliation["organization"]["name"]))
        for candidacy in item["candidacies"]:
            seen["candidacies"].add((slug, candidacy["race"]["slug"]))
            if candidacy["party"] is not None:
                party = candidacy["party"]["name"]
                seen["candidacy-parties"].add((slug, candidacy["race"]["slug"], party))
    return seen


def api_race_aspects(items: list[dict]) -> dict[str, set]:
    seen = empty_aspects("races", "elections", "race-parties", "candidacies", "candidacy-parties")
    for item in items:
        slug = item["slug"]
        seen["races"].add(slug)
        seen["elections"].add(item["election"]["name"])
        if item["party"] is not None:
            seen["race-parties"].add((slug, item["party"]["name"]))
        for candidate in item["candidates"]:
            if candidate["person"] is None:
                continue
            person = candidate["person"]["slug"]
            seen["candidacies"].add((person, slug))
            if candidate["party"] is not None:
                seen["candidacy-parties"].add((person, slug, candidate["party"]["name"]))
    return seen


def api_source_aspects(items: list[dict]) -> dict[str, set]:
    seen = empty_aspects("sources", "source-outlets")
    for item in items:
        seen["sources"].add(item["url"])
        if item["outlet"] is not None:
            seen["source-outlets"].add((item["url"], item["outlet"]["name"]))
    return seen


def api_details(reader: Reader, pattern: str, keys) -> list[dict]:
    """The bodies of the detail addresses that answer 200 (the rest must answer 404)."""
    found = []
    for key in keys:
        status, text = reader.fetch(pattern.format(key))
        if status == 200:
            found.append(json.loads(text))
    return found


# -- feeds and exports


def feed_entries(text: str) -> list[tuple[str, list[str], str]]:
    """(link, categories, description HTML) of each RSS item or Atom entry."""
    root = ET.fromstring(text)
    atom = "{http://www.w3.org/2005/Atom}"
    if root.tag == f"{atom}feed":
        return [
            (
                entry.find(f"{atom}link").get("href"),
                [c.get("term") for c in entry.findall(f"{atom}category")],
                entry.findtext(f"{atom}summary") or "",
            )
            for entry in root.findall(f"{atom}entry")
        ]
    return [
        (
            item.findtext("link"),
            [c.text for c in item.findall("category")],
            item.findtext("description") or "",
        )
        for item in root.find("channel").findall("item")
    ]


def feed_aspects(text: str) -> dict[str, set]:
    seen = empty_aspects(
        "statements",
        "statement-topics",
        "statement-sources",
        "statement-outlets",
        "statement-parties",
        "statement-events",
    )
    topic_slugs = dict(Topic.objects.values_list("name", "slug"))
    orgs = names(Organization)
    for link, categories, description in feed_entries(text):
        pk = int(re.fullmatch(r"http://testserver/statements/(\d+)/", link).group(1))
        seen["statements"].add(pk)
        seen["statement-topics"] |= {(pk, topic_slugs[name]) for name in categories}
        speaker = section(description, "<p>Speaker:", "</p>")
        seen["statement-parties"] |= {(pk, name) for name in present(speaker, orgs)}
        said = section(description, "<p>Said:", "</p>")
        seen["statement-events"] |= {(pk, slug) for slug in links(said, "events")}
        reported = section(description, "<p>Reported by:", "</p>")
        seen["statement-sources"] |= {
            (pk, url) for url in re.findall(r'href="(https://news\.example\.org/[^"]+)"', reported)
        }
        seen["statement-outlets"] |= {(pk, name) for name in present(reported, orgs)}
    return seen


def export_aspects(rows: list[dict]) -> dict[str, set]:
    seen = empty_aspects(
        "statements",
        "statement-topics",
        "statement-sources",
        "statement-parties",
        "statement-events",
        "reaction-counts",
    )
    for row in rows:
        pk = int(row["id"])
        seen["statements"].add(pk)
        seen["statement-topics"] |= {(pk, slug) for slug in row["topics"]}
        seen["statement-sources"] |= {(pk, url) for url in row["sources"]}
        if row["speaker_party"]:
            seen["statement-parties"].add((pk, row["speaker_party"]))
        assert bool(row["event_slug"]) == bool(row["event_name"]), row
        if row["event_slug"]:
            seen["statement-events"].add((pk, row["event_slug"]))
        if int(row["reaction_count"]):
            seen["reaction-counts"].add((pk, int(row["reaction_count"])))
    return seen


# --------------------------------------------------------------------------- the outputs


def page_statement_list(reader: Reader) -> dict[str, set]:
    return card_aspects(reader.page("/statements/"))


def page_statement_detail(reader: Reader) -> dict[str, set]:
    seen = empty_aspects(
        "statements",
        "statement-topics",
        "statement-topic-parents",
        "statement-sources",
        "statement-outlets",
        "statement-parties",
        "statement-events",
        "reactions",
        "respondent-orgs",
        "reaction-outlets",
        "comment-requests",
        "positions",
        "findings",
        "retorts",
    )
    orgs = names(Organization)
    subjects = set(CommentRequest.objects.values_list("subject", flat=True))
    summaries = set(Position.objects.values_list("summary", flat=True))
    for pk in Statement.objects.order_by("pk").values_list("pk", flat=True):
        status, text = reader.fetch(f"/statements/{pk}/")
        if status != 200:
            continue
        seen["statements"].add(pk)
        for trail in re.findall(
            r'<li class="trail">(.*?)</li>', section(text, "<dt>Topics</dt>", "</dd>"), re.S
        ):
            chain = re.findall(r'href="/topics/([\w-]+)/"', trail)
            seen["statement-topics"].add((pk, chain[-1]))
            if len(chain) > 1:
                seen["statement-topic-parents"].add((chain[-1], chain[-2]))
        speaker = section(text, "<dt>Speaker</dt>", "</dd>")
        seen["statement-parties"] |= {(pk, name) for name in present(speaker, orgs)}
        where = section(text, "<dt>Where</dt>", "</dd>")
        seen["statement-events"] |= {(pk, slug) for slug in links(where, "events")}
        sources = section(text, 'id="sources-heading"', "</section>")
        seen["statement-sources"] |= {
            (pk, url)
            for url in re.findall(r'<a href="(https://news\.example\.org/[^"]+)"', sources)
        }
        for outlet in re.findall(r"<dt>Outlet</dt><dd>(.*?)</dd>", sources):
            seen["statement-outlets"] |= {(pk, name) for name in present(outlet, orgs)}
        for rid, article in re.findall(
            r'<article class="reaction" id="reaction-(\d+)"(.*?)</article>', text, re.S
        ):
            rid = int(rid)
            seen["reactions"].add(rid)
            who = section(article, "<h4", "</h4>")
            seen["respondent-orgs"] |= {(rid, name) for name in present(who, orgs)}
            source = section(article, '<p class="small">Source:', "</p>")
            seen["reaction-outlets"] |= {(rid, name) for name in present(source, orgs)}
        for rating in re.findall(r'<p class="finding rating rating-([\w-]+)">', text):
            seen["findings"].add((pk, rating))
        for answered in re.findall(
            r'<p class="in-reply">In reply to <a href="/statements/(\d+)/', text
        ):
            seen["retorts"].add((pk, int(answered)))
        requests = section(text, 'id="requests-heading"', "</section>")
        seen["comment-requests"] |= {(pk, subject) for subject in present(requests, subjects)}
        positions = section(text, 'id="positions-heading"', "</section>")
        seen["positions"] |= {(pk, summary) for summary in present(positions, summaries)}
    return seen


def api_statement_list(reader: Reader) -> dict[str, set]:
    return api_statement_aspects(reader.api_list("/api/v1/statements/"))


def api_statement_detail(reader: Reader) -> dict[str, set]:
    ids = Statement.objects.order_by("pk").values_list("pk", flat=True)
    return api_statement_aspects(api_details(reader, "/api/v1/statements/{}/", ids))


def rss(reader: Reader) -> dict[str, set]:
    return feed_aspects(reader.page("/statements/feed/"))


def atom(reader: Reader) -> dict[str, set]:
    return feed_aspects(reader.page("/statements/feed/atom/"))


def person_feeds(reader: Reader) -> dict[str, set]:
    seen = empty_aspects("people", "statements")
    for slug in slugs(Person):
        status, text = reader.fetch(f"/people/{slug}/feed/")
        if status == 200:
            seen["people"].add(slug)
            seen["statements"] |= feed_aspects(text)["statements"]
    return seen


def topic_feeds(reader: Reader) -> dict[str, set]:
    seen = empty_aspects("topics", "topic-statements")
    for slug in slugs(Topic):
        status, text = reader.fetch(f"/topics/{slug}/feed/atom/")
        if status == 200:
            seen["topics"].add(slug)
            seen["topic-statements"] |= {(slug, pk) for pk in feed_aspects(text)["statements"]}
    return seen


def page_statement_list_by_topic(reader: Reader) -> dict[str, set]:
    seen = empty_aspects("topic-statements")
    for slug in slugs(Topic):
        statements = section(reader.page(f"/statements/?topic={slug}"), "<main", "</main>")
        seen["topic-statements"] |= {(slug, pk) for pk in cards(statements)}
    return seen


def api_statement_list_by_topic(reader: Reader) -> dict[str, set]:
    """An unknown (or hidden) topic is a 400 naming the parameter."""
    seen = empty_aspects("topic-statements")
    for slug in slugs(Topic):
        status, text = reader.fetch(f"/api/v1/statements/?topic={slug}", allowed=(200, 400))
        if status == 200:
            data = json.loads(text)
            assert data["next"] is None
            seen["topic-statements"] |= {(slug, item["id"]) for item in data["results"]}
        else:
            assert "topic" in json.loads(text)
    return seen


def export_csv(reader: Reader) -> dict[str, set]:
    body = reader.page("/statements/export.csv")
    data, marker = body.rstrip("\r\n").rsplit("\n", 1)
    rows = list(csv.DictReader(io.StringIO(data)))
    assert marker.startswith("# end of export: ")  # the export is complete
    for row in rows:
        for column in ("topics", "sources"):
            row[column] = row[column].split("; ") if row[column] else []
    return export_aspects(rows)


def export_json(reader: Reader) -> dict[str, set]:
    export = json.loads(reader.page("/statements/export.json"))
    assert export["complete"] and export["count"] == len(export["statements"])
    return export_aspects(export["statements"])


def sitemap(reader: Reader) -> dict[str, set]:
    root = ET.fromstring(reader.page("/sitemap.xml"))
    locations = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    seen = empty_aspects("statements", "people", "topics", "events", "races")
    for location in locations:
        found = re.fullmatch(
            r"http://testserver/(statements|people|topics|events|races)/(.+)/", location
        )
        if found:
            kind, key = found.groups()
            seen[kind].add(int(key) if kind == "statements" else key)
    return seen


def page_home(reader: Reader) -> dict[str, set]:
    text = reader.page("/")
    topics = section(text, 'id="topics-heading"', "</section>")
    races = section(text, 'id="races-heading"', "</section>")
    return {
        "statements": set(cards(text)),
        "topics": links(topics, "topics"),
        "topic-counts": tree_counts(topics),
        "races-in-progress": links(races, "races"),
    }


def tree_counts(text: str) -> set[tuple[str, int]]:
    return {
        (slug, int(count))
        for slug, count in re.findall(
            r'<a href="/topics/([\w-]+)/">[^<]*</a> <span class="count">(\d+) statements?', text
        )
    }


def page_person_list(reader: Reader) -> dict[str, set]:
    text = reader.page("/people/")
    seen = empty_aspects("people", "affiliations", "person-counts")
    orgs = names(Organization)
    for item in re.findall(r"<li>\s*<a class=\"name\".*?</li>", text, re.S):
        slug = re.search(r'href="/people/([\w-]+)/"', item).group(1)
        seen["people"].add(slug)
        seen["affiliations"] |= {(slug, name) for name in present(item, orgs)}
        counts = re.search(r"(\d+) statements? · (\d+) reactions? to others", item)
        seen["person-counts"].add((slug, int(counts.group(1)), int(counts.group(2))))
    return seen


def page_person_detail(reader: Reader) -> dict[str, set]:
    seen = empty_aspects(
        "people",
        "statements",
        "given-reactions",
        "given-respondent-orgs",
        "given-reaction-outlets",
        "person-positions",
        "candidacies",
        "candidacy-parties",
        "affiliations",
    )
    orgs = names(Organization)
    not_outlets = names(Organization) - names(Organization, kind=Organization.Kind.NEWS)
    summaries = set(Position.objects.values_list("summary", flat=True))
    for slug in slugs(Person):
        status, text = reader.fetch(f"/people/{slug}/")
        if status != 200:
            continue
        seen["people"].add(slug)
        seen["statements"] |= statement_ids(text)
        roles = section(text, '<p class="party">', "<dt>Candidacies</dt>")
        seen["affiliations"] |= {(slug, name) for name in present(roles, orgs)}
        for item in re.findall(
            r"<li>(.*?)</li>", section(text, "<dt>Candidacies</dt>", "</dd>"), re.S
        ):
            race = re.search(r'href="/races/([\w-]+)/"', item).group(1)
            seen["candidacies"].add((slug, race))
            seen["candidacy-parties"] |= {(slug, race, name) for name in present(item, orgs)}
        positions = section(text, 'id="positions-heading"', 'id="recent-heading"')
        seen["person-positions"] |= {(slug, summary) for summary in present(positions, summaries)}
        for rid, article in re.findall(
            r'<article class="reaction given" aria-labelledby="given-(\d+)">(.*?)</article>',
            text,
            re.S,
        ):
            rid = int(rid)
            seen["given-reactions"].add(rid)
            # The channel names the outlet when no channel is recorded ("quoted by …").
            channel = section(article, '<p class="channel">', "</p>")
            seen["given-respondent-orgs"] |= {(rid, name) for name in present(channel, not_outlets)}
            source = section(article, '<p class="small">Source:', "</p>")
            seen["given-reaction-outlets"] |= {(rid, name) for name in present(source, orgs)}
    return seen


def page_topic_list(reader: Reader) -> dict[str, set]:
    text = section(reader.page("/topics/"), "<h1>Topics</h1>", "</main>")
    return {"topics": links(text, "topics"), "topic-counts": tree_counts(text)}


def page_topic_detail(reader: Reader) -> dict[str, set]:
    seen = empty_aspects("topics", "topic-parents", "topic-statements", "topic-positions")
    summaries = set(Position.objects.values_list("summary", flat=True))
    for slug in slugs(Topic):
        status, text = reader.fetch(f"/topics/{slug}/")
        if status != 200:
            continue
        seen["topics"].add(slug)
        breadcrumbs = section(text, '<nav class="breadcrumbs"', "</nav>")
        trail = re.findall(r'href="/topics/([\w-]+)/"', breadcrumbs)
        if trail:
            seen["topic-parents"].add((slug, trail[-1]))
        positions = section(text, 'id="positions-heading"', 'id="statements-heading"')
        seen["topic-positions"] |= {(slug, summary) for summary in present(positions, summaries)}
        statements = section(text, 'id="statements-heading"', "</main>")
        seen["topic-statements"] |= {(slug, pk) for pk in cards(statements)}
    return seen


def page_event_list(reader: Reader) -> dict[str, set]:
    text = section(reader.page("/events/"), "<h1>Events</h1>", "</main>")
    seen = empty_aspects("events", "event-hosts")
    orgs = names(Organization)
    for item in re.findall(r"<li>(.*?)</li>", text, re.S):
        slug = re.search(r'href="/events/([\w-]+)/"', item).group(1)
        seen["events"].add(slug)
        hosts = section(item, "hosted by", "·")
        seen["event-hosts"] |= {(slug, name) for name in present(hosts, orgs)}
    return seen


def page_event_detail(reader: Reader) -> dict[str, set]:
    seen = empty_aspects("events", "event-hosts", "statement-events")
    orgs = names(Organization)
    for slug in slugs(Event):
        status, text = reader.fetch(f"/events/{slug}/")
        if status == 200:
            seen["events"].add(slug)
            hosts = section(text, "<dt>Hosted by</dt>", "</dd>")
            seen["event-hosts"] |= {(slug, name) for name in present(hosts, orgs)}
            seen["statement-events"] |= {(pk, slug) for pk in cards(text)}
    return seen


def page_race_list(reader: Reader) -> dict[str, set]:
    text = reader.page("/races/")
    seen = empty_aspects("races", "elections", "race-parties", "candidacies")
    people = dict(Person.objects.values_list("name", "slug"))
    orgs = names(Organization)
    elections = names(Election)
    for group in re.findall(r"<section aria-labelledby=\"election-.*?</section>", text, re.S):
        seen["elections"] |= present(section(group, "<h2", "</h2>"), elections)
        for item in re.findall(r"<li>(.*?)</li>", group, re.S):
            race = re.search(r'href="/races/([\w-]+)/"', item).group(1)
            seen["races"].add(race)
            stage = section(item, '<span class="small">', "</span>")
            seen["race-parties"] |= {(race, name) for name in present(stage, orgs)}
            candidates = section(item, "Candidates:", "</span>")
            seen["candidacies"] |= {(people[n], race) for n in present(candidates, people)}
    return seen


def page_race_detail(reader: Reader) -> dict[str, set]:
    seen = empty_aspects(
        "races", "elections", "race-parties", "candidacies", "candidacy-parties", "race-positions"
    )
    orgs = names(Organization)
    elections = names(Election)
    for race in slugs(Race):
        status, text = reader.fetch(f"/races/{race}/")
        if status != 200:
            continue
        seen["races"].add(race)
        seen["elections"] |= present(section(text, '<p class="eyebrow">', "</p>"), elections)
        stage = section(text, "<dt>Stage</dt>", "</dd>")
        seen["race-parties"] |= {(race, name) for name in present(stage, orgs)}
        candidates = section(text, '<ul class="candidates">', "</ul>")
        for item in re.findall(r"<li>(.*?)</li>", candidates, re.S):
            person = re.search(r'href="/people/([\w-]+)/"', item).group(1)
            seen["candidacies"].add((person, race))
            seen["candidacy-parties"] |= {(person, race, name) for name in present(item, orgs)}
        seen["race-positions"] |= {
            (race, summary)
            for summary in re.findall(r'<p class="position-line"><strong>(.*?)</strong>', text)
        }
    return seen


def api_reaction_list(reader: Reader) -> dict[str, set]:
    return api_reaction_aspects(reader.api_list("/api/v1/reactions/"))


def api_reaction_detail(reader: Reader) -> dict[str, set]:
    ids = Reaction.objects.order_by("pk").values_list("pk", flat=True)
    return api_reaction_aspects(api_details(reader, "/api/v1/reactions/{}/", ids))


def api_person_list(reader: Reader) -> dict[str, set]:
    return api_person_aspects(reader.api_list("/api/v1/people/"))


def api_person_detail(reader: Reader) -> dict[str, set]:
    return api_person_aspects(api_details(reader, "/api/v1/people/{}/", slugs(Person)))


def api_topic_aspects(items: list[dict]) -> dict[str, set]:
    seen = empty_aspects("topics", "topic-parents")
    for item in items:
        seen["topics"].add(item["slug"])
        if item["parent"] is not None:
            seen["topic-parents"].add((item["slug"], item["parent"]["slug"]))
        seen["topic-parents"] |= {(child["slug"], item["slug"]) for child in item["children"]}
    return seen


def api_topic_list(reader: Reader) -> dict[str, set]:
    return api_topic_aspects(reader.api_list("/api/v1/topics/"))


def api_topic_detail(reader: Reader) -> dict[str, set]:
    return api_topic_aspects(api_details(reader, "/api/v1/topics/{}/", slugs(Topic)))


def api_event_aspects(items: list[dict]) -> dict[str, set]:
    return {
        "events": {item["slug"] for item in items},
        "event-hosts": {(item["slug"], host["name"]) for item in items for host in item["hosts"]},
    }


def api_event_list(reader: Reader) -> dict[str, set]:
    return api_event_aspects(reader.api_list("/api/v1/events/"))


def api_event_detail(reader: Reader) -> dict[str, set]:
    return api_event_aspects(api_details(reader, "/api/v1/events/{}/", slugs(Event)))


def api_race_list(reader: Reader) -> dict[str, set]:
    return api_race_aspects(reader.api_list("/api/v1/races/"))


def api_race_detail(reader: Reader) -> dict[str, set]:
    return api_race_aspects(api_details(reader, "/api/v1/races/{}/", slugs(Race)))


def api_organization_list(reader: Reader) -> dict[str, set]:
    return {"organizations": {item["slug"] for item in reader.api_list("/api/v1/organizations/")}}


def api_organization_detail(reader: Reader) -> dict[str, set]:
    found = api_details(reader, "/api/v1/organizations/{}/", slugs(Organization))
    return {"organizations": {item["slug"] for item in found}}


def api_source_list(reader: Reader) -> dict[str, set]:
    return api_source_aspects(reader.api_list("/api/v1/sources/"))


def api_source_detail(reader: Reader) -> dict[str, set]:
    ids = Source.objects.order_by("pk").values_list("pk", flat=True)
    return api_source_aspects(api_details(reader, "/api/v1/sources/{}/", ids))


def api_popolo(reader: Reader) -> dict[str, set]:
    data = json.loads(reader.page("/api/v1/popolo.json"))
    organization_names = dict(Organization.objects.values_list("slug", "name"))
    return {
        "event-hosts": {
            (event["id"], organization_names[event["organization_id"]])
            for event in data["events"]
            if event["organization_id"] is not None
        },
        "people": {person["id"] for person in data["persons"]},
        "organizations": {org["id"] for org in data["organizations"]},
        "affiliations": {
            (m["person_id"], organization_names[m["organization_id"]]) for m in data["memberships"]
        },
        "events": {event["id"] for event in data["events"]},
    }


OUTPUTS: dict[str, Callable[[Reader], dict[str, set]]] = {
    "page-statement-list": page_statement_list,
    "page-statement-detail": page_statement_detail,
    "page-statement-list-by-topic": page_statement_list_by_topic,
    "page-home": page_home,
    "page-person-list": page_person_list,
    "page-person-detail": page_person_detail,
    "page-topic-list": page_topic_list,
    "page-topic-detail": page_topic_detail,
    "page-event-list": page_event_list,
    "page-event-detail": page_event_detail,
    "page-race-list": page_race_list,
    "page-race-detail": page_race_detail,
    "feed-rss": rss,
    "feed-atom": atom,
    "feed-person": person_feeds,
    "feed-topic": topic_feeds,
    "export-csv": export_csv,
    "export-json": export_json,
    "sitemap": sitemap,
    "api-statement-list": api_statement_list,
    "api-statement-detail": api_statement_detail,
    "api-statement-list-by-topic": api_statement_list_by_topic,
    "api-reaction-list": api_reaction_list,
    "api-reaction-detail": api_reaction_detail,
    "api-person-list": api_person_list,
    "api-person-detail": api_person_detail,
    "api-topic-list": api_topic_list,
    "api-topic-detail": api_topic_detail,
    "api-event-list": api_event_list,
    "api-event-detail": api_event_detail,
    "api-race-list": api_race_list,
    "api-race-detail": api_race_detail,
    "api-organization-list": api_organization_list,
    "api-organization-detail": api_organization_detail,
    "api-source-list": api_source_list,
    "api-source-detail": api_source_detail,
    "api-popolo": api_popolo,
}


def cases():
    yield pytest.param(None, PUBLISHED, id="nothing-hidden")
    for target in TARGETS:
        for state in HIDDEN_STATES:
            yield pytest.param(target, state, id=f"{target}-{state}")


# --------------------------------------------------------------------------- the tests


def test_records_without_a_state_are_hidden_only_through_what_they_require():
    """So the matrix hides a comment request, candidacy, affiliation or link by hiding one
    of the records it requires."""
    for model in (CommentRequest, Candidacy, Affiliation, StatementTopic, StatementSource):
        assert "state" not in {field.name for field in model._meta.concrete_fields}, model


def test_the_world_shows_something_of_every_aspect(world):
    empty = [aspect for aspect, value in truth().items() if not value]
    assert not empty


@pytest.mark.parametrize("state", HIDDEN_STATES)
@pytest.mark.parametrize("target", TARGETS)
def test_hiding_each_target_changes_what_is_shown(world, target, state):
    """Else the matrix's case for it would prove nothing."""
    everything = truth()
    hide(world[target], state)
    assert truth() != everything


@pytest.mark.parametrize(("target", "state"), list(cases()))
def test_every_output_shows_what_the_rule_allows(client, world, target, state):
    """One world per hidden record, read through every output: each disagreement is
    named by its output and aspect."""
    if target is not None:
        hide(world[target], state)
    expected = truth()
    words = label(world[target]) if target is not None else None

    problems = []
    for output, read in OUTPUTS.items():
        reader = Reader(client)
        seen = read(reader)
        for aspect, found in sorted(seen.items()):
            if found != expected[aspect]:
                problems.append(
                    f"{output}: {aspect}: missing {sorted(expected[aspect] - found)}, "
                    f"extra {sorted(found - expected[aspect])}"
                )
        if words is not None:
            problems += [
                f"{output}: {url} shows {words!r}" for url, text in reader.bodies if words in text
            ]
    assert not problems, f"With the {target} {state}:\n" + "\n".join(problems)
