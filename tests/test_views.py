"""The public reading pages: what they show, what they hide, and what they cost.

The demo data set (the Washington Free Beacon article of June 5, 2020) drives the
content tests; factories build the 3-row and 30-row worlds for the query budgets.
"""

import datetime
import html
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.db import connection
from django.templatetags.static import static
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from statements import editorial
from statements.caching import generation
from statements.models import (
    Affiliation,
    BackgroundNote,
    Candidacy,
    CommentRequest,
    Correction,
    Event,
    Person,
    Position,
    PublicationState,
    QuoteKind,
    Race,
    Rating,
    Reaction,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)
from statements.reading import visibility
from statements.reading.brief_html import entry_html

from .factories import (
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
from .support import make_comment_request

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT
PUBLISHED = PublicationState.PUBLISHED
RACE = "2020-georgia-us-senate-democratic-primary"
EVENT = "online-town-hall-college-democrats-of-georgia-2020-05-30"


# --------------------------------------------------------------------------- helpers


def page_text(response) -> str:
    """The visible text of a page: tags and <script>s removed, entities decoded,
    whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    body = re.sub(r"</?(?:a|span|time|strong|em|q|abbr|mark|small)\b[^>]*>", "", body)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def main_html(response) -> str:
    body = response.content.decode()
    return html.unescape(body[body.index("<main") : body.index("</main>")])


def meta(response, prop: str) -> str:
    found = re.search(
        rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', response.content.decode()
    )
    assert found, f"no {prop} meta tag"
    return html.unescape(found.group(1))


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def demo_statement(text_start: str) -> Statement:
    return Statement.objects.get(text__startswith=text_start)


def demo_urls() -> list[str]:
    return [
        "/",
        demo_statement("misguided").get_absolute_url(),
        demo_statement("I don't think").get_absolute_url(),
        demo_statement("he would target").get_absolute_url(),
        "/people/",
        "/people/jon-ossoff/",
        "/people/bhavin-patel/",
        "/people/ira-mehlman/",
        "/topics/",
        "/topics/immigration/",
        "/topics/287g-program/",
        "/events/",
        f"/events/{EVENT}/",
        "/races/",
        f"/races/{RACE}/",
        "/races/2020-georgia-us-senate-general/",
        "/compare/",
        "/compare/?people=jon-ossoff,teresa-tomlinson&topic=immigration",
        "/compare/?people=jon-ossoff&people=sarah-riggs-amico&topic=border-security",
    ]


# --------------------------------------------------------------------------- every page renders


def test_every_page_renders_with_the_demo(client, demo):
    for url in demo_urls():
        response = get_ok(client, url)
        assert "<main" in response.content.decode()
        assert meta(response, "og:title")
        assert meta(response, "og:description")
        assert meta(response, "description")
    assert client.get("/healthz").status_code == 200


def test_urls_reverse_and_resolve(client, demo):
    assert reverse("statements:home") == "/"
    assert reverse("statements:compare") == "/compare/"
    assert reverse("statements:race-detail", kwargs={"slug": RACE}) == f"/races/{RACE}/"


# --------------------------------------------------------------------------- the statement page


def test_partial_quote_is_shown_inside_its_frame(client, demo):
    statement = demo_statement("misguided")
    response = get_ok(client, statement.get_absolute_url())
    text = page_text(response)
    assert "Jon Ossoff called the 287(g) program “misguided”" in text
    assert "Partial quote" in text
    assert meta(response, "og:title") == "Jon Ossoff on 287(g) program: partial quote"
    assert "Jon Ossoff called the 287(g) program “misguided”" in meta(response, "og:description")


def test_paraphrase_is_never_set_as_a_quotation(client, demo):
    statement = demo_statement("he would target")
    assert statement.kind == QuoteKind.PARAPHRASE
    response = get_ok(client, statement.get_absolute_url())
    body = response.content.decode()
    text = page_text(response)
    words = "he would target those who hire illegal immigrants"
    assert "Jon Ossoff said he would target those who hire illegal immigrants" in text
    assert "Paraphrase" in text
    for mark in ("“", '"', "'", "‘", "«"):
        assert mark + words not in html.unescape(body)
    for block in re.findall(r"<blockquote.*?</blockquote>|<q\b.*?</q>", body, flags=re.S):
        assert words not in block
    assert 'class="words paraphrase"' in body
    assert meta(response, "og:description").startswith("Paraphrase:")


def test_direct_quote_is_in_a_blockquote_with_its_marks(client, demo):
    statement = demo_statement("I don't think")
    body = main_html(get_ok(client, statement.get_absolute_url()))
    assert f'<blockquote class="words direct"><p>“{statement.text}”</p></blockquote>' in body


def test_statement_page_shows_speaker_event_date_and_inferred_note(client, demo):
    statement = demo_statement("I don't think")
    response = get_ok(client, statement.get_absolute_url())
    text = page_text(response)
    assert "candidate, U.S. Senate, Georgia; Democratic Party" in text
    assert "Online town hall with the College Democrats of Georgia" in text
    assert '<time datetime="2020-05-30">May 30, 2020</time>' in response.content.decode()
    assert "Inferred date." in text
    assert statement.date_inference_note in text
    assert "Immigration › Local enforcement of federal immigration law" in text
    assert "Public safety › Policing" in text
    assert statement.context in text


def test_reactions_are_grouped_and_interpretation_is_labelled(client, demo):
    statement = demo_statement("I don't think")
    reaction = Reaction.objects.get(respondent__slug="bhavin-patel")
    response = get_ok(client, statement.get_absolute_url())
    text = page_text(response)
    label = f"Bhavin Patel's reading, not Ossoff's words: {reaction.interpretation}"
    assert label in text
    agrees, interprets = text.index("Agrees (1)"), text.index("Interprets (1)")
    assert agrees < interprets < text.rindex(label)
    assert "president, College Democrats of Georgia" in text
    assert "by email to the Washington Free Beacon" in text
    for fragment in reaction.fragments:
        assert f"“{fragment}”" in text
    # The interpretation is never presented as the speaker's own words or position.
    assert f"Ossoff said {reaction.interpretation}" not in text


def test_reaction_without_channel_says_how_it_was_reported(client, demo):
    response = get_ok(client, demo_statement("misguided").get_absolute_url())
    text = page_text(response)
    assert "Disagrees (1)" in text
    assert "Ira Mehlman" in text
    assert "spokesman, Federation for American Immigration Reform (FAIR)" in text
    assert "quoted by Washington Free Beacon" in text
    assert "“Nobody is compelling them to enforce federal immigration laws”" in text


def test_comment_request_sentence(client, demo):
    text = page_text(get_ok(client, demo_statement("I don't think").get_absolute_url()))
    assert (
        "The Ossoff campaign did not respond to multiple requests for comment from the "
        "Washington Free Beacon (June 2020) on his immigration policy and sanctuary cities."
    ) in text


def test_sources_say_not_recorded_for_empty_fields(client, demo):
    text = page_text(get_ok(client, demo_statement("misguided").get_absolute_url()))
    sources = text[text.index("Sources") : text.index("Cite this")]
    assert "Washington Free Beacon" in sources
    assert "Ossoff: Local Law Enforcement Should Not Enforce Federal Immigration Law" in sources
    assert "Author not recorded" in sources
    assert "Link not recorded" in sources
    assert "Archived copy not recorded" in sources
    assert "June 5, 2020" in sources


def test_cite_this_block(client, demo):
    statement = demo_statement("misguided")
    response = get_ok(client, statement.get_absolute_url())
    block = re.search(
        r'<textarea id="cite-text"[^>]*>(.*?)</textarea>', response.content.decode(), re.S
    )
    assert block
    citation = html.unescape(block.group(1))
    permalink = f"http://testserver{statement.get_absolute_url()}"
    assert citation.startswith("Jon Ossoff")
    assert "Partial quote: Jon Ossoff called the 287(g) program “misguided”" in citation
    assert "Online town hall with the College Democrats of Georgia, May 30, 2020" in citation
    assert "Washington Free Beacon" in citation
    assert "“Ossoff: Local Law Enforcement Should Not Enforce Federal Immigration Law”" in citation
    assert "June 5, 2020" in citation
    assert f"Permalink: {permalink}" in citation
    assert "Retrieved " in citation
    assert f'<link rel="canonical" href="{permalink}">' in response.content.decode()


def test_statement_json_ld(client, demo):
    import json

    statement = demo_statement("misguided")
    body = get_ok(client, statement.get_absolute_url()).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)[1]
    )
    assert data["@type"] == "Quotation"
    assert data["text"] == "misguided"
    assert data["creator"]["name"] == "Jon Ossoff"
    assert data["dateCreated"] == "2020-05-30"
    assert data["citation"][0]["publisher"]["name"] == "Washington Free Beacon"


def test_also_said_and_positions_citing(client, demo):
    first, second = demo_statement("I don't think"), demo_statement("It is important")
    text = page_text(get_ok(client, first.get_absolute_url()))
    also = text[text.index("Also said by Jon Ossoff") :]
    assert "bonds of trust" in also
    assert "misguided" not in also  # another topic
    assert "Positions that cite this statement" in text
    assert "Opposes local enforcement of federal immigration law" in text
    assert second.pk != first.pk


# --------------------------------------------------------------------------- other pages


def test_home_answers_the_287g_question_in_two_clicks(client, demo):
    home = get_ok(client, "/")
    text = page_text(home)
    assert 'role="search"' in home.content.decode()
    assert "Latest statements" in text
    assert "287(g) program 1 statement" in text
    assert "Immigration 7 statements" in text
    assert "Races in progress" in text and "Democratic primary" in text
    assert "kept by volunteer editors" in text
    statement = demo_statement("misguided")
    assert f'href="{statement.get_absolute_url()}"' in home.content.decode()
    # …and one click on: what he said, and who reacted.
    text = page_text(get_ok(client, statement.get_absolute_url()))
    assert "“misguided”" in text and "Ira Mehlman" in text


def test_person_page(client, demo):
    response = get_ok(client, "/people/jon-ossoff/")
    text = page_text(response)
    assert "Party: Democratic Party" in text
    assert "Candidate, Ossoff campaign" in text
    assert "2020 U.S. Senate election in Georgia: Democratic primary" in text
    assert "result: not yet decided" in text
    assert "Calls the 287(g) program misguided (as of May 30, 2020; editors' summary)" in text
    assert "<details" in response.content.decode()
    assert "Recent statements" in text
    assert "Timeline" in text and "May 2020 (7)" in text

    patel = page_text(get_ok(client, "/people/bhavin-patel/"))
    assert "Bhavin Patel's reaction (agrees) to Jon Ossoff's direct quote" in patel
    assert "Bhavin Patel's reading, not Ossoff's words" in patel
    assert "President, College Democrats of Georgia" in patel


def test_a_persons_roles_and_candidacies_keep_their_dates_flags_and_order(client, uncached_pages):
    """The person page reads roles and candidacies as plain rows, through SQL compiled
    once (reading/roles.py): on every database the dates are dates, the incumbent flag a
    flag, ongoing roles come before past ones and the newest polling day first."""
    person = PersonFactory(name="Rosa Roles", slug="rosa-roles")
    council = OrganizationFactory(name="City Council", abbreviation="CC")
    board = OrganizationFactory(name="School Board")
    Affiliation.objects.create(
        person=person,
        organization=board,
        role="chair",
        start_date=datetime.date(2012, 3, 1),
        end_date=datetime.date(2016, 12, 31),
    )
    Affiliation.objects.create(
        person=person, organization=council, role="member", start_date=datetime.date(2019, 1, 7)
    )
    Candidacy.objects.create(
        person=person, race=RaceFactory(name="Council primary", date=datetime.date(2018, 5, 22))
    )
    Candidacy.objects.create(
        person=person,
        race=RaceFactory(name="Mayoral primary", date=datetime.date(2021, 5, 18)),
        party=PartyFactory(name="Harbour Party"),
        incumbent=True,
    )
    text = page_text(get_ok(client, "/people/rosa-roles/"))
    assert "Current roles Member, City Council (CC) (since January 7, 2019)" in text
    assert "Past roles Chair, School Board (March 1, 2012 to December 31, 2016)" in text
    assert "Mayoral primary — Primary, Harbour Party, incumbent; result: not yet decided" in text
    assert "Council primary — Primary, not the incumbent; result: not yet decided" in text
    assert text.index("Mayoral primary") < text.index("Council primary")


def test_topic_pages(client, demo):
    text = page_text(get_ok(client, "/topics/"))
    assert "Immigration 7 statements" in text
    assert "Public safety 2 statements" in text
    immigration = page_text(get_ok(client, "/topics/immigration/"))
    assert "Narrower topics" in immigration
    assert "Statements on Immigration and narrower topics (7)" in immigration
    assert "Jon Ossoff" in immigration and "Calls the 287(g) program misguided" in immigration
    assert "The 287(g) program" in immigration  # background note on a narrower topic
    leaf = page_text(get_ok(client, "/topics/287g-program/"))
    assert "Topics Immigration 287(g) program" in leaf  # breadcrumbs
    assert "(1)" in leaf


def test_event_pages(client, demo):
    text = page_text(get_ok(client, f"/events/{EVENT}/"))
    assert "Town hall" in text
    assert "Online" in text
    assert "College Democrats of Georgia" in text
    assert "Inferred date." in text
    assert "Statements, in order (7)" in text
    assert "Online town hall with the College Democrats of Georgia" in page_text(
        get_ok(client, "/events/")
    )


def test_race_page_grid(client, demo):
    response = get_ok(client, f"/races/{RACE}/")
    body = response.content.decode()
    text = page_text(response)
    assert '<th scope="col">' in body and '<th scope="row">' in body
    for name in ("Jon Ossoff", "Teresa Tomlinson", "Sarah Riggs Amico"):
        assert name in text
    assert "Calls the 287(g) program misguided" in text
    assert "No recorded statement" in text
    assert "Inferred date." in text
    # Rows only for topics someone spoke on: nobody spoke on Sanctuary jurisdictions.
    assert "Sanctuary jurisdictions" not in text
    assert "Races" in page_text(get_ok(client, "/races/"))


def test_compare(client, demo):
    text = page_text(
        get_ok(client, "/compare/?people=jon-ossoff,teresa-tomlinson&topic=immigration")
    )
    assert "Jon Ossoff, Teresa Tomlinson on Immigration" in text
    assert "Says the country needs border control" in text
    assert "No recorded statement" in text
    assert "Policing" not in text[text.index("Positions side by side") :]
    form = get_ok(client, "/compare/?people=jon-ossoff,teresa-tomlinson&topic=immigration")
    body = form.content.decode()
    # Candidates without statements can be chosen too; the current choice is kept.
    assert 'value="teresa-tomlinson" checked' in body
    assert 'value="sarah-riggs-amico">' in body
    assert '<option value="immigration" selected>' in body
    assert "– 287(g) program" in html.unescape(body)

    repeated = page_text(
        get_ok(client, "/compare/?people=jon-ossoff&people=teresa-tomlinson&topic=287g-program")
    )
    assert "Calls the 287(g) program misguided" in repeated

    # A topic nobody spoke on still gets a row that says so.
    empty = get_ok(client, "/compare/?people=teresa-tomlinson,sarah-riggs-amico&topic=policing")
    assert empty.content.decode().count('<p class="none">No recorded statement</p>') == 2


def test_compare_bad_input_is_explained_not_an_error(client, demo):
    response = get_ok(client, "/compare/?people=nobody,jon-ossoff&topic=no-such-topic")
    text = page_text(response)
    assert "We have no published person at “nobody”" in text
    assert "We have no published topic at “no-such-topic”" in text
    for query in (
        "people=&topic=",
        "people=" + "x" * 5000,
        "people=,,,&topic=immigration",
        "people=%00&topic=%00",
        "topic=immigration",
        "people=jon-ossoff",
    ):
        get_ok(client, f"/compare/?{query}")
    assert "Choose a topic" in page_text(get_ok(client, "/compare/?people=jon-ossoff"))
    assert "Choose at least one person" in page_text(get_ok(client, "/compare/?topic=immigration"))


# --------------------------------------------------------------------------- drafts stay hidden


def test_drafts_are_invisible_and_their_pages_404(client, demo):
    ossoff = Person.objects.get(slug="jon-ossoff")
    statement = StatementFactory(
        speaker=ossoff,
        text="A draft remark nobody may see.",
        state=DRAFT,
        topics=[Topic.objects.get(slug="border-security")],
    )
    published = demo_statement("misguided")
    ReactionFactory(statement=published, text="A draft reaction.", state=DRAFT)
    draft_person = PersonFactory(name="Draft Person", slug="draft-person", state=DRAFT)
    draft_topic = TopicFactory(
        name="Draft Topic",
        slug="draft-topic",
        state=DRAFT,
        parent=Topic.objects.get(slug="immigration"),
    )
    StatementTopic.objects.create(statement=published, topic=draft_topic)
    StatementSource.objects.create(
        statement=published,
        source=SourceFactory(
            title="Draft Source Title", outlet=OutletFactory(name="Draft Outlet"), state=DRAFT
        ),
    )
    note = BackgroundNote.objects.create(title="Draft Note", text="Not yet.", state=DRAFT)
    note.topics.add(Topic.objects.get(slug="immigration"))
    draft_event = EventFactory(name="Draft Event", slug="draft-event", state=DRAFT)
    at_draft_event = StatementFactory(speaker=ossoff, event=draft_event, text="Said somewhere.")
    race = Race.objects.get(slug=RACE)
    draft_race = Race.objects.create(
        election=race.election,
        stage="runoff",
        name="Draft Runoff",
        slug="draft-runoff",
        state=DRAFT,
    )
    Candidacy.objects.create(person=draft_person, race=race)
    Position.objects.create(
        person=ossoff,
        topic=Topic.objects.get(slug="sanctuary-jurisdictions"),
        summary="A draft position summary",
        as_of=datetime.date(2020, 6, 1),
        state=DRAFT,
    )
    Affiliation.objects.create(
        person=ossoff, organization=PartyFactory(name="Draft Party", state=DRAFT), role="member"
    )

    hidden = [
        "A draft remark nobody may see.",
        "A draft reaction.",
        "Draft Person",
        "Draft Topic",
        "Draft Event",
        "Draft Runoff",
        "A draft position summary",
        "Draft Party",
        "Draft Source Title",
        "Draft Outlet",
        "Draft Note",
    ]
    for url in [
        *demo_urls(),
        at_draft_event.get_absolute_url(),
        "/compare/?people=jon-ossoff,draft-person&topic=immigration",
    ]:
        text = page_text(get_ok(client, url))
        for words in hidden:
            assert words not in text, (url, words)

    for url in (
        statement.get_absolute_url(),
        "/people/draft-person/",
        "/topics/draft-topic/",
        "/events/draft-event/",
        "/races/draft-runoff/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "We can't find that page" in page_text(response)
    assert draft_race.pk


def test_withdrawn_and_in_review_statements_are_hidden(client, demo):
    for state in (PublicationState.REVIEW, PublicationState.WITHDRAWN):
        statement = StatementFactory(
            speaker=Person.objects.get(slug="jon-ossoff"),
            text=f"Words in state {state}.",
            state=state,
            event=Event.objects.get(slug=EVENT),
        )
        assert client.get(statement.get_absolute_url()).status_code == 404
        assert f"Words in state {state}." not in page_text(get_ok(client, f"/events/{EVENT}/"))


def test_statement_by_a_draft_speaker_is_hidden(client, demo):
    person = PersonFactory(state=DRAFT)
    statement = StatementFactory(speaker=person, text="Said by someone unpublished.")
    assert client.get(statement.get_absolute_url()).status_code == 404
    assert "Said by someone unpublished." not in page_text(get_ok(client, "/"))


def test_unknown_addresses_get_the_friendly_404(client, demo):
    for url in (
        "/people/nobody/",
        "/topics/nothing/",
        "/events/never/",
        "/races/none/",
        "/statements/999999/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        text = page_text(response)
        assert "We can't find that page" in text
        assert "Search statements" in text


# --------------------------------------------------------------------------- health


def test_healthz(client, monkeypatch):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "down"


# --------------------------------------------------------------------------- query budgets


class World:
    """A data set that grows: each `grow()` adds rows of every kind the pages list."""

    def __init__(self):
        self.size = 0
        self.party = PartyFactory(name="Democratic Party")
        self.outlet = OutletFactory(name="Washington Free Beacon")
        self.root = TopicFactory(name="Immigration", slug="immigration")
        self.public_safety = TopicFactory(name="Public safety", slug="public-safety")
        self.event = EventFactory(
            slug="town-hall", date_inferred=True, date_inference_note="Said 'Saturday'."
        )
        self.main = PersonFactory(name="Jon Ossoff", sort_name="Ossoff, Jon", slug="jon-ossoff")
        self.quiet = PersonFactory(name="Quiet Candidate", slug="quiet")
        Affiliation.objects.create(person=self.main, organization=self.party, role="member")
        self.race = Race.objects.create(
            election=self._election(),
            stage="primary",
            name="Primary",
            slug="primary",
            state=PUBLISHED,
            date=datetime.date(2020, 6, 9),
        )
        for person in (self.main, self.quiet):
            Candidacy.objects.create(person=person, race=self.race, party=self.party)
        self.lead = self._statement(self.main, [self.root], QuoteKind.PARTIAL, event=self.event)
        self.note = BackgroundNote.objects.create(title="Note", text="A fact.", state=PUBLISHED)
        self.note.topics.add(self.root)

    def _election(self):
        from statements.models import Election

        return Election.objects.create(
            name="Election",
            slug="election",
            office="Senate",
            jurisdiction="Georgia",
            year=2020,
            state=PUBLISHED,
        )

    def _statement(self, speaker, topics, kind, event=None, day=None):
        return StatementFactory(
            speaker=speaker,
            speaker_party=self.party,
            speaker_role="candidate",
            event=event or EventFactory(),
            said_on=day or datetime.date(2020, 5, 30),
            kind=kind,
            frame="called it" if kind == QuoteKind.PARTIAL else "",
            topics=topics,
            sources=[SourceFactory(outlet=self.outlet)],
        )

    def grow(self, to: int):
        kinds = [QuoteKind.DIRECT, QuoteKind.PARTIAL, QuoteKind.PARAPHRASE]
        for i in range(self.size, to):
            child = TopicFactory(parent=self.root if i % 2 else self.public_safety)
            grandchild = TopicFactory(parent=child)
            person = PersonFactory()
            Affiliation.objects.create(person=person, organization=self.party, role="member")
            Affiliation.objects.create(
                person=person,
                organization=OutletFactory(),
                role=f"role {i}",
                start_date=datetime.date(2019, 1, 1),
                end_date=datetime.date(2019, 12, 31),
            )
            Candidacy.objects.create(person=person, race=self.race, party=self.party)
            Race.objects.create(
                election=self.race.election,
                stage="general",
                name=f"Race {i}",
                slug=f"race-{i}",
                state=PUBLISHED,
            )
            day = datetime.date(2020, 1 + i % 12, 1 + i % 28)
            mine = self._statement(
                self.main, [child, grandchild], kinds[i % 3], event=self.event, day=day
            )
            theirs = self._statement(person, [child], kinds[(i + 1) % 3])
            self._statement(self.main, [TopicFactory(parent=child)], kinds[i % 3], day=day)
            # The lead statement gathers a topic, a source, reactions and a request per row.
            StatementTopic.objects.create(statement=self.lead, topic=grandchild)
            source = SourceFactory(outlet=self.outlet)
            StatementSource.objects.create(statement=self.lead, source=source)
            ReactionFactory(
                statement=self.lead,
                respondent=person,
                source=source,
                respondent_organization=self.party,
                stance=["agrees", "disagrees", "adds_context"][i % 3],
                interpretation="a reading" if i % 2 else "",
                text="First fragment.\n\nSecond fragment.",
            )
            # Reactions the main person gives, as their page shows them: some as a
            # party's member, with a reading of the words, or with how they were given.
            ReactionFactory(
                statement=theirs,
                respondent=self.main,
                source=source,
                respondent_role="spokesman" if i % 3 == 1 else "",
                respondent_organization=self.party if i % 2 else None,
                interpretation="his reading" if i % 2 else "",
                channel="in a statement" if i % 3 == 0 else "",
            )
            CommentRequest.objects.create(
                statement=self.lead,
                asked_organization=self.party,
                requested_by=self.outlet,
                subject="policy",
                repeated=bool(i % 2),
                requested_on=day,
                source=source,
            )
            for who, statement in ((self.main, mine), (person, theirs)):
                position = Position.objects.create(
                    person=who, topic=child, summary=f"Position {i}", as_of=day, state=PUBLISHED
                )
                position.statements.add(statement, self.lead)
                position.sources.add(source)
            Position.objects.create(
                person=self.main,
                topic=child,
                summary=f"Older position {i}",
                as_of=datetime.date(2019, 1, 1),
                state=PUBLISHED,
            )
            note = BackgroundNote.objects.create(title=f"Note {i}", text="Fact.", state=PUBLISHED)
            note.topics.add(child)
            note.sources.add(source)
            self.event.hosts.add(OutletFactory())
            Correction.objects.create(
                statement=self.lead,
                note=f"Correction {i}.",
                material=True,
                fields=["text"],
                record_version=1,
            )
        self.size = to

    def urls(self):
        people = ",".join(Person.objects.values_list("slug", flat=True))
        return [
            "/",
            self.lead.get_absolute_url(),
            f"/statements/{self.lead.pk}/embed/",
            f"/statements/{self.lead.pk}/card.png",
            f"/oembed?url=http://testserver/statements/{self.lead.pk}/",
            "/people/",
            f"/people/{self.main.slug}/",
            f"/people/{Person.objects.exclude(pk__in=[self.main.pk, self.quiet.pk]).first().slug}/",
            "/topics/",
            f"/topics/{self.root.slug}/",
            "/events/",
            f"/events/{self.event.slug}/",
            "/races/",
            f"/races/{self.race.slug}/",
            "/compare/",
            f"/compare/?people={self.main.slug},{self.quiet.slug}&topic={self.root.slug}",
            f"/compare/?people={people}&topic={self.public_safety.slug}",
            "/statements/",
            f"/statements/?speaker={self.main.slug}&topic={self.root.slug}",
            "/corrections/",
            "/healthz",
        ]


@pytest.fixture
def uncached_pages(settings):
    """Pages built every time: without the anonymous page cache, which would answer the
    second request of a query-counting test without running any of the page's code. (The
    shared pieces the pages cache themselves, such as the topic tree, stay cached.)"""
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("AnonymousPageCacheMiddleware")
    ]


def count_queries(client, url) -> int:
    get_ok(client, url)  # warm up
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, url)
    return len(queries.captured_queries)


# Queries a public page may run, whatever the size of the data.
PAGE_BUDGET = 8


def test_every_page_runs_a_constant_number_of_queries(client, uncached_pages):
    """Same number of queries with 3 and with 30 statements, reactions, sources, topics,
    people, candidates, positions, events, races and notes; never more than PAGE_BUDGET."""
    world = World()
    world.grow(3)
    small = {url: count_queries(client, url) for url in world.urls()}
    assert Statement.objects.count() == 1 + 3 * 3

    world.grow(30)
    assert Statement.objects.count() == 1 + 30 * 3
    assert Reaction.objects.filter(statement=world.lead).count() == 30
    assert Candidacy.objects.filter(race=world.race).count() == 32
    big = {url: count_queries(client, url) for url in world.urls()}

    assert len(small) == len(big)
    for (url, few), (big_url, many) in zip(small.items(), big.items(), strict=True):
        print(f"{big_url}: {few} queries with 3 rows, {many} with 30")
        assert few == many, (url, big_url, few, many)
        assert many <= PAGE_BUDGET, (big_url, many)

    # The big world really is on the pages (the budget is not met by showing nothing).
    text = page_text(get_ok(client, world.lead.get_absolute_url()))
    assert text.count("First fragment.") == 30
    assert "Older position" in page_text(get_ok(client, f"/people/{world.main.slug}/"))
    assert page_text(get_ok(client, f"/races/{world.race.slug}/")).count("Position 29") >= 1


def test_every_page_runs_as_many_queries_with_30_rows_as_with_3_after_a_write(
    client, uncached_pages
):
    """As above, on the first request after a write, when every per-generation fragment
    (cards, reactions, menus) is drawn afresh: drawing them reads nothing row by row."""

    def after_a_write(world: World, url: str) -> int:
        get_ok(client, url)
        StatementFactory(speaker=world.quiet, topics=[world.root])  # a new generation
        with CaptureQueriesContext(connection) as queries:
            get_ok(client, url)
        return len(queries.captured_queries)

    world = World()
    world.grow(3)
    small = {url: after_a_write(world, url) for url in world.urls()}
    world.grow(30)
    big = {url: after_a_write(world, url) for url in world.urls()}

    for (url, few), (big_url, many) in zip(small.items(), big.items(), strict=True):
        assert few == many, (url, big_url, few, many)


def test_every_page_keeps_its_budget_on_the_first_request_after_a_write(client, uncached_pages):
    """A write makes every per-generation fragment (cards, menus) obsolete: the first
    request after it rebuilds them, and must still keep within PAGE_BUDGET."""
    world = World()
    world.grow(3)
    for url in world.urls():
        get_ok(client, url)  # every fragment built
        StatementFactory(speaker=world.main, topics=[world.root])  # a write: new generation
        with CaptureQueriesContext(connection) as queries:
            get_ok(client, url)
        assert len(queries.captured_queries) <= PAGE_BUDGET, (url, len(queries.captured_queries))


def test_every_page_keeps_its_budget_on_the_first_request_after_a_topic_change(
    client, uncached_pages, django_capture_on_commit_callbacks
):
    """A topic's change renews the topic tree every page reads: the change reads it again
    as it commits, so the first reader after it stays within PAGE_BUDGET too."""
    world = World()
    world.grow(3)
    for n, url in enumerate(world.urls()):
        get_ok(client, url)
        with django_capture_on_commit_callbacks(execute=True):
            world.root.name = f"Root topic, renamed {n}"
            world.root.save()
        with CaptureQueriesContext(connection) as queries:
            get_ok(client, url)
        assert len(queries.captured_queries) <= PAGE_BUDGET, (url, len(queries.captured_queries))
    assert f"Root topic, renamed {n}" in page_text(get_ok(client, f"/topics/{world.root.slug}/"))


def test_a_topic_change_shows_on_the_next_request_though_the_tree_is_cached(client):
    """The topic tree is keyed on the topics' own stamp: a topic's change must renew it."""
    parent = TopicFactory(name="Immigration", slug="immigration")
    topic = TopicFactory(name="Border", slug="border", parent=parent)
    statement = StatementFactory(topics=[topic])
    for url in (statement.get_absolute_url(), "/statements/", "/topics/"):
        assert "Border" in page_text(get_ok(client, url))
    topic.name = "Border security"
    topic.save()
    parent.state = "draft"
    parent.save()
    for url in (statement.get_absolute_url(), "/statements/", "/topics/"):
        text = page_text(get_ok(client, url))
        assert "Border security" in text, url
        assert "Immigration" not in text, url


def test_topic_counts_are_exact_up_to_the_cap_then_say_so(client, settings):
    """A topic's count is exact, narrower topics included, each statement once; past
    COUNT_CAP it reads "N+" instead of scanning every link. A new statement counts at
    once: the counts are cached per content generation."""
    from statements.reading import tree as tree_module

    settings.PAGE_CACHE_EXCLUDED_PATHS = [*settings.PAGE_CACHE_EXCLUDED_PATHS, "/topics/"]
    parent = TopicFactory(name="Immigration", slug="immigration")
    child = TopicFactory(name="Border", slug="border", parent=parent)
    for day in range(3):
        StatementFactory(topics=[parent, child], said_on=datetime.date(2020, 1, 1 + day))
    StatementFactory(topics=[child], state="draft")
    assert "Statements on Immigration and narrower topics (3)" in page_text(
        get_ok(client, "/topics/immigration/")
    )
    StatementFactory(topics=[child])
    assert "(4)" in page_text(get_ok(client, "/topics/immigration/"))
    tree_module.COUNT_CAP = 2
    try:
        StatementFactory(topics=[child])  # a write: counts are taken again
        text = page_text(get_ok(client, "/topics/"))
        assert "2+ statements" in text
        assert "(2+)" in page_text(get_ok(client, "/topics/border/"))
    finally:
        tree_module.COUNT_CAP = 1000


def test_topic_page_pages_without_counting_and_stops_deep(client):
    topic = TopicFactory(slug="trade", name="Trade")
    speaker = PersonFactory()
    for day in range(45):
        StatementFactory(
            speaker=speaker,
            topics=[topic],
            said_on=datetime.date(2020, 1, 1) + datetime.timedelta(day),
        )
    first = get_ok(client, "/topics/trade/")
    assert first.content.decode().count('class="card ') == 20
    assert "Statements on Trade (45)" in page_text(first)
    assert 'href="?page=2"' in first.content.decode()
    assert "Jan. 1" not in page_text(first) and "February 14, 2020" in page_text(first)
    last = get_ok(client, "/topics/trade/?page=3")
    assert last.content.decode().count('class="card ') == 5
    assert 'rel="next"' not in last.content.decode()
    assert "January 1, 2020" in page_text(last)
    for odd in ("abc", "-1", "0", "99999999999"):
        get_ok(client, f"/topics/trade/?page={odd}")
    deep = page_text(get_ok(client, "/topics/trade/?page=26"))
    assert "newest 25 pages" in deep
    assert "No more" not in deep
    assert "There are no more statements" in page_text(get_ok(client, "/topics/trade/?page=9"))


def test_list_pages_survive_odd_page_numbers(client, demo):
    for url in ("/people/", "/events/"):
        for odd in ("abc", "-1", "0", "99999", "1" * 50):
            get_ok(client, f"{url}?page={odd}")


def test_server_error_page_is_written_for_people(client, settings, monkeypatch):
    from statements.public.views import home as home_view

    def explode(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(home_view.reading, "home_page", explode)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    text = page_text(response)
    assert "Something went wrong on our side" in text
    assert "not in anything you did" in text
    assert 'lang="en"' in response.content.decode()


def test_statement_page_lists_its_public_corrections(client, demo):
    statement = demo_statement("misguided")
    Correction.objects.create(
        statement=statement,
        note="The quoted word was misspelt.",
        material=True,
        fields=["text"],
        record_version=1,
    )
    text = page_text(get_ok(client, statement.get_absolute_url()))
    assert "Corrections" in text
    assert "The quoted word was misspelt." in text
    assert "the wording" in text


def test_an_edit_shows_on_the_next_list_request(client, publisher):
    """The list caches each card per statement version: an edit makes a new one."""
    statement = StatementFactory(context="Asked about ferries.", text="We will fund ferries.")
    assert "We will fund ferries." in client.get("/statements/").content.decode()
    assert "We will fund ferries." in client.get("/statements/").content.decode()  # cached
    statement.text = "We will fund ferries and bridges."
    editorial.update_record(
        record=statement,
        user=publisher,
        loaded_version=statement.version,
        note="The bridges were left out.",
    )
    body = client.get("/statements/").content.decode()
    assert "We will fund ferries and bridges." in body
    assert "We will fund ferries.</p>" not in body and "“We will fund ferries.”" not in body
    searched = client.get("/statements/?q=bridges").content.decode()
    assert "We will fund ferries and <mark>bridges</mark>." in searched


# --------------------------------------------------------------------------- favicon


@pytest.mark.parametrize("path", ["/", "/statements/", "/topics/"])
def test_every_page_names_its_icon(client, path):
    page = client.get(path).content.decode()
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page)
    assert icon, "no <link rel=icon>"
    assert icon.group(1) == static("favicon.svg")


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("favicon.svg")
    assert client.head("/favicon.ico").status_code == 302
    assert client.post("/favicon.ico").status_code == 405
    found = finders.find("favicon.svg")
    assert found, "static/favicon.svg is missing"
    with open(found, encoding="utf-8") as icon:
        svg = icon.read()
    assert svg.lstrip().startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert len(svg) < 2000


# --------------------------------------------------------------------------- follow links


def follow_links(body: str) -> dict[str, str]:
    """The visible feed links of a page (not the <link> tags in its head): text -> URL."""
    main = body.split('<main id="main"', 1)[1]
    links = re.findall(r'<a href="([^"]+)" type="application/(rss|atom)\+xml">([^<]+)</a>', main)
    return {text: html.unescape(url) for url, _kind, text in links}


@pytest.mark.parametrize(
    ("path", "feed", "title"),
    [
        ("/people/jon-ossoff/", "/people/jon-ossoff/feed/", "Statements by Jon Ossoff"),
        ("/topics/immigration/", "/topics/immigration/feed/", "Statements on Immigration"),
        (
            "/races/2020-georgia-us-senate-democratic-primary/",
            "/statements/feed/?race=2020-georgia-us-senate-democratic-primary",
            "Statements by candidates in",
        ),
        (
            "/statements/?speaker=jon-ossoff&topic=immigration",
            "/statements/feed/?speaker=jon-ossoff&topic=immigration",
            "Statements by Jon Ossoff on Immigration",
        ),
        ("/statements/", "/statements/feed/", "Statements · "),
    ],
)
def test_pages_show_a_follow_link_to_their_feed(client, demo, path, feed, title):
    links = follow_links(client.get(path).content.decode())
    assert links["Follow (RSS)"] == feed
    assert links["Atom"] == feed.replace("/feed/", "/feed/atom/", 1)
    for url in links.values():
        response = client.get(url)
        assert response.status_code == 200
        assert f"<title>{title}" in html.unescape(response.content.decode())


# --------------------------------------------------------------------------- prolific speakers


@pytest.fixture
def prolific(monkeypatch):
    """A speaker with more statements than the pages read in their first window: twelve
    recent ones on Trade, and older ones on Tariffs (two) and Quotas (one)."""
    from statements.reading import people, said

    monkeypatch.setattr(said, "WINDOW", 5)
    monkeypatch.setattr(people, "TIMELINE_LENGTH", 5)
    monkeypatch.setattr(people, "COUNT_CAP", 10)
    economy = TopicFactory(name="Economy", slug="economy")
    trade = TopicFactory(name="Trade", slug="trade", parent=economy)
    tariffs = TopicFactory(name="Tariffs", slug="tariffs", parent=economy)
    quotas = TopicFactory(name="Quotas", slug="quotas", parent=economy)
    speaker = PersonFactory(name="Pat Prolific", slug="pat-prolific")
    other = PersonFactory(name="Quinn Quiet", slug="quinn-quiet")
    day = datetime.date(2021, 1, 1)
    for n in range(12):
        StatementFactory(
            speaker=speaker,
            topics=[trade],
            text=f"Trade remark {n}.",
            said_on=day + datetime.timedelta(n),
        )
    for n, topic in enumerate([tariffs, tariffs, quotas]):
        StatementFactory(
            speaker=speaker,
            topics=[topic],
            text=f"Old remark {n} on {topic.name}.",
            said_on=datetime.date(2019, 1, 1) + datetime.timedelta(n),
        )
    StatementFactory(speaker=other, topics=[tariffs], text="Quinn on tariffs.", said_on=day)
    return speaker


def test_person_page_finds_topics_beyond_the_newest_statements(client, prolific, uncached_pages):
    url = f"/people/{prolific.slug}/"
    get_ok(client, url)
    with CaptureQueriesContext(connection) as queries:
        response = get_ok(client, url)
    assert len(queries) <= PAGE_BUDGET
    text = page_text(response)
    start = text.index("Other topics Pat Prolific spoke on")
    others = text[start : text.index("Recent statements", start)]
    # The newest three on Trade, and a link to the rest (not counted).
    for n in (11, 10, 9):
        assert f"Trade remark {n}." in others
    assert "Trade remark 8." not in others
    assert "All statements by Pat Prolific on Trade" in others
    # Topics only older statements touch are there too, complete, without a link.
    assert "Old remark 0 on Tariffs." in others and "Old remark 1 on Tariffs." in others
    assert "Old remark 2 on Quotas." in others
    assert "All statements by Pat Prolific on Tariffs" not in others
    # The count stops at the cap and says so.
    assert "All 10+ statements by Pat Prolific" in text
    assert "Showing the newest 5 of 10+ statements" in text
    assert "Quinn on tariffs." not in text


def test_a_persons_count_is_exact_up_to_the_cap_and_says_more_beyond_it(
    client, monkeypatch, uncached_pages
):
    """Counted up to COUNT_CAP + 1 in one walk of the index: exactly the cap reads as a
    number, one more as "cap+", and only published statements count."""
    from statements.reading import people

    monkeypatch.setattr(people, "COUNT_CAP", 3)
    speaker = PersonFactory(name="Cora Capped", slug="cora-capped")
    for n in range(3):
        StatementFactory(speaker=speaker, text=f"Counted remark {n}.")
    StatementFactory(speaker=speaker, text="A draft.", state=PublicationState.DRAFT)
    text = page_text(get_ok(client, "/people/cora-capped/"))
    assert "All 3 statements by Cora Capped" in text
    assert "3+" not in text

    StatementFactory(speaker=speaker, text="One more remark.")
    generation.bump()
    text = page_text(get_ok(client, "/people/cora-capped/"))
    assert "All 3+ statements by Cora Capped" in text


def test_a_prolific_persons_page_keeps_its_budget_on_the_first_request_after_a_write(
    client, prolific, uncached_pages
):
    """The heaviest person page: the window misses topics (one more query) and the chart,
    kept per content generation, is drawn again after a write."""
    url = f"/people/{prolific.slug}/"
    get_ok(client, url)
    StatementFactory(
        speaker=prolific,
        topics=[Topic.objects.get(slug="trade")],
        text="A new remark.",
        said_on=datetime.date(2022, 1, 1),
    )  # a write: a new generation
    with CaptureQueriesContext(connection) as queries:
        response = get_ok(client, url)
    assert len(queries) <= PAGE_BUDGET, "\n".join(q["sql"][:150] for q in queries.captured_queries)
    assert "A new remark." in page_text(response)
    assert "Old remark 2 on Quotas." in page_text(response)


def test_a_summary_resting_on_someone_elses_statement_shows_its_speaker_within_budget(
    client, prolific, uncached_pages
):
    """Nothing stops a summary resting on someone else's words: that card names them, on
    the first request after the write, in budget, and a draft speaker's words stay hidden."""
    url = f"/people/{prolific.slug}/"
    get_ok(client, url)
    quinn_said = Statement.objects.get(text="Quinn on tariffs.")
    drafted = StatementFactory(
        speaker=PersonFactory(name="Drew Draft", state=PublicationState.DRAFT),
        text="A draft speaker's words.",
    )
    position = Position.objects.create(
        person=prolific,
        topic=Topic.objects.get(slug="tariffs"),
        summary="Wants lower tariffs",
        as_of=datetime.date(2021, 1, 1),
        state=PublicationState.PUBLISHED,
    )
    position.statements.add(quinn_said, drafted)  # a write: a new generation
    with CaptureQueriesContext(connection) as queries:
        response = get_ok(client, url)
    assert len(queries) <= PAGE_BUDGET, "\n".join(q["sql"][:150] for q in queries.captured_queries)
    html = response.content.decode()
    cards = re.findall(r'<article class="card.*?</article>', html, re.S)
    (quinn_card,) = [card for card in cards if "Quinn on tariffs." in card]
    assert ">Quinn Quiet</a>" in quinn_card
    assert "A draft speaker" not in html and "Drew Draft" not in html


