"""Reads prepared once per database connection, where planning costs more than running.

The query behind every list's cards (card_relations.py) is the same text for every page,
the cards' ids being its one argument (``AnyOf``). PostgreSQL parses and plans a query
each time it gets one, and for that query planning cost more than running it: 2.2 ms a
page at a million statements, of which 0.5 ms run as a prepared statement. So on
PostgreSQL such a read is sent as ``PREPARE`` once per connection, then as ``EXECUTE``
(``fetch_all``), and planned once per connection (``planning.ONE_PLAN``). The list's own
rows are read the same way where their plan does not depend on the values that change
from page to page (``prepared_reads``); PostgreSQL chooses when to plan those once.

A prepared statement belongs to its server connection. Behind a pooler that hands one
server connection to several clients, transaction by transaction (PgBouncer in
transaction mode), turn them off with ``DATABASE_PREPARED_STATEMENTS=false``; reads are
then sent whole, as on SQLite.

Where a read's rows are wanted as model instances, ``CompiledRead`` keeps the compiling:
a queryset compiled once per process, run for any value of its one argument. On
PostgreSQL it is prepared as well, its argument the statement's one parameter: on the
statement page, its reactions, corrections, comment requests and positions (each read
with its visibility joins) took 5.4 ms of the database's time sent whole, and the page's
six prepared reads (those, the statement and its cards' relations) 2.3 ms executed, at a
million statements. Only reads whose plan does not depend on the argument are written
so (a record's id, a person's slug). A read built afresh for each request (a list
page's, from its filters) is compiled once per shape instead (``read_by_shape``).
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Lookup, Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.query import Query

from ..planning import one_plan

M = TypeVar("M", bound=Model)

# Prepared statements' names, by server connection (the driver's connection object: a new
# one after a reconnect). PREPARE outlives a rollback, so nothing else can undo it.
_prepared: weakref.WeakKeyDictionary[object, set[str]] = weakref.WeakKeyDictionary()

# Compiling a query changes it while it runs (Django counts the joins in use as it writes
# them, then puts the counts back), and what is built once per process (compiled reads,
# the cards' union) is shared by a worker's threads, subqueries included. Two threads
# compiling one query at once wrote SQL that had lost a join, which a compiled read then
# kept for good: every later page it was on failed in that worker. So those are compiled
# from a copy of their query, one thread at a time (once per process each: no waiting).
_compiling = threading.Lock()


def compile_shared(queryset: QuerySet, using: str) -> tuple[SQLCompiler, str, tuple]:
    """The compiler of ``queryset`` on ``using``, with its SQL and parameters: for a
    queryset built once and shared by threads (see ``_compiling``)."""
    with _compiling:
        compiler = queryset.query.clone().get_compiler(using=using)
        sql, params = compiler.as_sql()
    return compiler, sql, tuple(params)


class Argument:
    """Where a read's one argument goes among its compiled parameters."""


class _AsGiven(Lookup):
    """A lookup whose value is left as given, so that it can be the ``Argument`` (a
    built-in lookup would convert it to the column's type); ``template`` places it."""

    prepare_rhs = False
    template = ""

    def get_db_prep_lookup(self, value, connection):
        return "%s", [value]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return self.template.format(lhs=lhs, rhs=rhs), [*lhs_params, *rhs_params]


class AnyOf(_AsGiven):
    """``column = ANY(argument)``: a column among a list of ids, whatever their number,
    given as one parameter (on SQLite, the list as JSON, read by ``json_each``)."""

    lookup_name = "any_of"
    template = "{lhs} = ANY({rhs})"

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} IN (SELECT value FROM json_each({rhs}))", [*lhs_params, *rhs_params]

    @staticmethod
    def argument(ids: list[int]) -> list[int] | str:
        return json.dumps(ids) if connection.vendor == "sqlite" else ids


class Equals(_AsGiven):
    """``column = argument``: ``exact`` for the ``Argument``."""

    lookup_name = "equals"
    template = "{lhs} = {rhs}"


