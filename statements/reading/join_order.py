"""Reads that PostgreSQL should join in the order the ORM wrote them.

PostgreSQL plans every query afresh and searches for its best join order. For the reads
that fetch what belongs to a few known records (a page's cards, a statement's reactions,
a person's reactions), each joining six to nine tables for the visibility rules, that
search costs 4 to 12 ms while running the query costs well under one: the order the ORM
writes, from the table filtered by the known ids outwards, is already the best one.
Inside ``joins_as_written()`` such reads are planned with ``join_collapse_limit = 1``,
which keeps that order (at a million statements: the card relations plan in 1.1 ms
instead of 3.8, a person's reactions in 0.9 instead of 12).

Only for reads like these: a query whose best plan starts elsewhere (a search, the
statements "said before") would run hundreds of times slower in the written order.

How: the setting is sent as ``SET LOCAL`` in front of the query, in the same round trip
(psycopg2 puts the parameters into the text and sends it as one simple query). Outside a
transaction, PostgreSQL runs the two as one implicit transaction, so the setting ends with
the query. Inside one (``atomic()``, tests) it would last until the commit, so
there the query is sent as it is and planned as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

AS_WRITTEN = "SET LOCAL join_collapse_limit = 1; "


@contextmanager
def joins_as_written(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Plan the queries run inside (evaluate the querysets inside) in the written join
    order, on PostgreSQL outside a transaction; elsewhere, as usual."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.execute_wrapper(_as_written):
        yield


def _as_written(execute, sql, params, many, context):
    connection = context["connection"]
    if many or not connection.get_autocommit():
        return execute(sql, params, many, context)
    return execute(AS_WRITTEN + sql, params, many, context)