def test_a_statement_read_twice_on_a_person_page_has_a_complete_card_and_its_entries(
    client, prolific, uncached_pages
):
    """A new statement on Trade (which the newest statements fill) and on Quotas (which they
    do not: its statements are read again, ranked) is read twice, as two objects. Its card
    (among the recent statements) shows its sources and reactions, and each topic lists it
    as an entry: who, when, the words, linked."""
    both = StatementFactory(
        speaker=prolific,
        topics=[Topic.objects.get(slug="trade"), Topic.objects.get(slug="quotas")],
        text="Trade and quotas together.",
        said_on=datetime.date(2022, 1, 1),
    )
    ReactionFactory(statement=both)
    html = get_ok(client, f"/people/{prolific.slug}/").content.decode()
    cards = re.findall(r'<article class="card.*?</article>', html, re.S)
    its_cards = [card for card in cards if "Trade and quotas together." in card]
    assert len(its_cards) == 1
    assert f'1 reaction<span class="visually-hidden"> to statement {both.pk}' in its_cards[0]
    assert "Reported by " in its_cards[0]
    for slug in ("trade", "quotas"):
        topic = Topic.objects.get(slug=slug)
        start = html.index(f'id="topic-{topic.pk}-heading"')
        section = html[start : html.index("</section>", start)]
        entry = re.search(r'<li><p class="entry-head">.*?</li>', section, re.S).group(0)
        assert "Pat Prolific" in entry and 'datetime="2022-01-01"' in entry
        assert f'href="/statements/{both.pk}/"' in entry
        assert "Trade and quotas together." in entry


