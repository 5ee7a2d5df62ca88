"""Reads planned with settings of their own (statements.planning): joins_as_written() for
the reads that fetch what belongs to known records, index entries at their price for a
search's ranking and its page in date order, no merge joins for the timeline charts, one
plan for the prepared reads of a record's rows; each setting in the same round trip as its
query, never outliving it."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import F
from django.test.utils import override_settings

from statements import search
from statements.planning import (
    AS_WRITTEN,
    INDEX_ENTRIES_AT_THEIR_PRICE,
    NO_MERGE_JOINS,
    ONE_PLAN,
    joins_as_written,
)
from statements.reading import visibility
from statements.reading.prepared import Argument, CompiledRead, Equals
from statements.reading.timeline_data import read_marks

from .factories import ReactionFactory, StatementFactory


def sent(queryset) -> tuple[list, list[str]]:
    """The queryset's rows read inside joins_as_written(), and the SQL as the database
    got it (a wrapper inside sees what the outer one made of it)."""
    seen: list[str] = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with joins_as_written(), connection.execute_wrapper(spy):
        rows = list(queryset)
    return rows, seen


def setting(name: str) -> str:
    """The setting's value in this session now."""
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


@contextmanager
def sent_to_the_driver() -> Iterator[list[str]]:
    """The SQL the driver gets inside, after every wrapper."""
    seen: list[str] = []
    send = CursorWrapper._execute

    def spy(cursor, sql, *args):
        seen.append(sql)
        return send(cursor, sql, *args)

    with mock.patch.object(CursorWrapper, "_execute", spy):
        yield seen


def reactions_of(statement):
    return visibility.reactions().filter(statement=statement).order_by("id")


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_setting_goes_with_the_query_and_ends_with_it():
    statement = StatementFactory()
    reactions = ReactionFactory.create_batch(3, statement=statement)
    rows, seen = sent(reactions_of(statement))
    assert rows == reactions
    if connection.vendor != "postgresql":
        assert not any(AS_WRITTEN in sql for sql in seen)
        return
    assert len(seen) == 1 and seen[0].startswith(AS_WRITTEN)
    # The next query is planned as usual: the setting ended with the implicit transaction.
    assert setting("join_collapse_limit") == "8"


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_query_is_sent_as_it_is():
    statement = StatementFactory()
    reaction = ReactionFactory(statement=statement)
    with transaction.atomic():
        rows, seen = sent(reactions_of(statement))
        assert rows == [reaction]
        assert seen and not any(AS_WRITTEN in sql for sql in seen)
        if connection.vendor == "postgresql":
            # SET LOCAL would have lasted until the commit, for every query after it.
            assert setting("join_collapse_limit") == "8"


@pytest.mark.django_db(transaction=True)
def test_the_pages_read_the_same_reactions_and_cards_either_way():
    from statements.reading.people import reactions_given
    from statements.reading.statement import statement_page

    statement = StatementFactory()
    ReactionFactory.create_batch(2, statement=statement)
    given = ReactionFactory(respondent=statement.speaker)

    def read():
        page = statement_page(statement.pk)
        return (
            [reaction.pk for group in page["reaction_groups"] for reaction in group.reactions],
            page["statement"].reaction_count,
            [reaction.pk for reaction in reactions_given(statement.speaker.pk)],
        )

    as_written = read()  # autocommit: the SQL carries the setting on PostgreSQL
    with transaction.atomic():
        assert read() == as_written  # planned as usual
    assert as_written[1] == 2 and as_written[2] == [given.pk]