class CompiledRead(Generic[M]):
    """A queryset with one ``Argument`` (through ``Equals`` or ``AnyOf``), compiled once
    per process and database, then run for any value of it: its rows come back as the
    queryset's own would (model instances, with what it selects related and annotates),
    without building and compiling it again. Compiling the person page's three record
    reads (their visibility rules and correlated subqueries) took 2.6 ms of every page.

    Django evaluates a queryset by asking its query for a compiler, and the compiler for
    its SQL (``as_sql``), which also works out how rows become instances (``select``,
    ``klass_info``). Each run hands a copy of the compiled compiler, its SQL already
    written and given this thread's connection, to a clone of the queryset."""

    def __init__(self, queryset: QuerySet[M]):
        self._queryset = queryset
        # Per database vendor: the compiler, its SQL and parameters, and the name of the
        # read prepared from them (from its values too: two reads may differ in those only).
        self._compiled: dict[str, tuple[SQLCompiler, str, tuple, str]] = {}

    def __call__(self, argument: Any) -> list[M]:
        """The rows for ``argument``: a value for ``Equals``, ``AnyOf.argument(…)`` for
        ``AnyOf``."""
        using = self._queryset.db
        compiler, sql, params, name = self.compiled(using)
        if _preparing(using):
            _prepare(using, name, sql, params)
            with one_plan(using):
                return _read_through(self._queryset, compiler, f"EXECUTE {name} (%s)", [argument])
        filled = [argument if param is Argument else param for param in params]
        return _read_through(self._queryset, compiler, sql, filled)

    def compiled(self, using: str) -> tuple[SQLCompiler, str, tuple, str]:
        """The compiler, its SQL and parameters, and the name of the read prepared from
        them, for the vendor of ``using``: compiled at the first call."""
        vendor = connections[using].vendor
        compiled = self._compiled.get(vendor)
        if compiled is None:
            compiler, sql, params = compile_shared(self._queryset, using)
            name = _statement(f"{sql} {params!r}")
            compiled = self._compiled[vendor] = (compiler, sql, params, name)
        return compiled


def _read_through(queryset: QuerySet[M], compiled: SQLCompiler, sql: str, params) -> list[M]:
    """The rows of ``queryset``, read with ``sql`` and ``params`` through a copy of
    ``compiled``: a compiler whose ``as_sql`` has run for a queryset of the same shape (it
    knows how rows become instances: ``select``, ``klass_info``), given this thread's
    connection (a connection belongs to its thread)."""
    run = copy.copy(compiled)
    run.connection = connections[queryset.db]
    run.as_sql = lambda *args, **kwargs: (sql, params)  # type: ignore[method-assign]
    clone = queryset.all()
    clone.query.get_compiler = lambda *args, **kwargs: run  # type: ignore[method-assign]
    return list(clone)


# Compiled SQL by the shape of a queryset (see ``read_by_shape``); None: a shape whose SQL
# has parameters outside its WHERE clause, read as usual.
_by_shape: dict[tuple, tuple[SQLCompiler, str] | None] = {}
KEPT_SHAPES = 1000


def _shape(query: Query, vendor: str, where: str, annotated_alike: bool) -> tuple | None:
    """What a query's SQL depends on, its WHERE clause given as compiled; None for a query
    with parts this does not describe (annotations, unless ``annotated_alike``; grouping,
    DISTINCT, extra SQL…)."""
    if (
        (query.annotations and not annotated_alike)
        or query.extra
        or query.extra_tables
        or query.extra_order_by
        or query.combinator
        or query.values_select
        or query.select
        or not query.default_cols
        or query.group_by
        or query.distinct
        or query.select_for_update
        or query.where.contains_aggregate
        or query.where.contains_over_clause
    ):
        return None
    names, deferred = query.deferred_loading
    return (
        vendor,
        query.model,
        # The joins in use (compiling a queryset may add unused ones, for select_related).
        tuple(
            (alias, join.identity, getattr(join, "join_type", None))  # type: ignore[union-attr]
            for alias, join in query.alias_map.items()
            if query.alias_refcount[alias]
        ),
        repr(query.select_related),
        frozenset(names),
        deferred,
        tuple(str(term) for term in query.order_by),
        query.default_ordering,
        query.standard_ordering,
        query.low_mark,
        query.high_mark,
        tuple(query.annotations),
        where,
    )


def read_by_shape(queryset: QuerySet[M], *, annotated_alike: bool = False) -> list[M]:
    """``list(queryset)``, with its SQL compiled once per shape and process: a list page's
    read is built afresh for each request from the filters, and compiling it cost about
    0.45 ms, a fifteenth of the page. Only its WHERE clause is compiled each time (0.1 ms),
    for its text and parameters; the rest of the SQL (the columns, the joins, the order,
    the slice) is the one compiled for the first query of the same shape: the same model,
    joins, columns, order, slice and WHERE text. A shape's SQL is kept only if its WHERE
    clause appears in it as compiled alone and holds all its parameters.

    A queryset with annotations is read as usual, unless the caller vouches with
    ``annotated_alike`` that any two of its querysets with annotations of the same names
    have the same annotations (one place in the code adds them, always alike)."""
    query = queryset.query
    connection = connections[queryset.db]
    try:
        where, where_params = query.get_compiler(queryset.db).compile(query.where)
    except (EmptyResultSet, FullResultSet):
        return list(queryset)
    shape = _shape(query, connection.vendor, where, annotated_alike)
    if shape is None:
        return list(queryset)
    if shape not in _by_shape:
        compiler = query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        whole = where in sql and list(params) == list(where_params)
        if len(_by_shape) >= KEPT_SHAPES:
            _by_shape.clear()
        _by_shape[shape] = (compiler, sql) if whole else None
    kept = _by_shape.get(shape)
    if kept is None:
        return list(queryset)
    compiler, sql = kept
    return _read_through(queryset, compiler, sql, tuple(where_params))