def test_a_person_pages_cached_cards_are_not_read_for_again(client, uncached_pages):
    """The cards a person page shows (recent, and behind a position: one statement can be
    both) are kept per content generation; once they are, the page does not read what they
    show besides their row, and shows the same cards. A write draws them afresh."""
    topic = TopicFactory(slug="water", name="Water")
    statement = StatementFactory(topics=[topic], text="Water for everyone.")
    ReactionFactory(statement=statement)
    position = Position.objects.create(
        person=statement.speaker,
        topic=topic,
        summary="Supports water for everyone.",
        as_of=statement.said_on,
        state=PUBLISHED,
    )
    position.statements.add(statement)
    url = f"/people/{statement.speaker.slug}/"

    def cards_and_queries() -> tuple[list[str], list[str]]:
        with CaptureQueriesContext(connection) as queries:
            html = get_ok(client, url).content.decode()
        cards = re.findall(r'<article class="card.*?</article>', html, re.S)
        return cards, [query["sql"] for query in queries.captured_queries]

    cards_and_queries()  # what is kept per content generation besides the cards
    caches["fragments"].clear()
    drawn, first = cards_and_queries()
    kept, second = cards_and_queries()
    assert len(drawn) == 2 and all("Water for everyone." in card for card in drawn)
    assert sorted(re.search(r'id="(recent|position)-', card).group(1) for card in drawn) == [
        "position",
        "recent",
    ]
    assert all("1 reaction" in card and "Reported by " in card for card in drawn)
    assert kept == drawn
    assert len(second) == len(first) - 2
    # The two left out read the cards' sources and reactions, and the reactions the person
    # gave, kept as drawn too (on PostgreSQL, prepared once per connection and then
    # executed by name).
    left_out = set(first) - set(second)
    assert len(left_out) == 2
    if connection.vendor != "postgresql":
        assert any("statements_statementsource" in sql for sql in left_out)
        assert any('"statements_reaction"."respondent_id" =' in sql for sql in left_out)
    else:
        assert all("EXECUTE read_" in sql for sql in left_out)

    StatementSource.objects.filter(statement=statement).delete()  # a write: a new generation
    redrawn, _queries = cards_and_queries()
    assert all("Reported by " not in card for card in redrawn)


