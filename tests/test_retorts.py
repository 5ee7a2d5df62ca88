"""A statement that answers a statement (a retort in a debate), recorded once: the
reaction is the respondent's own statement and reads its words from it; it shows on
both statements' pages, and is counted once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.test.utils import CaptureQueriesContext

from statements.models import Person, PublicationState, QuoteKind, Reaction, Statement
from statements.reading.people import with_statement_counts

from .factories import PersonFactory, ReactionFactory, SourceFactory, StatementFactory
from .support import INTAKE_URL, admin_url, desk_post
from .test_views import PAGE_BUDGET, get_ok, page_text

pytestmark = pytest.mark.django_db

DEBATE_DAY = datetime.date(2020, 10, 28)
PERDUE_AGENDA = (
    "He will say and do anything to hide this radical socialist agenda. The number one thing "
    "that will bankrupt us is the Green New Deal and socialized medicine"
)
OSSOFF_RETORT = (
    "There\u2019s the senator with the catchphrases again. But no substance, little truth and "
    "no sense of personal responsibility"
)


@pytest.fixture
def uncached_pages(settings):
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("AnonymousPageCacheMiddleware")
    ]


@pytest.fixture
def debate():
    """Perdue's claim, and Ossoff's retort: his statement and his reaction to Perdue's."""
    article = SourceFactory(title="Perdue, Ossoff meet in 2nd Georgia Senate debate")
    perdue = PersonFactory(name="David Perdue", sort_name="Perdue, David", slug="david-perdue")
    ossoff = PersonFactory(name="Jon Ossoff", sort_name="Ossoff, Jon", slug="jon-ossoff")
    claim = StatementFactory(
        speaker=perdue, text=PERDUE_AGENDA, said_on=DEBATE_DAY, sources=[article]
    )
    retort = StatementFactory(
        speaker=ossoff, text=OSSOFF_RETORT, said_on=DEBATE_DAY, sources=[article]
    )
    reaction = ReactionFactory(
        statement=claim,
        respondent=ossoff,
        respondent_role="candidate, U.S. Senate, Georgia",
        stance=Reaction.Stance.DISAGREES,
        text="",
        response_statement=retort,
        source=article,
        reacted_on=DEBATE_DAY,
    )
    return {
        "article": article,
        "perdue": perdue,
        "ossoff": ossoff,
        "claim": claim,
        "retort": retort,
        "reaction": reaction,
    }


# --------------------------------------------------------------------------- the model


def test_the_words_are_the_statements_never_a_copy(debate):
    reaction = Reaction.objects.get(pk=debate["reaction"].pk)
    assert reaction.text == ""
    assert reaction.words == OSSOFF_RETORT
    assert reaction.fragments == [OSSOFF_RETORT]
    assert reaction.words_kind == QuoteKind.DIRECT
    # A correction of the statement is the reaction's correction too.
    Statement.objects.filter(pk=debate["retort"].pk).update(kind="paraphrase", text="he scoffed")
    reaction = Reaction.objects.get(pk=reaction.pk)
    assert (reaction.words, reaction.words_kind) == ("he scoffed", "paraphrase")


def test_a_copy_of_the_words_is_refused(debate):
    reaction = debate["reaction"]
    reaction.text = OSSOFF_RETORT
    with pytest.raises(ValidationError) as refused:
        reaction.full_clean()
    assert "text" in refused.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        Reaction.objects.filter(pk=reaction.pk).update(text=OSSOFF_RETORT)


def test_a_reaction_without_its_own_statement_needs_words(debate):
    with transaction.atomic(), pytest.raises(IntegrityError):
        ReactionFactory(statement=debate["claim"], text="")


def test_the_statement_must_be_the_respondents(debate):
    reaction = debate["reaction"]
    reaction.respondent = debate["perdue"]
    with pytest.raises(ValidationError) as refused:
        reaction.full_clean()
    assert "Choose a statement by the respondent" in str(refused.value)


def test_a_statement_cannot_answer_itself(debate):
    reaction = Reaction(
        statement=debate["retort"],
        respondent=debate["ossoff"],
        stance=Reaction.Stance.DISAGREES,
        response_statement=debate["retort"],
        source=debate["article"],
    )
    with pytest.raises(ValidationError) as refused:
        reaction.full_clean()
    assert "A statement cannot answer itself." in str(refused.value)


def test_the_statement_cannot_be_deleted_from_under_its_reaction(debate):
    with pytest.raises(ProtectedError):
        debate["retort"].delete()


# --------------------------------------------------------------------------- both places


