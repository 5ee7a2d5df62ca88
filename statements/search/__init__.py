"""Full-text search over statements, the same on SQLite (FTS5) and PostgreSQL (tsvector).

The query syntax is parsed once (parser.py) and compiled for the database in use
(sqlite.py, postgres.py); user text is always a parameter. Both databases stem (FTS5's
Porter stemmer, PostgreSQL's English Snowball stemmer), so "sanctuary" finds
"sanctuaries". Snippets (highlight.py) are computed in Python for one page's rows.
"""

from __future__ import annotations

from types import ModuleType

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from . import postgres, sqlite
from .highlight import highlight
from .parser import MAX_QUERY_LENGTH, SearchQuery, parse

__all__ = ["MAX_QUERY_LENGTH", "SearchQuery", "highlight", "matching", "parse", "ranked_ids"]

# Only the newest this many matches are ranked: ranking costs time in proportion to the
# number of rows ranked, and a very common word matches most rows.
RANKED_LIMIT = 1000


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
    """Ids of the statements of ``queryset`` that match, most relevant first.

    Pass ``matched=True`` when ``queryset`` is already filtered by this search (as the
    StatementFilter's results are): matching twice makes the database misjudge how many
    rows match, and pick a slow plan. Only the newest ``limit`` matches are ranked (and
    returned). Ties go to the newest statement, then the highest id. One query.
    """
    parsed = parse(query)
    if not parsed or limit <= 0:
        return []
    candidates = queryset if matched else matching(queryset, query)
    newest = candidates.order_by("-said_on", "-id").values("pk")[: int(limit)]
    try:
        newest_sql, newest_params = newest.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # e.g. queryset.none(): nothing to rank, nothing to ask
        return []
    table = queryset.model._meta.db_table
    sql, params = backend(queryset).ranking_sql(table, parsed, newest_sql, list(newest_params))
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
