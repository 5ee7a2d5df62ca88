"""prepared.fetch_all(): a read whose SQL never changes, prepared once per connection on
PostgreSQL, sent whole elsewhere or when turned off; the same rows either way. And
prepared.prepared_reads(): the reads inside, prepared by their text, the values of the
types asked for as arguments and the others written in. And prepared.CompiledRead: a
queryset compiled once, run for any argument, its rows what the queryset gives; and
prepared.read_by_shape: a queryset's rows, its SQL compiled once per shape."""

import datetime
import sys
import threading

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Value
from django.db.models.functions import Coalesce
from django.db.models.sql.compiler import SQLCompiler

from statements.models import Statement
from statements.reading import prepared, visibility
from statements.reading.prepared import (
    AnyOf,
    Argument,
    CompiledRead,
    Equals,
    fetch_all,
    prepared_reads,
)

from .factories import PersonFactory, StatementFactory

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


# ------------------------------------------------------------------ prepared_reads()


def read_inside(queryset, arguments: list | None = None) -> tuple[list, list[str]]:
    """The queryset's rows read inside prepared_reads() with days as arguments, and the SQL
    the database got (its parameters added to ``arguments``)."""
    sent: list[str] = []

    def spy(execute, sql, params, many, context):
        sent.append(sql)
        if arguments is not None:
            arguments.extend(params or [])
        return execute(sql, params, many, context)

    with prepared_reads((datetime.date,)), connection.execute_wrapper(spy):  # sees what is sent
        rows = list(queryset)
    return rows, sent


def said_before(day: datetime.date):
    return Statement.objects.filter(state="published", said_on__lte=day, kind="direct").order_by(
        "-said_on", "id"
    )


