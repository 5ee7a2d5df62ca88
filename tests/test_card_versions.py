"""Cards kept per statement version (statements/caching/card_versions.py): every kind of
write shows on the next request's cards, and a write redraws only the cards it changes.

In process; the same against a real multi-worker server: tests/test_page_cache_server.py.
"""

import datetime

import pytest

from statements.editorial import merge, publish, withdraw
from statements.models import Reaction, Statement, StatementSource, StatementTopic, Topic
from statements.reading import cards

from .factories import (
    OutletFactory,
    PersonFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)
from .support import statement_cards

pytestmark = pytest.mark.django_db


def card_of(response, pk: int) -> str:
    """The HTML of statement ``pk``'s card on a list page ("" when it shows none)."""
    assert response.status_code == 200
    found = [card for card in statement_cards(response) if f'id="statement-{pk}-label"' in card]
    return found[0] if found else ""


@pytest.fixture
def drawn(monkeypatch):
    """The statements whose cards are drawn (not read from the fragments cache)."""
    pks: list[int] = []
    real = cards.card_html

    def counted(statement, prefix=""):
        pks.append(statement.pk)
        return real(statement, prefix)

    monkeypatch.setattr(cards, "card_html", counted)
    cards.fragments().clear()
    return pks


def _get(statement: int | Statement) -> Statement:
    return Statement.objects.get(pk=getattr(statement, "pk", statement))


# Each write: (what it does to the world, the statement whose card it changes, what that
# card then shows, what it no longer shows).
def reword(world):
    statement = _get(world["perdue_immigration"])
    statement.text = "Reworded after the fact."
    statement.save()
    return statement.pk, "Reworded after the fact.", None


def link_topic_from_the_statement(world):
    statement = _get(world["patel_untagged"])
    statement.topics.add(Topic.objects.get(slug="economy"))
    return statement.pk, "Economy</a>", None


def link_topic_from_the_topic(world):
    Topic.objects.get(slug="economy").statements.add(_get(world["patel_untagged"]))
    return world["patel_untagged"], "Economy</a>", None


def unlink_topic(world):
    StatementTopic.objects.filter(statement=world["ossoff_economy"]).delete()
    return world["ossoff_economy"], None, "Economy</a>"


def unlink_topic_through_the_manager(world):
    _get(world["ossoff_economy"]).topics.clear()
    return world["ossoff_economy"], None, "Economy</a>"


def link_source(world):
    outlet = OutletFactory(name="The Evening Ledger")
    StatementSource.objects.create(
        statement=_get(world["patel_untagged"]), source=SourceFactory(outlet=outlet)
    )
    return world["patel_untagged"], "The Evening Ledger", None


def publish_reaction(world):
    reaction = Reaction.objects.get(statement=world["perdue_immigration"])
    reaction.state = "published"
    reaction.save()
    return world["perdue_immigration"], "1 reaction<", "no reactions"


def delete_reaction(world):
    Reaction.objects.filter(statement=world["ossoff_287g"]).delete()
    return world["ossoff_287g"], "no reactions", "1 reaction<"


def move_reaction(world):
    reaction = Reaction.objects.get(statement=world["ossoff_287g"])
    reaction.statement = _get(world["ossoff_economy"])
    reaction.save()
    return world["ossoff_287g"], "no reactions", "1 reaction<"


def rename_speaker(world):
    speaker = _get(world["perdue_immigration"]).speaker
    speaker.name = "Senator David Perdue"
    speaker.save()
    return world["perdue_immigration"], "Senator David Perdue", None


def rename_party(world):
    party = _get(world["perdue_immigration"]).speaker_party
    party.abbreviation = "GOPX"
    party.save()
    return world["perdue_immigration"], "(GOPX)", None


def rename_event(world):
    event = _get(world["patel_untagged"]).event
    event.name = "The Renamed Town Hall"
    event.save()
    return world["patel_untagged"], "The Renamed Town Hall", None


def rename_outlet(world):
    source = _get(world["patel_untagged"]).sources.get()
    source.outlet.name = "The Renamed Gazette"
    source.outlet.save()
    return world["patel_untagged"], "The Renamed Gazette", None


def redate_source(world):
    source = _get(world["patel_untagged"]).sources.get()
    source.published_on = datetime.date(2021, 3, 4)
    source.save()
    return world["patel_untagged"], "March 4, 2021", None


