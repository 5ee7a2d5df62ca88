"""The article desk: a whole article in one save, with shared defaults, role and party
suggested, the verbatim check, reprints offered, and nothing lost or doubled."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import (
    Candidacy,
    CommentRequest,
    Election,
    Event,
    Organization,
    PublicationState,
    Race,
    Reaction,
    Source,
    StateChange,
    Statement,
)

from .factories import (
    OutletFactory,
    PartyFactory,
    PersonFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)
from .support import INTAKE_URL, desk_post

pytestmark = pytest.mark.django_db

DEBATE_DAY = datetime.date(2020, 10, 28)

# The practice case: the second Perdue–Ossoff debate, as the AP reported it.
OSSOFF_CRISIS = (
    "We are in the middle of a grave public health crisis. It is spiraling out of control "
    "because Washington politicians downplayed the crisis, ignored the medical science, "
    "undermined the doctors and scientists who knew what they\u2019re doing"
)
OSSOFF_PROTECTIONS = (
    "And senator David Perdue, in the middle of this health crisis, is still supporting "
    "efforts to repeal protections for Georgians with preexisting conditions."
)
PERDUE_COVID = (
    "Right now we\u2019ve got to get serious about beating COVID and then getting our economy "
    "going again. If you leave it to the Democrats, they want us locked down and continue to "
    "stay locked down"
)
PERDUE_AGENDA = (
    "He will say and do anything to hide this radical socialist agenda. The number one thing "
    "that will bankrupt us is the Green New Deal and socialized medicine"
)
OSSOFF_RETORT = (
    "There\u2019s the senator with the catchphrases again. But no substance, little truth and "
    "no sense of personal responsibility"
)


@pytest.fixture
def race():
    """The 2020 Senate race in Georgia: Ossoff and Perdue running in the general."""
    democrats = PartyFactory(name="Democratic Party")
    republicans = PartyFactory(name="Republican Party")
    election = Election.objects.create(
        name="2020 U.S. Senate election in Georgia",
        slug="2020-georgia-us-senate",
        office="U.S. Senate",
        jurisdiction="Georgia",
        year=2020,
        state="published",
    )
    primary = Race.objects.create(
        election=election,
        stage=Race.Stage.PRIMARY,
        name="Democratic primary",
        slug="primary",
        date=datetime.date(2020, 6, 9),
        state="published",
    )
    general = Race.objects.create(
        election=election,
        stage=Race.Stage.GENERAL,
        name="General election",
        slug="general",
        date=datetime.date(2020, 11, 3),
        state="published",
    )
    ossoff = PersonFactory(name="Jon Ossoff")
    perdue = PersonFactory(name="David Perdue")
    Candidacy.objects.create(person=ossoff, race=primary, party=democrats)
    Candidacy.objects.create(person=ossoff, race=general, party=democrats)
    Candidacy.objects.create(person=perdue, race=general, party=republicans, incumbent=True)
    return {
        "ossoff": ossoff,
        "perdue": perdue,
        "democrats": democrats,
        "republicans": republicans,
        "health": TopicFactory(name="Public health"),
        "economy": TopicFactory(name="Economy"),
    }


def new_source(**extra):
    return {
        "new_outlet": "Associated Press",
        "title": "Perdue, Ossoff meet in 2nd Georgia Senate debate",
        "author": "Ben Nadler",
        "published_on": "2020-10-28",
        "url": "https://apnews.com/article/perdue-ossoff-second-debate",
        **extra,
    }


def new_event(**extra):
    return {
        "name": "Second Perdue–Ossoff debate",
        "kind": Event.Kind.DEBATE,
        "date": "2020-10-28",
        "date_precision": "day",
        "location": "Savannah, Georgia",
        "new_hosts": "WTOC-TV",
        **extra,
    }


def debate_rows(race):
    return [
        {"speaker": race["ossoff"], "text": OSSOFF_CRISIS},
        {"speaker": race["ossoff"], "text": OSSOFF_PROTECTIONS},
        {"speaker": race["perdue"], "text": PERDUE_COVID, "replies_to": 0, "stance": "disagrees"},
        {"speaker": race["perdue"], "text": PERDUE_AGENDA, "topics": [race["economy"]]},
        {"speaker": race["ossoff"], "text": OSSOFF_RETORT, "replies_to": 3, "stance": "disagrees"},
    ]


def test_the_desk_renders_for_an_editor(editor_client):
    response = editor_client.get(INTAKE_URL)

    assert response.status_code == 200
    content = response.content.decode()
    for heading in ["The article", "The event", "Shared defaults", "Statements", "Reactions"]:
        assert heading in content
    assert "Campaign stop or rally" in content  # the event kinds journalists use


def test_an_editor_enters_the_debate_in_one_save_into_review(editor_client, editor, race):
    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source=new_source(),
            event=new_event(),
            shared={"kind": "direct", "topics": [race["health"]]},
            statements=debate_rows(race),
            button="_submit",
        ),
    )

    assert response.status_code == 302, response.content.decode()[:4000]
    source = Source.objects.get(title__startswith="Perdue, Ossoff meet")
    assert source.outlet.name == "Associated Press"
    assert source.outlet.kind == Organization.Kind.NEWS
    event = Event.objects.get(name="Second Perdue–Ossoff debate")
    assert event.kind == Event.Kind.DEBATE
    assert [host.name for host in event.hosts.all()] == ["WTOC-TV"]
    assert event.slug == "second-perdue-ossoff-debate-2020-10-28"
    statements = list(Statement.objects.order_by("id"))
    assert [s.text for s in statements] == [
        OSSOFF_CRISIS,
        OSSOFF_PROTECTIONS,
        PERDUE_COVID,
        PERDUE_AGENDA,
        OSSOFF_RETORT,
    ]
    for statement in statements:
        assert statement.event == event
        assert statement.said_on == DEBATE_DAY
        assert list(statement.sources.all()) == [source]
        assert statement.state == PublicationState.REVIEW
    ossoff, perdue = statements[0], statements[2]
    # Role and party at the time, from the race they were running in that day.
    assert ossoff.speaker_role == "candidate, U.S. Senate, Georgia"
    assert ossoff.speaker_party == race["democrats"]
    assert perdue.speaker_role == "incumbent and candidate, U.S. Senate, Georgia"
    assert perdue.speaker_party == race["republicans"]
    assert [t.name for t in statements[0].topics.all()] == ["Public health"]
    assert [t.name for t in statements[3].topics.all()] == ["Economy"]
    # Each statement belongs to the race its speaker was running in that day: the general.
    assert {(s.candidacy.person, s.candidacy.race.stage) for s in statements} == {
        (race["ossoff"], Race.Stage.GENERAL),
        (race["perdue"], Race.Stage.GENERAL),
    }
    # A statement that answers another is a reaction to it too, recorded once: the
    # reaction is that statement, and reads its words from it.
    reactions = list(Reaction.objects.order_by("id"))
    assert [(r.statement, r.respondent, r.words) for r in reactions] == [
        (statements[0], race["perdue"], PERDUE_COVID),
        (statements[3], race["ossoff"], OSSOFF_RETORT),
    ]
    assert [r.response_statement for r in reactions] == [statements[2], statements[4]]
    assert {r.text for r in reactions} == {""}
    assert {r.stance for r in reactions} == {"disagrees"}
    assert {r.state for r in reactions} == {PublicationState.REVIEW}
    assert source.state == event.state == source.outlet.state == PublicationState.REVIEW
    submitted = StateChange.objects.filter(to_state=PublicationState.REVIEW, user=editor)
    assert submitted.count() == 5 + 2 + 4  # statements, reactions, outlet, host, event, source


def test_a_draft_save_leaves_everything_a_draft(editor_client, race):
    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source=new_source(),
            event=new_event(),
            statements=debate_rows(race)[:1],
            button="_save",
        ),
    )

    assert response.status_code == 302
    assert set(Statement.objects.values_list("state", flat=True)) == {PublicationState.DRAFT}
    assert not StateChange.objects.exists()


def test_a_row_overrides_the_defaults_and_the_date_goes_as_a_group(editor_client, race):
    editor_client.post(
        INTAKE_URL,
        desk_post(
            source=new_source(),
            event=new_event(),
            shared={"speaker": race["ossoff"], "kind": "direct"},
            statements=[
                {"text": OSSOFF_CRISIS},
                {
                    "text": "idle chatter",
                    "speaker": race["perdue"],
                    "kind": "partial",
                    "frame": "called Ossoff's remarks",
                    "said_on": "2020-10-12",
                    "date_inferred": True,
                    "date_inference_note": "The first debate, which the story dates October 12.",
                },
            ],
        ),
    )

    first, second = Statement.objects.order_by("id")
    assert (first.speaker, first.said_on, first.kind) == (race["ossoff"], DEBATE_DAY, "direct")
    assert (second.speaker, second.kind, second.frame) == (
        race["perdue"],
        "partial",
        "called Ossoff's remarks",
    )
    assert (second.said_on, second.date_inferred) == (datetime.date(2020, 10, 12), True)
    # Perdue named his own speaker: his role is suggested for him, not the default's.
    assert second.speaker_party == race["republicans"]


def test_reactions_and_comment_requests_attach_to_rows_or_recorded_statements(editor_client, race):
    recorded = StatementFactory(speaker=race["ossoff"], state="draft")
    campaign = Organization.objects.create(name="Ossoff campaign", slug="ossoff-campaign")

    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source=new_source(),
            event=new_event(),
            statements=debate_rows(race)[:1],
            reactions=[
                {
                    "to_row": 0,
                    "respondent": race["perdue"],
                    "stance": "disagrees",
                    "kind": "paraphrase",
                    "text": "the crisis was handled well",
                },
                {
                    "to_statement": recorded,
                    "respondent": race["perdue"],
                    "stance": "interprets",
                    "interpretation": "a call for lockdowns",
                    "kind": "partial",
                    "text": "locked down",
                },
            ],
            comments=[
                {
                    "to_row": 0,
                    "asked_organization": campaign,
                    "subject": "the health plan",
                    "repeated": True,
                }
            ],
        ),
    )

    assert response.status_code == 302, response.content.decode()[:4000]
    statement = Statement.objects.get(text=OSSOFF_CRISIS)
    source = statement.sources.get()
    assert statement.reactions.get().text == "the crisis was handled well"
    assert recorded.reactions.get().interpretation == "a call for lockdowns"
    request = CommentRequest.objects.get()
    assert (request.statement, request.asked, request.repeated) == (statement, campaign, True)
    assert request.requested_by == source.outlet  # the article's outlet asked
    assert request.outcome == CommentRequest.Outcome.NO_RESPONSE


def test_prefilled_from_a_source_and_an_event(editor_client):
    statement = StatementFactory()
    source = statement.sources.get()

    response = editor_client.get(f"{INTAKE_URL}?source={source.pk}&event={statement.event_id}")

    assert response.context["desk"].source["source"].value() == source.pk
    assert response.context["desk"].event["event"].value() == statement.event_id


def test_the_statement_page_links_to_the_desk_prefilled(editor_client):
    statement = StatementFactory()
    source = statement.sources.get()

    response = editor_client.get(f"/admin/statements/statement/{statement.pk}/change/")

    content = response.content.decode()
    assert f"{INTAKE_URL}?source={source.pk}" in content
    assert "Add another statement from this source" in content
    assert f"{INTAKE_URL}?event={statement.event_id}&amp;source={source.pk}" in content
    assert "Add another statement from this event" in content


# Errors beside their fields, in plain words, and nothing typed is lost -------------------


def test_a_missing_source_is_said_plainly_beside_its_field(editor_client, race):
    response = editor_client.post(
        INTAKE_URL, desk_post(event=new_event(), statements=debate_rows(race)[:2])
    )

    assert response.status_code == 200
    desk = response.context["desk"]
    assert desk.source.errors["source"] == [
        "Choose the article these statements come from, or give its headline below: every "
        "statement needs a source."
    ]
    assert "Please submit" not in response.content.decode()
    # Everything typed is still on the page.
    assert desk.statements.forms[1]["text"].value() == OSSOFF_PROTECTIONS
    assert desk.event["name"].value() == "Second Perdue–Ossoff debate"
    assert not Statement.objects.exists()


def test_a_row_without_a_speaker_or_a_date_says_so_beside_the_field(editor_client):
    response = editor_client.post(
        INTAKE_URL, desk_post(source=new_source(), statements=[{"text": "Words."}])
    )

    assert response.status_code == 200
    row = response.context["desk"].statements.forms[0]
    assert "Who said it?" in row.errors["speaker"][0]
    assert "When was it said?" in row.errors["said_on"][0]
    assert not Source.objects.exists()


def test_a_refusal_by_the_services_saves_nothing(editor_client, race):
    """A partial quote with no frame is fine; a paraphrase with a frame is refused by the
    model's constraint: the whole article is refused, beside the row's field."""
    rows = debate_rows(race)
    rows[4] |= {"kind": "paraphrase", "frame": "shot back"}

    response = editor_client.post(
        INTAKE_URL, desk_post(source=new_source(), event=new_event(), statements=rows)
    )

    assert response.status_code == 200
    row = response.context["desk"].statements.forms[4]
    assert "Only a partial quote has a frame around its words." in str(row.errors)
    assert not Statement.objects.exists()
    assert not Source.objects.exists()
    assert not Organization.objects.filter(name="Associated Press").exists()


def test_a_double_submit_creates_the_article_once(editor_client, race):
    data = desk_post(
        source=new_source(),
        event=new_event(),
        statements=debate_rows(race),
        token=str(uuid.uuid4()),
    )

    first = editor_client.post(INTAKE_URL, data)
    second = editor_client.post(INTAKE_URL, data)

    assert first.status_code == second.status_code == 302
    assert Statement.objects.count() == 5
    assert Source.objects.count() == 1
    source = Source.objects.get()
    assert second.url.endswith(f"?source={source.pk}")


def test_the_desk_costs_the_same_queries_at_any_number_of_rows(editor_client):
    source = SourceFactory()

    def queries(rows):
        data = desk_post(statements=[{}] * rows, button="_more_rows")
        url = f"{INTAKE_URL}?source={source.pk}"
        editor_client.post(url, data)  # warm per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = editor_client.post(url, data)
        assert response.status_code == 200
        assert len(response.context["rows"]) == rows + 3
        return len(captured)

    first = editor_client.get(f"{INTAKE_URL}?source={source.pk}")
    assert first.status_code == 200
    few, many = queries(3), queries(30)
    print(f"Article desk: {few} queries at 6 statement rows, {many} at 33")
    assert many == few


# Reprints: the same quote from another outlet is one statement with two sources -------

AJC_RETORT = OSSOFF_RETORT.replace("\u2019", "'")  # the AJC's copy prints straight marks


@pytest.fixture
def ajc_retort(race):
    """The retort as first recorded, from the Atlanta Journal-Constitution's copy."""
    ajc = SourceFactory(outlet=OutletFactory(name="Atlanta Journal-Constitution"), state="draft")
    return StatementFactory(
        speaker=race["ossoff"], text=AJC_RETORT, sources=[ajc], state="draft", event=None
    )