def test_it_shows_on_the_answered_statements_page_linking_to_the_retort(client, debate):
    response = get_ok(client, debate["claim"].get_absolute_url())
    body = response.content.decode()
    text = page_text(response)
    reactions = text[text.index("Reactions What other people") : text.index("Sources")]
    assert "Jon Ossoff, candidate, U.S. Senate, Georgia" in reactions
    assert f"“{OSSOFF_RETORT}”" in reactions
    assert "Also recorded as Jon Ossoff's own statement of October 28, 2020" in reactions
    assert f'href="{debate["retort"].get_absolute_url()}"' in body


def test_the_retorts_page_says_what_it_answers_and_links_back(client, debate):
    response = get_ok(client, debate["retort"].get_absolute_url())
    text = page_text(response)
    assert (
        "In reply to David Perdue's direct quote of October 28, 2020: recorded once, as Jon "
        "Ossoff's statement and as a reaction (disagrees) to it." in text
    )
    link = f"{debate['claim'].get_absolute_url()}#reaction-{debate['reaction'].pk}"
    assert f'href="{link}"' in response.content.decode()


def test_the_retorts_card_says_what_it_answers(client, debate):
    body = get_ok(client, "/statements/").content.decode()
    card = body[body.index(f"statement-{debate['retort'].pk}-label") :]
    card = card[: card.index("</article>")]
    assert "In reply to" in card
    assert f'href="{debate["claim"].get_absolute_url()}"' in card
    assert "David Perdue's statement" in card


# --------------------------------------------------------------------------- counted once


def test_it_is_counted_once(client, debate):
    """Ossoff: one statement, no reaction to others (the retort is his statement);
    Perdue's claim: one reaction (the retort)."""
    people = {
        p.slug: (p.statement_count, p.reaction_count)
        for p in with_statement_counts(Person.objects.all())
    }
    assert people["jon-ossoff"] == (1, 0)
    assert people["david-perdue"] == (1, 0)
    assert "1 statement · 0 reactions to others" in page_text(get_ok(client, "/people/"))
    ossoff_page = page_text(get_ok(client, "/people/jon-ossoff/"))
    assert "No published reaction by Jon Ossoff to anyone else's statement." in ossoff_page
    assert OSSOFF_RETORT in ossoff_page  # as his statement
    cards = page_text(get_ok(client, "/statements/"))
    assert cards.count("1 reaction to statement") == 1
    assert len(client.get("/api/v1/statements/").json()["results"]) == 2
    assert len(client.get("/api/v1/reactions/").json()["results"]) == 1


def test_an_ordinary_reaction_still_counts_for_its_person(debate):
    ReactionFactory(statement=debate["claim"], respondent=debate["ossoff"], text="Wrong.")
    ossoff = with_statement_counts(Person.objects.filter(slug="jon-ossoff")).get()
    assert (ossoff.statement_count, ossoff.reaction_count) == (1, 1)


# --------------------------------------------------------------------------- visibility


@pytest.mark.parametrize("state", [PublicationState.DRAFT, PublicationState.REVIEW])
def test_a_draft_retort_statement_hides_the_reaction_everywhere(client, debate, state):
    Statement.objects.filter(pk=debate["retort"].pk).update(state=state)
    pages = [
        debate["claim"].get_absolute_url(),
        "/statements/",
        "/people/jon-ossoff/",
        "/api/v1/reactions/",
        f"/api/v1/statements/{debate['claim'].pk}/",
    ]
    for url in pages:
        assert "catchphrases" not in get_ok(client, url).content.decode(), url
    assert client.get(f"/api/v1/reactions/{debate['reaction'].pk}/").status_code == 404
    assert client.get(debate["retort"].get_absolute_url()).status_code == 404


def test_a_draft_reaction_leaves_the_statement_alone(client, debate):
    Reaction.objects.filter(pk=debate["reaction"].pk).update(state=PublicationState.DRAFT)
    text = page_text(get_ok(client, debate["retort"].get_absolute_url()))
    assert OSSOFF_RETORT in text
    assert "In reply to" not in text
    assert "catchphrases" not in get_ok(client, debate["claim"].get_absolute_url()).content.decode()
    assert "In reply to" not in page_text(get_ok(client, "/statements/"))


def test_a_draft_answered_statement_hides_the_reply_note(client, debate):
    Statement.objects.filter(pk=debate["claim"].pk).update(state=PublicationState.DRAFT)
    text = page_text(get_ok(client, debate["retort"].get_absolute_url()))
    assert OSSOFF_RETORT in text
    assert "In reply to" not in text
    assert "David Perdue's" not in text
    assert "In reply to" not in page_text(get_ok(client, "/statements/"))


# --------------------------------------------------------------------------- budgets


def query_count(client, url) -> int:
    get_ok(client, url)
    with CaptureQueriesContext(connection) as captured:
        get_ok(client, url)
    return len(captured)


