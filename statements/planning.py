"""Reads that PostgreSQL should plan with settings of their own.

PostgreSQL plans every query afresh from general cost settings. For two kinds of read
those settings lead it astray, and a setting sent with the read alone puts it right:

- **Joins as written** (``joins_as_written``). For the reads that fetch what belongs to
  a few known records (a page's cards, a statement's reactions, a person's reactions),
  each joining six to nine tables for the visibility rules, the search for the best join
  order costs 4 to 12 ms while running the query costs well under one: the order the ORM
  writes, from the table filtered by the known ids outwards, is already the best one.
  Such reads are planned with ``join_collapse_limit = 1``, which keeps that order (at a
  million statements: the card relations plan in 1.1 ms instead of 3.8, a person's
  reactions in 0.9 instead of 12). Only for reads like these: a query whose best plan
  starts elsewhere (a search, the statements "said before") would run hundreds of times
  slower in the written order.
- **Index entries at their price** (``index_entries_at_their_price``), for a search's
  reads, its ranking and its page in date order (reading/listing.py): see
  ``INDEX_ENTRIES_AT_THEIR_PRICE``.
- **No merge joins** (``without_merge_joins``), for the timeline charts' reads: see
  ``NO_MERGE_JOINS``.
- **One plan** (``one_plan``), for the prepared reads of one record's rows: see
  ``ONE_PLAN``.

How: the setting is sent as ``SET LOCAL`` in front of the query, in the same round trip
(psycopg2 puts the parameters into the text and sends it as one simple query). Outside a
transaction, PostgreSQL runs the two as one implicit transaction, so the setting ends with
the query. Inside one (``atomic()``, tests) it would last until the commit, so there the
query is sent as it is and planned as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

AS_WRITTEN = "SET LOCAL join_collapse_limit = 1; "

# A search with a date range ("district", said before some day) can find its first
# matches two ways: read the word's matching rows and check their dates, or first combine
# the word's index entries with those of every statement in the range, then read the
# rows left. The default cost settings price an index entry at a 200th of a row read,
# where here it costs about a 70th (0.1 µs against 7), so a range of 360,000 statements
# looked cheap to combine and took 34 ms, where reading the word's rows takes 4. Priced
# at 0.1, the planner still combines narrow ranges (where that is the faster way) and
# reads the rows otherwise: a medium word's ranking over ten "said before" days went from
# 15.3 to 7.2 ms on average at a million statements; rare and common words, and "said
# after", were as fast or faster.
INDEX_ENTRIES_AT_THEIR_PRICE = "SET LOCAL cpu_index_tuple_cost = 0.1; "


# A timeline chart counts each statement's published reactions with a correlated
# subquery that joins six tables for the visibility rules, run once per statement (tens
# of thousands for a prolific speaker). Planned with merge joins, each run starts an
# index scan of the organizations even for a statement without reactions, which most
# are; with nested loops it stops at the first probe of the reactions' index. Over the
# charts of the fifty most prolific speakers at a million statements, the read took
# 37 ms on average instead of 53 (the most prolific: 330 instead of 500); topic charts
# were as fast or faster.
NO_MERGE_JOINS = "SET LOCAL enable_mergejoin = off; "


# A prepared read whose argument is a record's id or slug (reading.prepared: CompiledRead,
# fetch_all) has the same best plan for every value of it. Left to choose, PostgreSQL
# plans a prepared read's first five runs for their argument, then keeps a plan for any
# argument only where its estimated cost is no higher; for three reads it never was, and
# they were planned again on every call, at a million statements: a person's reactions
# (0.73 ms planned, 0.46 run), their positions (0.34 ms, 0.01) and the cards' relations
# without topics (1.1 ms, 0.18). Made to keep one plan, every such read ran as fast,
# within 0.02 ms, the reactions in 0.29 ms, and a person's page cost PostgreSQL 3.2 to
# 3.3 ms of CPU instead of 4.5 to 4.7 (alternating runs over HTTP). Only outside a
# transaction (``planned_with``): a plan is kept for the connection's life, and the
# tests' connection, whose tables are emptied and filled again from one test to the
# next, once kept one that ran for a quarter of an hour on other rows than it was made
# for; the tests' transactions leave the choice to PostgreSQL. A site's connection lives
# for CONN_MAX_AGE, and PostgreSQL plans a prepared read again once the statistics of a
# table it reads are updated (autovacuum's ANALYZE).
ONE_PLAN = "SET LOCAL plan_cache_mode = force_generic_plan; "


@contextmanager
def joins_as_written(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Plan the queries run inside (evaluate the querysets inside) in the written join
    order, on PostgreSQL outside a transaction; elsewhere, as usual."""
    with planned_with(AS_WRITTEN, using):
        yield


@contextmanager
def index_entries_at_their_price(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Plan the queries run inside with INDEX_ENTRIES_AT_THEIR_PRICE, on PostgreSQL
    outside a transaction; elsewhere, as usual."""
    with planned_with(INDEX_ENTRIES_AT_THEIR_PRICE, using):
        yield


@contextmanager
def without_merge_joins(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Plan the queries run inside with NO_MERGE_JOINS, on PostgreSQL outside a
    transaction; elsewhere, as usual."""
    with planned_with(NO_MERGE_JOINS, using):
        yield


@contextmanager
def one_plan(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the prepared reads inside with ONE_PLAN, on PostgreSQL outside a transaction;
    elsewhere, as usual."""
    with planned_with(ONE_PLAN, using):
        yield


@contextmanager
def planned_with(setting: str, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return

    def send_with_the_setting(execute, sql, params, many, context):
        if many or not context["connection"].get_autocommit():
            return execute(sql, params, many, context)
        return execute(setting + sql, params, many, context)

    with connection.execute_wrapper(send_with_the_setting):
        yield
