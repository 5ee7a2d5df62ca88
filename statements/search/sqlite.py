"""Search on SQLite: an FTS5 external-content table over text, context and speaker name.

``statements_statement_fts`` (tokenizer ``porter unicode61 remove_diacritics 0``) is
created and kept in step by triggers in migration 0004. Ranking is FTS5's ``bm25``.
FTS5 keeps stop words, so a query of stop words only is a phrase query on the index,
limited to the words and the context.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .parser import SearchQuery, Term

FTS_TABLE = "statements_statement_fts"
# Relative weights of the indexed columns (text, context, speaker_name), as PostgreSQL's
# ts_rank weighs A (1.0) and B (0.4). bm25 weighs rare words more than ts_rank, so the
# order of results can differ between databases; the set of results does not.
BM25_WEIGHTS = (1.0, 0.4, 1.0)


def _string(term: Term) -> str:
    # Inside an FTS5 string everything is literal; the only special character is the
    # double quote, written twice. The tokenizer splits it as it split the documents.
    return '"' + term.core.replace('"', '""') + '"'


def match_expression(parsed: SearchQuery) -> str:
    """The FTS5 MATCH expression: every user token is inside a quoted string."""
    if parsed.phrase:
        # Tokens are runs of letters and digits: nothing in them needs escaping.
        expression = '{text context} : "' + " ".join(parsed.phrase) + '"'
        return expression + "".join(f" NOT {_string(t)}" for t in parsed.excluded)
    parts = []
    for group in parsed.groups:
        alternatives = " OR ".join(_string(term) for term in group)
        parts.append(f"({alternatives})" if len(group) > 1 else alternatives)
    expression = " AND ".join(parts)
    if parsed.excluded:
        expression = f"({expression})" + "".join(f" NOT {_string(t)}" for t in parsed.excluded)
    return expression


def matching(queryset: QuerySet, parsed: SearchQuery) -> QuerySet:
    ids = RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match_expression(parsed)]
    )
    return queryset.filter(pk__in=ids)


def ranking_sql(candidates: QuerySet, parsed: SearchQuery, limit: int) -> tuple[str, list]:
    """Ids of the first ``limit`` candidates that match, best first (bm25 is
    lower-is-better)."""
    first = candidates.order_by().values("pk")[:limit]
    candidates_sql, candidates_params = first.query.get_compiler(using=first.db).as_sql()
    weights = ", ".join(repr(float(w)) for w in BM25_WEIGHTS)
    table = candidates.model._meta.db_table
    sql = (
        f"SELECT s.id FROM {FTS_TABLE} JOIN {table} s ON s.id = {FTS_TABLE}.rowid "
        # "+rowid": scan the matches once and test each against the candidate ids. Left
        # bare, SQLite runs the full-text query again for every one of those ids.
        f"WHERE {FTS_TABLE} MATCH %s AND +{FTS_TABLE}.rowid IN ({candidates_sql}) "
        f"ORDER BY bm25({FTS_TABLE}, {weights}), s.said_on DESC, s.id ASC"
    )
    return sql, [match_expression(parsed), *candidates_params]


def repeat_candidates_sql(
    table: str,
    text: str,
    groups: list[tuple[str, ...]],
    *,
    speaker_id: int,
    state: str,
    exclude_id: int,
    threshold: float,
    limit: int,
) -> tuple[str, list]:
    """Ids of the ``state`` statements of ``speaker_id`` other than ``exclude_id`` whose
    words hold every word of one of the ``groups``, found through the FTS5 index, those
    with the most of them first (bm25), at most ``limit``. SQLite has no trigram
    similarity: the caller compares the texts (``text`` and ``threshold`` keep the
    signature PostgreSQL's has)."""
    expression = " OR ".join(
        "(" + " AND ".join(f'"{word}"' for word in group) + ")" for group in groups
    )
    sql = (
        f"SELECT s.id FROM {FTS_TABLE} JOIN {table} s ON s.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND s.speaker_id = %s AND s.state = %s AND s.id <> %s "
        f"ORDER BY bm25({FTS_TABLE}), s.id LIMIT %s"
    )
    return sql, [f"text : ({expression})", speaker_id, state, exclude_id, limit]