def test_both_pages_keep_their_query_budget(client, debate, uncached_pages):
    claim_url, retort_url = debate["claim"].get_absolute_url(), debate["retort"].get_absolute_url()
    before = (query_count(client, claim_url), query_count(client, retort_url))
    for n in range(5):
        person = PersonFactory()
        answer = StatementFactory(speaker=person, text=f"Retort number {n}.")
        ReactionFactory(
            statement=debate["claim"], respondent=person, text="", response_statement=answer
        )
        other = StatementFactory(text=f"Another claim {n}.")
        ReactionFactory(
            statement=other,
            respondent=debate["ossoff"],
            text="",
            response_statement=debate["retort"],
        )
    after = (query_count(client, claim_url), query_count(client, retort_url))
    assert before == after
    assert max(after) <= PAGE_BUDGET
    assert page_text(get_ok(client, retort_url)).count("In reply to") == 6
    assert page_text(get_ok(client, claim_url)).count("Retort number") == 5
    assert query_count(client, "/statements/") <= PAGE_BUDGET


# --------------------------------------------------------------------------- the API


def test_the_api_links_the_reaction_to_the_statement_it_is(client, debate):
    data = client.get(f"/api/v1/reactions/{debate['reaction'].pk}/").json()
    assert data["response_statement"]["id"] == debate["retort"].pk
    assert data["response_statement"]["url"].endswith(debate["retort"].get_absolute_url())
    assert data["text"] == OSSOFF_RETORT
    assert data["fragments"] == [OSSOFF_RETORT]
    assert data["kind"] == "direct"
    assert data["statement"]["id"] == debate["claim"].pk
    [nested] = client.get(f"/api/v1/statements/{debate['claim'].pk}/").json()["reactions"]
    assert nested["response_statement"]["id"] == debate["retort"].pk


# --------------------------------------------------------------------------- entering it


def test_the_admin_links_a_reaction_to_the_respondents_statement(debate, editor_client):
    other = StatementFactory(speaker=debate["perdue"], text="Another Perdue claim.")
    data = {
        "statement": other.pk,
        "respondent": debate["ossoff"].pk,
        "stance": "disagrees",
        "kind": "direct",
        "text": "",
        "response_statement": debate["retort"].pk,
        "source": debate["article"].pk,
    }
    response = editor_client.post(admin_url(Reaction, "add"), data)
    assert response.status_code == 302, page_text(response)[:3000]
    reaction = Reaction.objects.get(statement=other)
    assert reaction.response_statement == debate["retort"] and reaction.text == ""


def test_the_admin_refuses_another_persons_statement(debate, editor_client):
    other = StatementFactory(text="Another claim.")
    data = {
        "statement": other.pk,
        "respondent": debate["perdue"].pk,
        "stance": "disagrees",
        "kind": "direct",
        "text": "",
        "response_statement": debate["retort"].pk,
        "source": debate["article"].pk,
    }
    response = editor_client.post(admin_url(Reaction, "add"), data)
    assert response.status_code == 200
    assert "Choose a statement by the respondent" in page_text(response)


def test_the_desk_marks_a_row_as_answering_a_recorded_statement(debate, editor_client):
    """In one save: the new statement, and its reaction to the recorded one, linked."""
    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source={"source": debate["article"]},
            shared={"said_on": "2020-10-28"},
            statements=[
                {
                    "speaker": debate["perdue"],
                    "text": "My opponent has no record to run on.",
                    "replies_to_statement": debate["retort"],
                    "stance": "disagrees",
                    "keep_unverified": True,
                }
            ],
        ),
    )
    assert response.status_code == 302, page_text(response)[:3000]
    statement = Statement.objects.get(text="My opponent has no record to run on.")
    reaction = Reaction.objects.get(response_statement=statement)
    assert reaction.statement == debate["retort"]
    assert reaction.respondent == debate["perdue"]
    assert reaction.text == "" and reaction.words == statement.text
    assert reaction.state == statement.state == PublicationState.DRAFT


def test_the_desk_saves_nothing_when_the_answer_is_refused(debate, editor_client):
    """The reaction is checked in the same transaction: a refusal leaves no statement."""
    before = Statement.objects.count()
    response = editor_client.post(
        INTAKE_URL,
        desk_post(
            source={"source": debate["article"]},
            shared={"said_on": "2020-10-28"},
            statements=[
                {
                    "speaker": debate["perdue"],
                    "text": "Words with no stance.",
                    "replies_to_statement": debate["retort"],
                    "keep_unverified": True,
                }
            ],
        ),
    )
    assert response.status_code == 200
    assert "Say how it answers the other statement" in page_text(response)
    assert Statement.objects.count() == before