def test_compare_finds_topics_beyond_the_newest_statements(client, prolific, uncached_pages):
    url = "/compare/?people=pat-prolific,quinn-quiet&topic=economy"
    get_ok(client, url)
    with CaptureQueriesContext(connection) as queries:
        response = get_ok(client, url)
    assert len(queries) <= PAGE_BUDGET
    text = page_text(response)
    grid = text[text.index("Positions side by side") :]
    assert "Trade remark 11." in grid and "Trade remark 8." not in grid
    assert "Old remark 0 on Tariffs." in grid and "Old remark 2 on Quotas." in grid
    assert "Quinn on tariffs." in grid
    assert grid.count("No recorded statement") == 2  # Quinn on Trade and on Quotas
    # The cell that shows only the newest links to the rest, without counting them.
    assert "All statements by Pat Prolific on Trade" in grid
    assert "All statements by Pat Prolific on Tariffs" not in grid


def test_cached_tree_and_compare_choices_follow_every_write(client, uncached_pages):
    """The topic tree and the people to compare are cached under the content generation:
    a write shows on the next request."""
    StatementFactory(
        speaker=PersonFactory(name="First Speaker"),
        topics=[TopicFactory(name="Long-standing topic")],
    )
    assert "First Speaker" in page_text(get_ok(client, "/compare/"))
    assert "Long-standing topic" in page_text(get_ok(client, "/topics/"))

    StatementFactory(
        speaker=PersonFactory(name="Second Speaker"),
        topics=[TopicFactory(name="Freshly added topic")],
    )
    assert "Second Speaker" in page_text(get_ok(client, "/compare/"))
    assert "Freshly added topic" in page_text(get_ok(client, "/topics/"))
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, "/compare/")
    assert len(queries) == 0  # both from the cache until the next write