def rename_topic(world):
    topic = Topic.objects.get(slug="economy")
    topic.name = "The Economy At Large"
    topic.save()
    return world["ossoff_economy"], "The Economy At Large", None


WRITES = [
    reword,
    link_topic_from_the_statement,
    link_topic_from_the_topic,
    unlink_topic,
    unlink_topic_through_the_manager,
    link_source,
    publish_reaction,
    delete_reaction,
    move_reaction,
    rename_speaker,
    rename_party,
    rename_event,
    rename_outlet,
    redate_source,
    rename_topic,
]


@pytest.mark.parametrize("write", WRITES, ids=[write.__name__ for write in WRITES])
def test_every_kind_of_write_shows_on_the_next_requests_card(world, client, drawn, write):
    before = client.get("/statements/")
    pk, shown, gone = write(world)
    for after in (card_of(client.get("/statements/"), pk), card_of(client.get("/statements/"), pk)):
        assert after
        if shown is not None:
            assert shown in after
        if gone is not None:
            assert gone not in after
    if gone is not None:
        assert gone in card_of(before, pk)
    if shown is not None:
        assert shown not in card_of(before, pk)


def test_a_write_to_one_statement_redraws_its_card_alone(world, client, drawn):
    client.get("/statements/")
    assert set(drawn) == {world[name] for name in world}

    del drawn[:]
    reword(world)
    assert "Reworded after the fact." in card_of(
        client.get("/statements/"), world["perdue_immigration"]
    )
    assert drawn == [world["perdue_immigration"]]

    del drawn[:]
    publish_reaction(world)
    client.get("/statements/")
    assert drawn == [world["perdue_immigration"]]


def test_an_edit_no_card_shows_keeps_every_card(world, client, drawn):
    client.get("/statements/")
    del drawn[:]
    speaker = _get(world["ossoff_287g"]).speaker
    speaker.summary = "A summary that no card shows."
    speaker.save()
    PersonFactory(name="Someone New")  # nothing refers to a new row yet
    response = client.get("/statements/")
    assert response["X-Page-Cache"] != "hit"  # the page is drawn again, its cards are not
    assert drawn == []


def test_a_retort_and_the_statement_it_answers_change_together(world, client, drawn):
    claim = _get(world["perdue_immigration"])
    retort = StatementFactory(
        speaker=_get(world["ossoff_287g"]).speaker,
        text="A retort to the claim.",
        said_on=datetime.date(2020, 10, 28),
    )
    client.get("/statements/")
    del drawn[:]

    ReactionFactory(statement=claim, respondent=retort.speaker, text="", response_statement=retort)
    page = client.get("/statements/")
    assert "In reply to" in card_of(page, retort.pk)
    assert "1 reaction<" in card_of(page, claim.pk)
    assert sorted(drawn) == sorted([claim.pk, retort.pk])

    # Withdrawn, the retort hides the reaction that it is: the claim's count drops.
    del drawn[:]
    retort.state = "withdrawn"
    retort.save()
    page = client.get("/statements/")
    assert card_of(page, retort.pk) == ""
    assert "no reactions" in card_of(page, claim.pk)
    assert drawn == [claim.pk]

    # Published again, the retort names the claim's speaker as they are now named.
    retort.state = "published"
    retort.save()
    claim.speaker.name = "David A. Perdue"
    claim.speaker.save()
    page = client.get("/statements/")
    assert "David A. Perdue's statement" in card_of(page, retort.pk)


def test_the_editorial_services_change_the_cards_they_touch(world, client, drawn, publisher):
    client.get("/statements/")
    statement = _get(world["ossoff_economy"])
    withdraw(record=statement, user=publisher, reason="Misattributed.")
    assert card_of(client.get("/statements/"), statement.pk) == ""
    publish(record=_get(statement), user=publisher)
    assert card_of(client.get("/statements/"), statement.pk)

    # A merge moves rows without signals: every card is drawn again.
    survivor, duplicate = Topic.objects.get(slug="economy"), TopicFactory(name="Economics")
    duplicate.statements.add(_get(world["patel_untagged"]))
    client.get("/statements/")
    del drawn[:]
    merge(survivor=survivor, duplicate=duplicate, user=publisher)
    page = client.get("/statements/")
    assert "Economics" not in card_of(page, world["patel_untagged"])
    assert set(drawn) == {world[name] for name in world}