@pytest.mark.django_db(transaction=True)
def test_a_prepared_read_gives_the_rows_it_would_give_sent_whole():
    old = StatementFactory(said_on=datetime.date(2019, 1, 2), kind="direct")
    new = StatementFactory(said_on=datetime.date(2020, 1, 2), kind="direct")
    StatementFactory(said_on=datetime.date(2019, 1, 1), kind="paraphrase")
    for day, expected in [
        (datetime.date(2018, 1, 1), []),
        (datetime.date(2019, 6, 1), [old]),
        (datetime.date(2021, 1, 1), [new, old]),
    ]:
        assert read_inside(said_before(day))[0] == list(said_before(day)) == expected


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_read_is_prepared_once_with_its_days_as_arguments_and_the_rest_written_in():
    statement = StatementFactory(said_on=datetime.date(2019, 1, 2), kind="direct")
    connection.close()
    arguments: list = []
    rows, sent = read_inside(said_before(datetime.date(2020, 1, 1)), arguments)
    assert rows == [statement] and prepares(sent) == 1
    prepare, execute = sent
    assert "'published'" in prepare and "'direct'" in prepare and "$1" in prepare
    assert "2020-01-01" not in prepare
    assert execute.startswith("EXECUTE read_") and arguments == [datetime.date(2020, 1, 1)]
    rows, sent = read_inside(said_before(datetime.date(2018, 1, 1)))
    assert rows == [] and prepares(sent) == 0 and sent[0].startswith("EXECUTE read_")
    # Another kind, or speaker, is another statement: either can change the best plan.
    rows, sent = read_inside(said_before(datetime.date(2020, 1, 1)).filter(kind="partial"))
    assert rows == [] and prepares(sent) == 1
    by_speaker = said_before(datetime.date(2020, 1, 1)).filter(speaker_id=statement.speaker_id)
    rows, sent = read_inside(by_speaker)
    assert rows == [statement] and prepares(sent) == 1
    assert f'"speaker_id" = {statement.speaker_id}' in sent[0]
    rows, sent = read_inside(by_speaker.exclude(speaker_id=statement.speaker_id + 1))
    assert rows == [statement] and prepares(sent) == 1
    rows, sent = read_inside(by_speaker)
    assert rows == [statement] and prepares(sent) == 0


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_numbers_are_arguments_when_asked():
    statement = StatementFactory()
    connection.close()
    sent: list[str] = []

    def spy(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    for pk in (statement.pk, statement.pk + 1):
        sent.clear()
        with prepared_reads((int,)), connection.execute_wrapper(spy):
            rows = list(Statement.objects.filter(pk__gte=pk).order_by("pk"))
        assert rows == ([statement] if pk == statement.pk else [])
        # One statement for every id: prepared the first time only, the id as $1.
        assert prepares(sent) == (pk == statement.pk)
        assert sent[0].startswith("PREPARE") == ("$1" in sent[0]) == (pk == statement.pk)


@pytest.mark.django_db(transaction=True)
def test_turned_off_or_off_postgresql_prepared_reads_are_sent_whole(settings):
    statement = StatementFactory(said_on=datetime.date(2019, 1, 2), kind="direct")
    for turned_on in (False, True):
        settings.DATABASE_PREPARED_STATEMENTS = turned_on
        connection.close()
        rows, sent = read_inside(said_before(datetime.date(2020, 1, 1)))
        assert rows == [statement]
        whole = not turned_on or connection.vendor != "postgresql"
        assert (prepares(sent), sent[-1].startswith("EXECUTE")) == (
            (0, False) if whole else (1, True)
        )


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_writes_and_reads_without_parameters_are_sent_as_they_are():
    statement = StatementFactory()
    sent: list[str] = []

    def spy(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with prepared_reads((datetime.date,)), connection.execute_wrapper(spy):  # sees what is sent
        Statement.objects.filter(pk=statement.pk).update(speaker_role="Senator")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    assert prepares(sent) == 0 and not any(sql.startswith("EXECUTE") for sql in sent)


# ------------------------------------------------------------------ CompiledRead


def by_speaker(speaker):
    """A speaker's statements, with their speaker and event and a count of their topics:
    as the queryset gives them, and as the compiled read with ``speaker`` for its
    argument does."""
    shown = (
        Statement.objects.select_related("speaker", "event")
        .annotate(topic_count=Count("statementtopic"))
        .order_by("said_on", "pk")
    )
    return shown, shown.filter(speaker=speaker), shown.filter(Equals(F("speaker_id"), Argument))


def as_read(statements) -> list[tuple]:
    return [(s.pk, s.speaker.name, s.event.name, s.topic_count, s.said_on) for s in statements]


@pytest.mark.django_db(transaction=True)
def test_a_compiled_read_gives_the_querysets_rows_for_each_argument_in_turn():
    first, second = PersonFactory.create_batch(2)
    StatementFactory(speaker=first, said_on=datetime.date(2020, 1, 2))
    StatementFactory(speaker=first, said_on=datetime.date(2019, 1, 2))
    StatementFactory(speaker=second)
    _shown, _given, compiled = by_speaker(first)
    read = CompiledRead(compiled)
    sent: list[str] = []

    def spy(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    for speaker, count in [(first, 2), (second, 1), (first, 2), (first.pk + second.pk, 0)]:
        _shown, given, _compiled = by_speaker(speaker)
        with connection.execute_wrapper(spy):
            rows = read(getattr(speaker, "pk", speaker))
        assert len(rows) == count and as_read(rows) == as_read(given)
        assert all(isinstance(row, Statement) for row in rows)
    # One SQL text, the argument a parameter; on PostgreSQL, prepared once and executed.
    assert len({sql for sql in sent if not sql.startswith("PREPARE ")}) == 1
    preparing = connection.vendor == "postgresql"
    assert prepares(sent) == (1 if preparing else 0)
    assert all(sql.startswith("EXECUTE read_") == preparing for sql in sent[preparing:])


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_compiled_read_is_prepared_once_per_connection_and_sent_whole_when_turned_off(
    settings,
):
    statement = StatementFactory()
    _shown, _given, compiled = by_speaker(statement.speaker)
    read = CompiledRead(compiled)
    sent: list[str] = []

    def spy(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    for turned_on, reconnect, expected in [
        (True, True, 1),
        (True, False, 0),
        (True, True, 1),
        (False, True, 0),
    ]:
        settings.DATABASE_PREPARED_STATEMENTS = turned_on
        if reconnect:
            connection.close()  # a new server connection has no prepared statements
        sent.clear()
        with connection.execute_wrapper(spy):
            assert read(statement.speaker_id) == [statement]
        assert prepares(sent) == expected
        assert any(sql.startswith("EXECUTE ") for sql in sent) == turned_on


@pytest.mark.django_db(transaction=True)
def test_compiled_reads_of_the_same_sql_with_other_values_each_give_their_own_rows():
    said = StatementFactory(kind="direct")
    StatementFactory(kind="paraphrase", speaker=said.speaker)
    reads = {
        kind: CompiledRead(
            Statement.objects.filter(Equals(F("speaker_id"), Argument), kind=kind).order_by("pk")
        )
        for kind in ("direct", "paraphrase")
    }
    for kind, read in [*reads.items(), *reads.items()]:
        assert [s.kind for s in read(said.speaker_id)] == [kind]


@pytest.mark.django_db(transaction=True)
def test_a_compiled_read_takes_a_list_through_any_of():
    first, second, third = StatementFactory.create_batch(3)
    read = CompiledRead(Statement.objects.filter(AnyOf(F("pk"), Argument)).order_by("pk"))
    assert read(AnyOf.argument([third.pk, first.pk])) == [first, third]
    assert read(AnyOf.argument([second.pk])) == [second]


@pytest.mark.django_db(transaction=True)
def test_a_compiled_read_runs_on_the_connection_of_the_thread_that_runs_it():
    # Compiled in one thread, run in another (a worker's threads share what is compiled).
    statement = StatementFactory()
    _shown, _given, compiled = by_speaker(statement.speaker)
    read = CompiledRead(compiled)
    assert read(statement.speaker_id) == [statement]
    assert in_another_thread(lambda: read(statement.speaker_id)) == [statement]


def in_another_thread(read):
    """What ``read()`` gives in a thread of its own, or the error it raises (a connection
    used across threads raises)."""
    found: list = []

    def run() -> None:
        try:
            found.append(read())
        except Exception as error:
            found.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return found[0]


def compiles(monkeypatch) -> list[str]:
    """The SQL of every queryset compiled whole from now on."""
    compiled: list[str] = []
    real = SQLCompiler.as_sql

    def spy(self, *args, **kwargs):
        sql, params = real(self, *args, **kwargs)
        if not self.query.subquery:
            compiled.append(sql)
        return sql, params

    monkeypatch.setattr(SQLCompiler, "as_sql", spy)
    return compiled


def card_page(queryset, offset: int = 0):
    """What a list page reads: published statements, with their speakers, newest first."""
    return (
        visibility.statements()
        .filter(pk__in=queryset.values("pk"))
        .select_related("speaker", "event")
        .only("id", "said_on", "kind", "state", "speaker__name", "speaker__state", "event__name")
        .order_by("-said_on", "id")[offset : offset + 2]
    )


@pytest.mark.django_db(transaction=True)
def test_a_read_by_shape_gives_the_querysets_rows_compiling_each_shape_once(monkeypatch):
    monkeypatch.setattr(prepared, "_by_shape", {})
    first, second = PersonFactory.create_batch(2)
    shown = [
        StatementFactory(speaker=first, said_on=datetime.date(2020, 1, day)) for day in (1, 2, 3)
    ]
    StatementFactory(speaker=first, said_on=datetime.date(2020, 1, 4), state="draft")
    StatementFactory(speaker=second, said_on=datetime.date(2020, 1, 5), state="draft")
    asked = [
        card_page(Statement.objects.filter(speaker=first)),
        card_page(Statement.objects.filter(speaker=second)),
        card_page(Statement.objects.filter(speaker=first.pk + second.pk)),
        card_page(Statement.objects.filter(speaker=first, said_on__lte=datetime.date(2020, 1, 2))),
        card_page(Statement.objects.filter(speaker=first, said_on__lte=datetime.date(2020, 1, 9))),
        card_page(Statement.objects.filter(speaker__in=[first, second])),
        card_page(Statement.objects.filter(speaker__in=[second])),
        card_page(Statement.objects.filter(speaker=first), offset=2),
    ]
    compiled = compiles(monkeypatch)
    read = [prepared.read_by_shape(queryset) for queryset in asked]
    # Compiled whole once per shape: a speaker; a speaker and a day; a list of two
    # speakers, and of one; a second page.
    assert len(compiled) == len(set(compiled)) == len(prepared._by_shape) == 5
    for rows, queryset in zip(read, asked, strict=True):
        expected = list(queryset.all())
        assert [(s.pk, s.speaker.name, s.event.name) for s in rows] == [
            (s.pk, s.speaker.name, s.event.name) for s in expected
        ]
    assert [s.pk for s in read[0]] == [shown[2].pk, shown[1].pk]  # no draft
    assert [s.pk for s in read[1]] == [] and read[2] == []  # second's only one is a draft
    assert [s.pk for s in read[3]] == [shown[1].pk, shown[0].pk]
    assert [s.pk for s in read[7]] == [shown[0].pk]


@pytest.mark.django_db(transaction=True)
def test_a_read_by_shape_of_what_it_does_not_describe_is_read_as_usual(monkeypatch):
    monkeypatch.setattr(prepared, "_by_shape", {})
    statement = StatementFactory()
    counted = Statement.objects.annotate(topic_count=Count("topics")).filter(pk=statement.pk)
    assert prepared.read_by_shape(counted) == [statement]
    assert prepared.read_by_shape(Statement.objects.filter(pk__in=[])) == []
    assert prepared.read_by_shape(Statement.objects.values_list("pk")) == [(statement.pk,)]
    assert prepared._by_shape == {}
    # A parameter outside the WHERE clause: its shape is known, and read as usual.
    by_frame = Statement.objects.filter(pk__gte=0).order_by(Coalesce("frame", Value("said")))
    assert prepared.read_by_shape(by_frame) == [statement]
    assert prepared.read_by_shape(by_frame) == [statement]
    assert list(prepared._by_shape.values()) == [None]


@pytest.mark.django_db(transaction=True)
def test_a_read_by_shape_with_annotations_vouched_alike_is_compiled_once_per_shape(monkeypatch):
    """As said.newest_by_topic reads its statements, each with the ids of its topics."""
    from statements.models import StatementTopic
    from statements.models.base import Collected

    from .factories import TopicFactory

    monkeypatch.setattr(prepared, "_by_shape", {})
    first, second = PersonFactory.create_batch(2)
    climate, taxes = TopicFactory(slug="climate"), TopicFactory(slug="taxes")
    StatementFactory(speaker=first, topics=[climate, taxes])
    StatementFactory(speaker=second, topics=[taxes])
    StatementFactory(speaker=second, topics=[])

    def with_links(person):
        links = StatementTopic.objects.filter(statement=OuterRef("pk")).values(value=F("topic_id"))
        return (
            visibility.statements()
            .filter(speaker=person)
            .annotate(topic_ids=Collected(links))
            .order_by("pk")
        )

    compiled = compiles(monkeypatch)
    read = [prepared.read_by_shape(with_links(p), annotated_alike=True) for p in (first, second)]
    assert len(compiled) == len(prepared._by_shape) == 1
    for rows, person in zip(read, (first, second), strict=True):
        expected = [(s.pk, sorted(s.topic_ids)) for s in with_links(person)]
        assert [(s.pk, sorted(s.topic_ids)) for s in rows] == expected
    assert [sorted(s.topic_ids) for s in read[0]] == [sorted([climate.pk, taxes.pk])]
    assert [sorted(s.topic_ids) for s in read[1]] == [[taxes.pk], []]


@pytest.mark.django_db(transaction=True)
def test_a_read_by_shape_runs_on_the_connection_of_the_thread_that_runs_it(monkeypatch):
    monkeypatch.setattr(prepared, "_by_shape", {})
    first, second = StatementFactory.create_batch(2)
    assert prepared.read_by_shape(Statement.objects.filter(pk=first.pk)) == [first]
    read = in_another_thread(lambda: prepared.read_by_shape(Statement.objects.filter(pk=second.pk)))
    assert read == [second] and len(prepared._by_shape) == 1


def test_a_compiled_read_compiled_by_many_threads_at_once_is_compiled_right():
    # A worker's threads share each compiled read. Compiling changes the query compiled,
    # so threads compiling one query at once could write SQL without one of its joins,
    # which PostgreSQL refused ("missing FROM-clause entry") on every later run. Switching
    # threads every microsecond makes them meet inside the compiler.
    def statement_page_read() -> CompiledRead[Statement]:
        return CompiledRead(
            visibility.statements()
            .select_related("speaker", "speaker_party", "event", "candidacy__race__election")
            .filter(Equals(F("pk"), Argument))
        )

    expected = statement_page_read().compiled(connection.alias)[1]
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(10):
            read = statement_page_read()
            barrier = threading.Barrier(8)
            written: list[str | Exception] = []

            def compile_it(read=read, barrier=barrier, written=written) -> None:
                barrier.wait()
                try:
                    written.append(read.compiled(connection.alias)[1])
                except Exception as error:  # what a broken compile raised instead
                    written.append(error)

            threads = [threading.Thread(target=compile_it) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert written == [expected] * 8
    finally:
        sys.setswitchinterval(switching)
