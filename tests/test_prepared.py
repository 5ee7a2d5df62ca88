"""prepared.fetch_all(): a read whose SQL never changes, prepared once per connection on
PostgreSQL, sent whole elsewhere or when turned off; the same rows either way."""

import pytest
from django.db import connection, transaction
from django.db.models import F

from statements.models import Statement
from statements.reading.prepared import AnyOf, Argument, fetch_all

from .factories import StatementFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def compiled():
    rows = Statement.objects.filter(AnyOf(F("pk"), Argument)).order_by("pk").values_list("pk")
    return rows.query.sql_with_params()


def read(ids: list[int]) -> tuple[list[int], list[str]]:
    """The ids read back, and the SQL sent for them."""
    sent: list[str] = []

    def spy(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    sql, params = compiled()
    with connection.execute_wrapper(spy):
        rows = fetch_all(sql, params, AnyOf.argument(ids), "bigint[]")
    return [row[0] for row in rows], sent


def prepares(sent: list[str]) -> int:
    return sum(sql.startswith("PREPARE ") for sql in sent)


@pytest.mark.django_db(transaction=True)
def test_the_read_gives_the_rows_of_its_argument():
    first, second, third = StatementFactory.create_batch(3)
    assert read([third.pk, first.pk])[0] == [first.pk, third.pk]
    assert read([second.pk])[0] == [second.pk]
    assert read([])[0] == []


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_is_prepared_once_per_connection_and_again_after_a_reconnect():
    statement = StatementFactory()
    connection.close()
    rows, sent = read([statement.pk])
    assert rows == [statement.pk] and prepares(sent) == 1
    rows, sent = read([statement.pk])
    assert rows == [statement.pk] and prepares(sent) == 0
    assert [sql.split(" (")[0] for sql in sent] == [sent[0].split(" (")[0]]
    assert sent[0].startswith("EXECUTE read_")
    connection.close()  # a new server connection has no prepared statements
    rows, sent = read([statement.pk])
    assert rows == [statement.pk] and prepares(sent) == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_statement_prepared_in_a_rolled_back_transaction_is_still_there():
    statement = StatementFactory()
    connection.close()

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        assert prepares(read([statement.pk])[1]) == 1
        raise RolledBack
    rows, sent = read([statement.pk])
    assert rows == [statement.pk] and prepares(sent) == 0


@pytest.mark.django_db(transaction=True)
def test_turned_off_or_off_postgresql_the_read_is_sent_whole(settings):
    statement = StatementFactory()
    for turned_on in (False, True):
        settings.DATABASE_PREPARED_STATEMENTS = turned_on
        connection.close()
        rows, sent = read([statement.pk])
        assert rows == [statement.pk]
        whole = not turned_on or connection.vendor != "postgresql"
        assert (prepares(sent), any("EXECUTE" in sql for sql in sent)) == (
            (0, False) if whole else (1, True)
        )