def test_the_same_quote_in_curly_marks_is_offered_as_the_recorded_statement(
    editor_client, race, ajc_retort
):
    data = desk_post(
        source=new_source(),
        event=new_event(),
        statements=[{"speaker": race["ossoff"], "text": OSSOFF_RETORT}],
    )

    offered = editor_client.post(INTAKE_URL, data)

    assert offered.status_code == 200
    plan = offered.context["rows"][0]["plan"]
    assert plan.reprint_of == [ajc_retort]
    assert f'value="add:{ajc_retort.pk}"' in offered.content.decode()
    assert "already has this quote" in str(offered.context["desk"].statements.forms[0].errors)
    assert Statement.objects.count() == 1

    accepted = editor_client.post(
        INTAKE_URL, data | {"statements-0-reprint": f"add:{ajc_retort.pk}"}
    )

    assert accepted.status_code == 302
    assert Statement.objects.count() == 1
    ajc_retort.refresh_from_db()
    assert ajc_retort.text == AJC_RETORT  # the first outlet's words, byte for byte
    assert sorted(s.outlet.name for s in ajc_retort.sources.all()) == [
        "Associated Press",
        "Atlanta Journal-Constitution",
    ]


def test_the_editor_may_still_enter_it_as_a_new_statement(editor_client, race, ajc_retort):
    data = desk_post(
        source=new_source(),
        event=new_event(),
        statements=[{"speaker": race["ossoff"], "text": OSSOFF_RETORT, "reprint": "new"}],
    )

    response = editor_client.post(INTAKE_URL, data)

    assert response.status_code == 302
    assert Statement.objects.count() == 2