def _statement(sql: str) -> str:
    return "read_" + hashlib.sha256(sql.encode()).hexdigest()[:16]


def _prepared_on(server_connection) -> set[str]:
    return _prepared.setdefault(server_connection, set())


def _preparing(using: str) -> bool:
    return connections[using].vendor == "postgresql" and settings.DATABASE_PREPARED_STATEMENTS


def _prepare(using: str, name: str, sql: str, params: Sequence, argument_type: str = "") -> None:
    """Prepare the compiled read ``name`` (``sql`` and ``params``, with ``Argument`` where
    its argument goes) on this thread's connection to ``using``, unless it already is. Its
    argument is of PostgreSQL type ``argument_type``, or of the type its place in the
    query gives it."""
    connection = connections[using]
    connection.ensure_connection()
    prepared = _prepared_on(connection.connection)
    if name not in prepared:
        from psycopg2.extensions import AsIs

        with connection.cursor() as cursor:
            # The fixed parameters go into the statement's text, quoted by the driver.
            text = cursor.cursor.mogrify(
                sql, [AsIs("$1") if param is Argument else param for param in params]
            )
            types = f" ({argument_type})" if argument_type else ""
            cursor.execute(f"PREPARE {name}{types} AS {text.decode()}")
        prepared.add(name)


def fetch_all(
    sql: str, params: Sequence, argument: list[int] | str, argument_type: str
) -> list[tuple]:
    """The rows of a compiled read (``sql`` and ``params``, with ``Argument`` where its
    argument goes) for ``argument``, of PostgreSQL type ``argument_type``."""
    if not _preparing(connection.alias):
        with connection.cursor() as cursor:
            cursor.execute(sql, [argument if param is Argument else param for param in params])
            return cursor.fetchall()
    name = _statement(sql)  # a fetch_all read's values are fixed with its SQL
    _prepare(connection.alias, name, sql, params, argument_type)
    with one_plan(connection.alias), connection.cursor() as cursor:
        cursor.execute(f"EXECUTE {name} (%s)", [argument])
        return cursor.fetchall()


@contextmanager
def prepared_reads(arguments: tuple[type, ...], using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Every read run inside (every queryset evaluated inside) is prepared once per
    connection, then executed by name. Its parameters of the types in ``arguments`` are
    the statement's arguments; the others are written into its text, so that a read with
    other values of them is another statement.

    PostgreSQL plans a prepared statement's first five executions for their arguments;
    from then on, when a plan for any arguments costs no more by its estimates, it keeps
    that one and plans no more (at a million statements, about 1 ms of a list page).
    So only the values the best plan does not depend on may be arguments. A day is one:
    an index hands the statements over in date order whatever the day. A speaker is not:
    made to keep one plan for every speaker, a prolific speaker's paraphrases took 146 ms
    a page instead of 5; written in, each speaker would have a statement and a plan of
    its own (``StatementList.prepared_arguments`` says when that pays).
    Nor is a state: as an argument, the plan kept was one for a state that few statements
    are in (20 s instead of 0.4 ms)."""
    if not _preparing(using):
        yield
        return
    from psycopg2.extensions import AsIs

    def by_name(execute, sql, params, many, context):
        if many or not params or not sql.startswith("SELECT "):
            return execute(sql, params, many, context)
        given = [param for param in params if type(param) in arguments]
        numbers = (AsIs(f"${number}") for number in range(1, len(given) + 1))
        written = [next(numbers) if type(param) in arguments else param for param in params]
        text = context["cursor"].cursor.mogrify(sql, written).decode()
        name = _statement(text)
        prepared = _prepared_on(context["connection"].connection)
        if name not in prepared:
            execute(f"PREPARE {name} AS {text}", None, False, context)
            prepared.add(name)
        if not given:
            return execute(f"EXECUTE {name}", None, False, context)
        placeholders = ", ".join(["%s"] * len(given))
        return execute(f"EXECUTE {name} ({placeholders})", given, False, context)

    with connections[using].execute_wrapper(by_name):
        yield
