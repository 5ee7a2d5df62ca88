"""Full-text search over statements, the same on SQLite (FTS5) and PostgreSQL (tsvector).

The query syntax is parsed once (parser.py) and compiled for the database in use
(sqlite.py, postgres.py); user text is always a parameter. Both databases stem (FTS5's
Porter stemmer, PostgreSQL's English Snowball stemmer), so "sanctuary" finds
"sanctuaries". Snippets (highlight.py) are computed in Python for one page's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from .. import paging
from ..planning import index_entries_at_their_price
from . import postgres, sqlite
from .highlight import highlight
from .parser import MAX_QUERY_LENGTH, SearchQuery, parse, quoted

__all__ = [
    "MAX_QUERY_LENGTH",
    "Ranking",
    "SearchQuery",
    "highlight",
    "matching",
    "parse",
    "quoted",
    "ranked",
    "ranked_ids",
]

# The cap on ranking. Ranking reads every row it ranks, and finding the *newest* matches
# first reads every match (or walks the date index past all the rows that don't match):
# at a million statements that is most of a second for a word in 1% of them. So ranking
# takes the first RANKED_LIMIT matches in the full-text index's own order, which costs
# no sort (PostgreSQL's GIN bitmap yields them in storage order, SQLite's FTS5 in rowid
# order: roughly the order the statements were entered), and ranks those. When no more
# than RANKED_LIMIT statements match, that is all of them and the ranking is exact; when
# more match, the page says so and offers date order, which pages through every match.
# 500 is also as far as numbered pages go (25 pages of 20).
RANKED_LIMIT = 500


@dataclass
class Ranking:
    """Ids, most relevant first, and whether more statements matched than were ranked."""

    ids: list[int] = field(default_factory=list)
    capped: bool = False


def backend(queryset: QuerySet) -> ModuleType:
    vendor = connections[queryset.db].vendor
    if vendor == "sqlite":
        return sqlite
    if vendor == "postgresql":
        return postgres
    raise NotImplementedError(f"Full-text search is not set up for {vendor}.")


def matching(queryset: QuerySet, query: str) -> QuerySet:
    """The statements of ``queryset`` that match ``query``. Lazy: runs no query itself."""
    parsed = parse(query)
    if not parsed:
        return queryset.none()
    return backend(queryset).matching(queryset, parsed)


def ranked_ids(
    queryset: QuerySet, query: str, limit: int = RANKED_LIMIT, *, matched: bool = False
) -> list[int]:
    """Ids of the statements of ``queryset`` that match, most relevant first: see
    ``ranked``."""
    return ranked(queryset, query, limit, matched=matched).ids


def ranked(
    queryset: QuerySet, query: str, limit: int = RANKED_LIMIT, *, matched: bool = False
) -> Ranking:
    """The statements of ``queryset`` that match, most relevant first.

    Pass ``matched=True`` when ``queryset`` is already filtered by this search (as the
    StatementFilter's results are): matching twice makes the database misjudge how many
    rows match, and pick a slow plan. At most ``limit`` matches are ranked: the first the
    full-text index yields (see RANKED_LIMIT); ``capped`` says when more matched. Ties go
    in the lists' order (``paging.NEWEST_FIRST``). A query of stop words only has nothing
    to rank by: its newest ``limit`` matches come in that order. One query.
    """
    parsed = parse(query)
    if not parsed or limit <= 0:
        return Ranking()
    candidates = queryset if matched else matching(queryset, query)
    if parsed.phrase:
        in_order = candidates.order_by(*paging.order_by(paging.NEWEST_FIRST))
        newest = list(in_order.values_list("pk", flat=True)[: int(limit) + 1])
        return Ranking(ids=newest[:limit], capped=len(newest) > limit)
    # Unordered on purpose: in the index's order, with no sort of all the matches.
    try:
        sql, params = backend(queryset).ranking_sql(candidates, parsed, int(limit) + 1)
    except EmptyResultSet:  # e.g. queryset.none(): nothing to rank, nothing to ask
        return Ranking()
    with index_entries_at_their_price(queryset.db), connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    return Ranking(ids=ids[:limit], capped=len(ids) > limit)