def test_a_one_word_difference_is_not_offered(editor_client, race, ajc_retort):
    other = OSSOFF_RETORT.replace("little truth", "less truth")

    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source=new_source(),
            event=new_event(),
            statements=[{"speaker": race["ossoff"], "text": other}],
            button="_check",
        ),
    )

    assert response.context["rows"][0]["plan"].reprint_of == []
    assert "already has this quote" not in response.content.decode()


def test_the_same_words_by_someone_else_are_not_a_reprint(editor_client, race, ajc_retort):
    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source=new_source(),
            statements=[
                {"speaker": race["perdue"], "text": OSSOFF_RETORT, "said_on": "2020-10-28"}
            ],
            button="_check",
        ),
    )

    assert response.context["rows"][0]["plan"].reprint_of == []


# The verbatim check against the article's stored text -----------------------------------


@pytest.fixture
def seed_source():
    from statements.demo import ARTICLE

    return SourceFactory(title="Ossoff: Local Law Enforcement…", text=ARTICLE, state="draft")


def test_quotes_found_in_the_stored_text_are_shown_found(editor_client, seed_source):
    speaker = PersonFactory(name="Jon Ossoff")
    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source={"source": seed_source},
            shared={"speaker": speaker, "said_on": "2020-05-30", "kind": "direct"},
            statements=[
                # Curly marks, a one-character ellipsis and a plain space for the
                # article's straight marks, "...." and no-break space.
                {
                    "text": "bonds of trust between local law enforcement and local "
                    "communities\u2026. We can\u2019t live in a society"
                },
                {"text": "misguided", "kind": "partial", "frame": "called the program"},
                {"text": "he would target those who hire illegal immigrants", "kind": "paraphrase"},
            ],
            button="_check",
        ),
    )

    plans = [row["plan"] for row in response.context["rows"][:3]]
    assert plans[0].verbatim.found
    assert plans[0].verbatim.passage == (
        "bonds of trust between local law enforcement and local communities....\u00a0We can't "
        "live in a society"
    )
    assert plans[1].verbatim.found
    assert plans[2].verbatim is None  # a paraphrase is not checked
    assert "Found in the source" in response.content.decode()