def test_the_statement_page_says_the_quote_was_checked_against_the_stored_text(client, demo):
    from statements.demo import STATEMENTS

    statement = Statement.objects.get(text=STATEMENTS["S2"]["text"])
    paraphrase = Statement.objects.get(text=STATEMENTS["S4"]["text"])

    checked = client.get(statement.get_absolute_url()).content.decode()
    unchecked = client.get(paraphrase.get_absolute_url()).content.decode()

    assert "checked against this article's text as stored by the tracker" in checked
    assert "stand in it word for word" in checked
    assert "as stored by the tracker" not in unchecked


def test_reactions_and_comment_requests_are_read_without_their_source_s_full_text():
    request = make_comment_request()
    source = request.source
    source.text = "The whole article, as stored. " * 2000
    source.save()
    reaction = ReactionFactory(statement=request.statement, source=source)

    (read,) = visibility.reactions().filter(pk=reaction.pk)
    (asked,) = visibility.comment_requests().filter(pk=request.pk)

    for shown in (read.source, asked.source):
        assert "text" in shown.get_deferred_fields()
        assert (shown.title, shown.outlet.name) == (source.title, source.outlet.name)


def test_a_card_escapes_everything_an_editor_typed(client, uncached_pages):
    """The card is built in Python (reading/card_html.py): every name, word and note on
    it shows as text, never as markup."""
    person = PersonFactory(name="Pat <b>Bold</b>")
    party = PartyFactory(name="Party", abbreviation="L&<i>R</i>")
    broader = TopicFactory(name="Money & <i>tax</i>")
    topic = TopicFactory(name="Rates <s>low</s>", parent=broader)
    source = SourceFactory(outlet=OutletFactory(name="News <u>&</u> Co"))
    statement = StatementFactory(
        speaker=person,
        speaker_party=party,
        speaker_role="mayor <em>now</em>",
        event=EventFactory(name="Town <q>hall</q>"),
        kind=QuoteKind.PARTIAL,
        frame="said <em>flatly</em> that",
        text="<script>alert(1)</script> rates",
        date_inferred=True,
        date_inference_note='from the "report" <time>',
        topics=[topic],
        sources=[source],
    )
    ReactionFactory(
        statement=statement,
        respondent=None,
        respondent_role="",
        respondent_organization=OutletFactory(name="Fact <dfn>check</dfn>"),
        rating=Rating.FALSE,
        kind=QuoteKind.PARAPHRASE,
        text="It is <del>wrong</del> & false",
        source=source,
    )
    answered = StatementFactory(speaker=PersonFactory(name="Sam <i>Other</i>"))
    ReactionFactory(statement=answered, respondent=person, response_statement=statement, text="")

    html = get_ok(client, f"/statements/?speaker={person.slug}").content.decode()
    card = html[html.index('<article class="card') : html.index("</article>")]
    for tag in ("<b>", "<i>", "<s>", "<u>", "<em>", "<q>", "<script>", "<dfn>", "<del>"):
        assert tag not in card, tag
    assert (
        '<p class="words partial">Pat &lt;b&gt;Bold&lt;/b&gt; said &lt;em&gt;flatly&lt;/em&gt; '
        'that <span class="quoted">“&lt;script&gt;alert(1)&lt;/script&gt; rates”</span></p>'
    ) in card
    assert "Money &amp; &lt;i&gt;tax&lt;/i&gt; › Rates &lt;s&gt;low&lt;/s&gt;</a>" in card
    assert "(L&amp;&lt;i&gt;R&lt;/i&gt;), mayor &lt;em&gt;now&lt;/em&gt;</p>" in card
    assert "Town &lt;q&gt;hall&lt;/q&gt;</a>" in card
    assert 'title="from the &quot;report&quot; &lt;time&gt;">(date inferred)' in card
    assert "Reported by News &lt;u&gt;&amp;&lt;/u&gt; Co, <time" in card
    assert "Fact &lt;dfn&gt;check&lt;/dfn&gt;'s finding: False" in card
    assert "It is &lt;del&gt;wrong&lt;/del&gt; &amp; false" in card
    assert "Sam &lt;i&gt;Other&lt;/i&gt;'s statement</a>" in card