@pytest.mark.django_db(transaction=True)
def test_the_search_ranking_prices_index_entries_for_its_query_alone():
    made = [
        StatementFactory(text="Border wall " * (n + 1), said_on=datetime.date(2020, 1, 1 + n))
        for n in range(6)
    ]
    StatementFactory(text="Something else.")
    matches = visibility.statements().filter(said_on__lte=datetime.date(2020, 1, 5))
    with sent_to_the_driver() as seen:
        ranked = search.ranked_ids(matches, "border")
    assert sorted(ranked) == sorted(statement.pk for statement in made[:5])
    with transaction.atomic():
        assert search.ranked_ids(matches, "border") == ranked  # planned as usual
    if connection.vendor != "postgresql":
        assert not any(INDEX_ENTRIES_AT_THEIR_PRICE in sql for sql in seen)
        return
    assert len(seen) == 1 and seen[0].startswith(INDEX_ENTRIES_AT_THEIR_PRICE)
    assert setting("cpu_index_tuple_cost") == "0.005"  # the default again, for the next query


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/statements/", "/api/v1/statements/"])
def test_a_search_in_date_order_prices_index_entries_for_its_page_alone(client, path):
    """The page's read of a search's newest matches, on the list and in the API, is
    planned as the ranking's is; the list without words, as usual."""
    said = [
        StatementFactory(text=f"Border wall, {n}.", said_on=datetime.date(2020, 1, 1 + n))
        for n in range(3)
    ]
    StatementFactory(text="Something else.", said_on=datetime.date(2020, 2, 1))

    def page(**params):
        with sent_to_the_driver() as seen:
            response = client.get(path, {"ordering": "-said_on", **params})
        assert response.status_code == 200
        return response.content.decode(), seen

    found, seen = page(q="border")
    assert all(f"/statements/{s.pk}/" in found for s in said)
    assert "Something else" not in found
    everything, plain = page()
    assert all(f"/statements/{s.pk}/" in everything for s in said)
    assert not any(INDEX_ENTRIES_AT_THEIR_PRICE in sql for sql in plain)
    priced = [sql for sql in seen if INDEX_ENTRIES_AT_THEIR_PRICE in sql]
    if connection.vendor != "postgresql":
        assert not priced
        return
    assert len(priced) == 1 and "search_vector" in priced[0]
    assert setting("cpu_index_tuple_cost") == "0.005"  # the default again, for the next query


@pytest.mark.django_db(transaction=True)
def test_the_charts_count_reactions_without_merge_joins_for_their_query_alone():
    statement = StatementFactory()
    ReactionFactory.create_batch(2, statement=statement)
    StatementFactory(speaker=statement.speaker)
    theirs = visibility.statements().filter(speaker=statement.speaker)
    seen: list[str] = []
    for monthly in (False, True):
        with sent_to_the_driver() as sent:
            marks, cut = read_marks(theirs, {}, lambda values: "all", lambda values: {}, monthly)
        seen += sent
        assert sum(mark.reactions for mark in marks) == 2 and not cut
        assert sum(mark.count for mark in marks) == 2
        with transaction.atomic():  # planned as usual
            assert read_marks(theirs, {}, lambda values: "all", lambda values: {}, monthly) == (
                marks,
                cut,
            )
    if connection.vendor != "postgresql":
        assert not any(NO_MERGE_JOINS in sql for sql in seen)
        return
    assert len(seen) == 2 and all(sql.startswith(NO_MERGE_JOINS) for sql in seen)
    assert setting("enable_mergejoin") == "on"  # the default again, for the next query


@pytest.mark.django_db(transaction=True)
@override_settings(DATABASE_PREPARED_STATEMENTS=True)
def test_a_prepared_read_of_a_records_rows_keeps_one_plan_outside_a_transaction_alone():
    statements = StatementFactory.create_batch(3)
    read = CompiledRead(visibility.statements().filter(Equals(F("pk"), Argument)))
    with sent_to_the_driver() as seen:
        for statement in statements * 3:  # more calls than PostgreSQL plans for their own
            assert read(statement.pk) == [statement]
    with transaction.atomic(), sent_to_the_driver() as seen_inside:
        assert read(statements[0].pk) == [statements[0]]  # planned as PostgreSQL chooses
        if connection.vendor == "postgresql":
            assert setting("plan_cache_mode") == "auto"
    if connection.vendor != "postgresql":
        assert not any(ONE_PLAN in sql for sql in seen + seen_inside)
        return
    executed = [sql for sql in seen if "EXECUTE " in sql]
    assert len(executed) == 9 and all(sql.startswith(ONE_PLAN) for sql in executed)
    assert seen_inside and not any(ONE_PLAN in sql for sql in seen_inside)
    assert setting("plan_cache_mode") == "auto"  # the default again, for the next query
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = %s",
            [read.compiled(connection.alias)[3]],
        )
        # Nine runs on the one plan kept; the tenth, in the transaction, planned for its
        # argument, as PostgreSQL plans a read's first five when it chooses.
        assert cursor.fetchone() == (9, 1)