def test_a_changed_word_is_not_found_and_blocks_the_save_until_kept(editor_client, seed_source):
    speaker = PersonFactory(name="Jon Ossoff")
    changed = "I don't think it's the role of state law enforcement to enforce federal law"
    data = desk_post(
        source={"source": seed_source},
        shared={"speaker": speaker, "said_on": "2020-05-30"},
        statements=[{"text": changed, "kind": "direct"}],
    )

    refused = editor_client.post(INTAKE_URL, data)

    assert refused.status_code == 200
    errors = refused.context["desk"].statements.forms[0].errors["text"]
    assert "These words are not in the source's text" in errors[0]
    assert "I don't think it's the role of local law enforcement" in errors[0]
    assert "Not found in the source" in refused.content.decode()
    assert not Statement.objects.exists()

    kept = editor_client.post(INTAKE_URL, data | {"statements-0-keep_unverified": "on"})

    assert kept.status_code == 302
    assert Statement.objects.get().text == changed


def test_the_statement_page_in_the_admin_shows_the_verbatim_check(editor_client, seed_source):
    found = StatementFactory(text="misguided", kind="partial", sources=[seed_source])
    changed = StatementFactory(
        text="It is important that there be bonds of truth", sources=[seed_source]
    )

    shown = editor_client.get(f"/admin/statements/statement/{found.pk}/change/")
    missing = editor_client.get(f"/admin/statements/statement/{changed.pk}/change/")

    assert "Found in the source" in shown.content.decode()
    content = missing.content.decode()
    assert "<strong>Not found</strong>" in content
    assert "Closest passage: “&quot;It is important that there be bonds of trust" in content


def test_a_row_at_another_recorded_event_takes_that_events_date(editor_client, race):
    first_debate = Event.objects.create(
        name="First Perdue–Ossoff debate",
        slug="first-debate",
        kind=Event.Kind.DEBATE,
        date=datetime.date(2020, 10, 12),
        online=True,
        state="published",
    )

    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source=new_source(),
            event=new_event(),
            statements=[
                {"speaker": race["perdue"], "text": "idle chatter", "event": first_debate},
                {"speaker": race["perdue"], "text": PERDUE_AGENDA},
            ],
        ),
    )

    assert response.status_code == 302
    at_first, at_second = Statement.objects.order_by("id")
    assert (at_first.event, at_first.said_on) == (first_debate, datetime.date(2020, 10, 12))
    assert at_second.said_on == DEBATE_DAY
    assert at_second.event.name == "Second Perdue–Ossoff debate"


def test_an_empty_page_saves_nothing_and_says_why(editor_client):
    source = SourceFactory()

    response = editor_client.post(INTAKE_URL, desk_post(source={"source": source}))

    assert response.status_code == 200
    assert "Enter at least one statement." in response.content.decode()
    assert not Statement.objects.exists()