def test_the_timeline_mentions_escape_the_words_the_frame_and_the_topic_names(
    client, uncached_pages
):
    """The person page's timeline is built in Python (reading/brief_html.py): whatever an
    editor typed shows as text, never as markup."""
    person = PersonFactory(name="Pat <b>Bold</b>")
    topic = TopicFactory(name="Rates & <i>fees</i>")
    StatementFactory(
        speaker=person,
        kind=QuoteKind.PARTIAL,
        frame="said <em>flatly</em> that",
        text="<script>alert(1)</script> rates",
        topics=[topic],
    )
    StatementFactory(speaker=person, kind=QuoteKind.PARAPHRASE, text="fees & <u>taxes</u>")
    html = get_ok(client, f"/people/{person.slug}/").content.decode()
    timeline = html[html.index('id="timeline-heading"') :]
    assert "<script>" not in timeline and "<em>" not in timeline and "<u>" not in timeline
    assert (
        "Pat &lt;b&gt;Bold&lt;/b&gt; said &lt;em&gt;flatly&lt;/em&gt; that "
        '<span class="quoted">“&lt;script&gt;alert(1)&lt;/script&gt; rates”</span>'
    ) in timeline
    assert '<span class="small">on </span><span class="small">Rates &amp; &lt;i&gt;fees' in timeline
    assert "Pat &lt;b&gt;Bold&lt;/b&gt; said fees &amp; &lt;u&gt;taxes&lt;/u&gt;" in timeline


