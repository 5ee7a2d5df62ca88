"""Reads prepared once per database connection, where planning costs more than running.

The query behind every list's cards (card_relations.py) is the same text for every page,
the cards' ids being its one argument (``AnyOf``). PostgreSQL parses and plans a query
each time it gets one, and for that query planning cost more than running it: 2.2 ms a
page at a million statements, of which 0.5 ms run as a prepared statement. So on
PostgreSQL such a read is sent as ``PREPARE`` once per connection, then as ``EXECUTE``
(``fetch_all``). (PostgreSQL plans the first executions for their arguments; when a plan
for any argument costs no more, it keeps that one and plans no more.) The list's own rows
are read the same way where their plan does not depend on the values that change from
page to page (``prepared_reads``).

A prepared statement belongs to its server connection. Behind a pooler that hands one
server connection to several clients, transaction by transaction (PgBouncer in
transaction mode), turn them off with ``DATABASE_PREPARED_STATEMENTS=false``; reads are
then sent whole, as on SQLite.

Where a read's rows are wanted as model instances, ``CompiledRead`` keeps the compiling
(not the planning): a queryset compiled once per process, run for any value of its one
argument.
"""

from __future__ import annotations

import copy
import hashlib
import json
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Lookup, Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)

# Prepared statements' names, by server connection (the driver's connection object: a new
# one after a reconnect). PREPARE outlives a rollback, so nothing else can undo it.
_prepared: weakref.WeakKeyDictionary[object, set[str]] = weakref.WeakKeyDictionary()


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
        self._compiled: dict[str, tuple[SQLCompiler, str, tuple]] = {}

    def __call__(self, argument: Any) -> list[M]:
        """The rows for ``argument``: a value for ``Equals``, ``AnyOf.argument(…)`` for
        ``AnyOf``."""
        using = self._queryset.db
        compiled = self._compiled.get(connections[using].vendor)
        if compiled is None:
            compiler = self._queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            compiled = self._compiled[connections[using].vendor] = (compiler, sql, params)
        compiler, sql, params = compiled
        run = copy.copy(compiler)
        run.connection = connections[using]  # a connection belongs to its thread
        filled = [argument if param is Argument else param for param in params]
        run.as_sql = lambda *args, **kwargs: (sql, filled)  # type: ignore[method-assign]
        queryset = self._queryset.all()
        queryset.query.get_compiler = lambda *args, **kwargs: run  # type: ignore[method-assign]
        return list(queryset)


def _statement(sql: str) -> str:
    return "read_" + hashlib.sha256(sql.encode()).hexdigest()[:16]


def _prepared_on(server_connection) -> set[str]:
    return _prepared.setdefault(server_connection, set())


def _preparing(using: str) -> bool:
    return connections[using].vendor == "postgresql" and settings.DATABASE_PREPARED_STATEMENTS


def fetch_all(
    sql: str, params: Sequence, argument: list[int] | str, argument_type: str
) -> list[tuple]:
    """The rows of a compiled read (``sql`` and ``params``, with ``Argument`` where its
    argument goes) for ``argument``, of PostgreSQL type ``argument_type``."""
    with connection.cursor() as cursor:
        if not _preparing(connection.alias):
            cursor.execute(sql, [argument if param is Argument else param for param in params])
            return cursor.fetchall()
        name = _statement(sql)
        prepared = _prepared_on(connection.connection)
        if name not in prepared:
            from psycopg2.extensions import AsIs

            # The fixed parameters go into the statement's text, quoted by the driver.
            text = cursor.cursor.mogrify(
                sql, [AsIs("$1") if param is Argument else param for param in params]
            )
            cursor.execute(f"PREPARE {name} ({argument_type}) AS {text.decode()}")
            prepared.add(name)
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
