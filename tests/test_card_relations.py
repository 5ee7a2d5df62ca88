"""attach_card_relations(): what a card shows beyond its statement's row, in one query
whose SQL is the same for any cards (their ids are one parameter)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements import search
from statements.models import PublicationState, QuoteKind
from statements.reading.card_html import card_html
from statements.reading.card_relations import attach_card_relations
from statements.reading.cards import card_columns, card_rows
from statements.reading.visibility import statements as public_statements

from .factories import (
    PartyFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)


def read_cards(ids: list[int]) -> tuple[list, list[tuple[str, list]]]:
    """The statements with their relations, and each SQL text and parameters sent."""
    sent: list[tuple[str, list]] = []

    def spy(execute, sql, params, many, context):
        sent.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    shown = list(card_rows(public_statements().filter(pk__in=ids)).order_by("pk"))
    with connection.execute_wrapper(spy):
        attach_card_relations(shown)
    return shown, sent


def the_union(sql: str) -> bool:
    return ("row_kind" in sql or "EXECUTE read_" in sql) and "PREPARE " not in sql


@pytest.mark.django_db
def test_one_card_and_three_cards_send_the_same_sql_and_read_only_what_is_published():
    trade, draft_topic = TopicFactory(name="Trade"), TopicFactory(state=PublicationState.DRAFT)
    older = SourceFactory(published_on=datetime.date(2020, 6, 1))
    newer = SourceFactory(published_on=datetime.date(2020, 6, 9))
    first = StatementFactory(topics=[trade, draft_topic], sources=[newer, older])
    second = StatementFactory(sources=[SourceFactory(state=PublicationState.DRAFT)])
    third = StatementFactory()
    ReactionFactory.create_batch(2, statement=first)
    ReactionFactory(statement=first, state=PublicationState.DRAFT)
    ReactionFactory(statement=third)

    (alone,), one_card = read_cards([first.pk])
    cards, three_cards = read_cards([first.pk, second.pk, third.pk])

    # (The topic tree is read once per content generation, and may come along. On
    # PostgreSQL the query is prepared once, then executed by name: prepared.py.)
    one_union = [sql for sql, _ in one_card if the_union(sql)]
    three_union = [sql for sql, _ in three_cards if the_union(sql)]
    assert len(one_union) == len(three_union) == 1
    assert one_union == three_union  # one text, whatever the number of cards
    for statement in (alone, cards[0]):
        assert [topic.name for topic in statement.topics.all()] == ["Trade"]
        assert statement.card_sources == [
            (older.outlet.name, datetime.date(2020, 6, 1)),
            (newer.outlet.name, datetime.date(2020, 6, 9)),
        ]
        assert statement.reaction_count == 2
    assert cards[1].card_sources == [] and cards[1].reaction_count == 0
    assert cards[2].reaction_count == 1 and list(cards[2].topics.all()) == []


@pytest.mark.django_db
def test_a_card_read_with_only_its_columns_needs_no_other_column():
    """card_columns() leaves out the columns no card shows; a card that read a left-out
    one would cost a query per card. One card with everything a card can show (party,
    event, a partial quote's frame, an inferred date, a snippet from the context) is
    drawn without a query, and as it is from the whole row."""
    statement = StatementFactory(
        kind=QuoteKind.PARTIAL,
        frame="said the program",
        text="works for the county",
        context="At the town hall on immigration, the candidate took questions.",
        speaker_role="candidate",
        speaker_party=PartyFactory(abbreviation="D"),
        date_inferred=True,
        date_inference_note="The article says: last Friday.",
        topics=[TopicFactory(name="Immigration")],
    )
    ReactionFactory(statement=statement)
    drawn = []
    for read in (card_columns, card_rows):
        (shown,) = read(public_statements().filter(pk=statement.pk))
        attach_card_relations([shown])
        search.highlight([shown], "town hall")
        with CaptureQueriesContext(connection) as queries:
            drawn.append(card_html(shown))
        assert len(queries) == 0, [q["sql"] for q in queries]
    light, whole = drawn
    assert light == whole
    for expected in ("said the program", "(D)", "The article says: last Friday.", "<mark>"):
        assert expected in light


@pytest.mark.django_db
def test_joined_gives_statements_read_without_them_their_party_and_event_in_the_same_query():
    """``mention_columns`` reads a statement's own columns and its speaker only; with
    ``joined`` the one query also brings the party and the event, as ``select_related``
    would (an unpublished one with its state, for the card to leave out), so a drawn
    card is the same, and reading them makes no query of its own."""
    from statements.reading.cards import mention_columns

    from .factories import EventFactory

    party = PartyFactory(name="Independent Party", abbreviation="IP")
    town_hall = EventFactory(name="Town hall in Macon")
    hidden = EventFactory(name="Unlisted dinner", state=PublicationState.DRAFT)
    both = StatementFactory(speaker_party=party, event=town_hall)
    draft_event = StatementFactory(speaker_party=None, event=hidden)
    neither = StatementFactory(speaker_party=None, event=None)
    ids = [both.pk, draft_event.pk, neither.pk]

    expected = list(card_rows(public_statements().filter(pk__in=ids)).order_by("pk"))
    attach_card_relations(expected)
    shown = list(mention_columns(public_statements().filter(pk__in=ids)).order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        attach_card_relations(shown, joined=True)
        drawn = [card_html(statement) for statement in shown]
    # The union, prepared first on PostgreSQL; nothing else.
    assert len([q for q in queries.captured_queries if "PREPARE " not in q["sql"]]) == 1
    assert drawn == [card_html(statement) for statement in expected]
    by_pk = {statement.pk: statement for statement in shown}
    assert by_pk[both.pk].speaker_party.abbreviation == "IP"
    assert by_pk[both.pk].event.name == "Town hall in Macon"
    assert by_pk[draft_event.pk].event.state == PublicationState.DRAFT
    assert "Unlisted dinner" not in drawn[1] and "Town hall in Macon" in drawn[0]
    assert by_pk[neither.pk].speaker_party is None and by_pk[neither.pk].event is None


def test_statements_on_the_same_topics_share_one_prefetched_list_of_them(monkeypatch):
    """What ``statement.topics.all()`` returns for a card: one queryset per set of topics,
    in name order, kept by the tree up to a bound and made afresh past it."""
    from statements.models import Statement, Topic
    from statements.reading import tree as tree_module
    from statements.reading.card_relations import give_topics
    from statements.reading.tree import TopicTree

    jobs = Topic(pk=1, name="Jobs", slug="jobs")
    trade = Topic(pk=2, name="Trade", slug="trade")
    water = Topic(pk=3, name="Water", slug="water")
    tree = TopicTree([jobs, trade, water])
    monkeypatch.setattr(tree_module, "SHARED_TOPIC_SETS", 2)
    statements = [Statement(pk=pk) for pk in range(1, 6)]
    for statement, topic_ids in zip(statements, ([2, 1], [1, 2], [2], [3], [1, 3, 4]), strict=True):
        statement.topic_ids = topic_ids  # type: ignore[attr-defined]
    give_topics(statements, tree)

    given = [statement._prefetched_objects_cache["topics"] for statement in statements]
    assert [[topic.name for topic in topics] for topics in given] == [
        ["Jobs", "Trade"],
        ["Jobs", "Trade"],
        ["Trade"],
        ["Water"],
        ["Jobs", "Water"],  # a topic not in the tree (unpublished) is left out
    ]
    assert [topic.name for topic in statements[0].topics.all()] == ["Jobs", "Trade"]
    assert given[0] is given[1]
    assert len(tree._prefetched) == 2  # the bound: Water's set was made for its statement
    assert tree.prefetched_topics((3,)) is not given[3]