def test_the_entries_under_a_persons_topics_escape_what_an_editor_typed(client, uncached_pages):
    """The entries under a person's topics and in a race's grid are built in Python
    (reading/brief_html.py): names, frames, words and event names show as text."""
    person = PersonFactory(name="Pat <b>Bold</b>")
    topic = TopicFactory(name="Rates")
    event = EventFactory(name="Hall <i>one</i>")
    said = StatementFactory(
        speaker=person,
        event=event,
        kind=QuoteKind.PARTIAL,
        frame="said <em>flatly</em> that",
        text="<script>alert(1)</script> rates",
        topics=[topic],
    )
    html = get_ok(client, f"/people/{person.slug}/").content.decode()
    start = html.index(f'id="topic-{topic.pk}-heading"')
    section = html[start : html.index("</section>", start)]
    assert "<script>" not in section and "<em>" not in section and "<b>" not in section
    assert '<span class="entry-who">Pat &lt;b&gt;Bold&lt;/b&gt;</span>' in section
    assert (
        f'<a class="brief kind-partial" href="/statements/{said.pk}/">Pat &lt;b&gt;Bold&lt;/b&gt; '
        "said &lt;em&gt;flatly&lt;/em&gt; that "
        '<span class="quoted">“&lt;script&gt;alert(1)&lt;/script&gt; rates”</span></a>'
    ) in section
    entry = entry_html(said, show_event=True)
    assert '<span class="entry-where">at Hall &lt;i&gt;one&lt;/i&gt;</span>' in entry


def test_route_tag_is_url_resolved_once_and_follows_the_script_prefix():
    from django.template import Context, Template, TemplateSyntaxError
    from django.urls import get_script_prefix, reverse, set_script_prefix

    page = Template("{% load tracker %}<a href=\"{% route 'statements:compare' %}\">")
    assert page.render(Context()) == f'<a href="{reverse("statements:compare")}">'
    before = get_script_prefix()
    set_script_prefix("/tracker/")
    try:
        assert page.render(Context()) == '<a href="/tracker/compare/">'
    finally:
        set_script_prefix(before)
    assert page.render(Context()) == f'<a href="{reverse("statements:compare")}">'
    for bad in ("{% route %}", "{% route statements:compare %}", "{% route 'a' 'b' %}"):
        with pytest.raises(TemplateSyntaxError):
            Template("{% load tracker %}" + bad)


def test_a_tree_topic_keeps_its_card_link_for_the_address_it_was_made_for():
    """card_html.topic_link: a topic of the tree keeps its link with its breadcrumb, and
    makes it again where its address differs (another script prefix)."""
    from django.test.utils import override_script_prefix

    from statements.reading.card_html import topic_link
    from statements.reading.tree import TopicTree

    broad = TopicFactory(name="Public <safety>", slug="public-safety")
    narrow = TopicFactory(name="Policing", slug="policing", parent=broad)
    topic = TopicTree(list(Topic.objects.order_by("pk"))).by_id[narrow.pk]
    expected = '\n      <a href="/topics/policing/">Public &lt;safety&gt; › Policing</a>'
    assert topic_link(topic) == expected
    assert topic.card_link == ("/topics/policing/", expected)
    topic.name = "Renamed in memory"  # the kept link is used, not made again
    assert topic_link(topic) == expected
    with override_script_prefix("/tracker/"):
        assert topic_link(topic) == (
            '\n      <a href="/tracker/topics/policing/">Public &lt;safety&gt; › '
            "Renamed in memory</a>"
        )
    # A topic outside the tree (no trail) keeps nothing.
    loose = Topic.objects.get(pk=narrow.pk)
    assert "Public &lt;safety&gt; › Policing" in topic_link(loose)
    assert not hasattr(loose, "card_link")


def test_related_reads_a_prefetch_as_it_was_left_and_queries_without_one(
    django_assert_num_queries,
):
    from statements.reading.attached import as_prefetched, related

    topic = TopicFactory()
    statement = StatementFactory()
    statement.topics.add(topic)
    fresh = Statement.objects.get(pk=statement.pk)
    with django_assert_num_queries(1):
        assert related(fresh, "topics") == [topic]
    given = [TopicFactory(), topic]
    as_prefetched(fresh, "topics", given)
    with django_assert_num_queries(0):
        assert related(fresh, "topics") == given
    prefetched = Statement.objects.prefetch_related("topics").get(pk=statement.pk)
    with django_assert_num_queries(0):
        assert related(prefetched, "topics") == [topic]


def test_addresses_follow_the_script_prefix_and_urlconf_read_once_per_request(client, settings):
    """RoutesReadOnceMiddleware: a page under a script prefix links under it, and one
    with a urlconf of its own (request.urlconf, set by a middleware before it) links
    through that; outside a request, addresses read both again each time."""
    from django.test import Client
    from django.test.utils import override_script_prefix
    from django.urls import reverse

    from statements.caching import generation
    from statements.models.base import address

    statement = StatementFactory()
    link = f'href="/statements/{statement.pk}/"'
    with override_script_prefix("/tracker/"):  # as the WSGI handler sets it from SCRIPT_NAME
        under_prefix = client.get("/statements/").content.decode()
    assert f'href="/tracker/statements/{statement.pk}/"' in under_prefix
    assert link not in under_prefix

    # Pages and cards are cached by path and statement, a deployment having one prefix:
    # here, another prefix is as a write that changes every page and card.
    def every_page_and_card_changes():
        generation.bump()
        generation.bump(generation.CARDS)

    every_page_and_card_changes()
    assert link in client.get("/statements/").content.decode()

    routes = settings.MIDDLEWARE.index("tracker.middleware.RoutesReadOnceMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:routes],
        "tests.urls_under_a_folder.UnderAFolder",
        *settings.MIDDLEWARE[routes:],
    ]
    every_page_and_card_changes()
    in_folder = Client().get("/folder/statements/").content.decode()  # the new middleware
    assert f'href="/folder/statements/{statement.pk}/"' in in_folder
    assert link not in in_folder
    detail = reverse("statements:statement-detail", kwargs={"pk": statement.pk})
    assert address("statements:statement-detail", "pk", statement.pk) == detail == link[6:-1]


def test_a_persons_sections_read_their_fragments_in_one_call_per_run_whatever_their_number(
    client, monkeypatch, uncached_pages
):
    """The topics they spoke on, their timeline's months and the reactions they gave are
    each one run of sections (reading.person_html): as the runs grow, the page reads the
    fragments cache as many times, and shows every section."""
    from statements.caching import generation
    from statements.caching.fragments import FragmentCache

    reads = []
    real_get_many = FragmentCache.get_many

    def counted(self, keys, version=None):
        reads.append(len(keys))
        return real_get_many(self, keys, version=version)

    monkeypatch.setattr(FragmentCache, "get_many", counted)
    speaker = PersonFactory(name="Rita Runs", slug="rita-runs")

    def add(n: int) -> None:
        topic = TopicFactory(name=f"Run topic {n}", slug=f"run-topic-{n}")
        StatementFactory(
            speaker=speaker,
            topics=[topic],
            text=f"Remark number {n} on its topic.",
            said_on=datetime.date(2020, 1 + n, 10),
        )
        ReactionFactory(statement=StatementFactory(), respondent=speaker, text=f"Reply {n}.")

    def page() -> tuple[str, int]:
        generation.bump()
        reads.clear()
        text = page_text(get_ok(client, "/people/rita-runs/"))
        return text, len(reads)

    for n in range(2):
        add(n)
    _text, few = page()
    for n in range(2, 6):
        add(n)
    text, many = page()
    assert many == few
    for n in range(6):
        assert f"Run topic {n}" in text and f"Remark number {n} on its topic." in text
        assert f"Reply {n}." in text
        assert datetime.date(2020, 1 + n, 1).strftime("%B %Y") in text
