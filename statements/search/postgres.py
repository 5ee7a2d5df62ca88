"""Search on PostgreSQL: a stored generated ``tsvector`` with a GIN index.

``statements_statement.search_vector`` (text and speaker name weighted A, context B,
config ``english``) is added by migration 0004. Ranking is ``ts_rank(…, 1)``, which
divides by 1 + log(document length), as bm25 too favours shorter documents.

The vector has no stop words, so a query of stop words only is a case-insensitive
regular expression over the stored words and context: the phrase's words, in order, with
anything but letters and digits between them. That reads the rows, not the index; it is
for the rare query with no other word in it.
"""

from __future__ import annotations

from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from .parser import SearchQuery, Term

SEARCH_CONFIG = "english"


def tsquery_sql(parsed: SearchQuery) -> tuple[str, list[str]]:
    """A tsquery expression, with the user's words as parameters."""
    params: list[str] = []

    def phrase(term: Term) -> str:
        params.append(term.text)
        return f"phraseto_tsquery('{SEARCH_CONFIG}', %s)"

    parts = []
    for group in parsed.groups:
        alternatives = " || ".join(phrase(term) for term in group)
        parts.append(f"({alternatives})" if len(group) > 1 else alternatives)
    parts.extend(f"!!{phrase(term)}" for term in parsed.excluded)
    return "(" + " && ".join(parts) + ")", params


NOT_WORD = "[^[:alnum:]]"


def phrase_pattern(words: tuple[str, ...]) -> str:
    """A PostgreSQL regular expression for these words (runs of letters and digits, so
    nothing to escape) in this order, as whole words."""
    return f"(^|{NOT_WORD})" + f"{NOT_WORD}+".join(words) + f"({NOT_WORD}|$)"


def matching(queryset: QuerySet, parsed: SearchQuery) -> QuerySet:
    if parsed.phrase:
        pattern = phrase_pattern(parsed.phrase)
        queryset = queryset.filter(Q(text__iregex=pattern) | Q(context__iregex=pattern))
        if not parsed.excluded:
            return queryset
        # Any excluded word still keeps a row out.
        excluded = SearchQuery(groups=[parsed.excluded])
        tsquery, params = tsquery_sql(excluded)
        return queryset.filter(
            RawSQL(f"NOT (search_vector @@ {tsquery})", params, output_field=BooleanField())
        )
    # A condition on the row itself, not a self-join: the GIN index answers it directly.
    # Unqualified on purpose, so it still names the right table inside a subquery.
    tsquery, params = tsquery_sql(parsed)
    return queryset.filter(
        RawSQL(f"search_vector @@ {tsquery}", params, output_field=BooleanField())
    )


def ranking_sql(candidates: QuerySet, parsed: SearchQuery, limit: int) -> tuple[str, list]:
    """Ids of the first ``limit`` candidates (they already match), best first.

    Each candidate's rank is worked out as the candidates are read, from the row already in
    hand, not by reading each candidate's row again by its id. At a million statements,
    ranked as the list ranks them (said before one of 40 days), the same ids came back in
    4.3 ms instead of 5.7 for a medium word, 2.3 instead of 3.2 for a common one and 1.1
    instead of 2.2 for a rare one."""
    tsquery, params = tsquery_sql(parsed)
    # search_vector unqualified, as in ``matching``.
    rank = RawSQL(f"ts_rank(search_vector, {tsquery}, 1)", params, output_field=FloatField())
    first = candidates.order_by().annotate(rank=rank).values("pk", "said_on", "rank")[:limit]
    candidates_sql, candidates_params = first.query.get_compiler(using=first.db).as_sql()
    sql = (
        f"SELECT id FROM ({candidates_sql}) AS candidates (id, said_on, rank) "
        "ORDER BY rank DESC, said_on DESC, id ASC"
    )
    return sql, list(candidates_params)


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
    words hold every word of one of the ``groups`` and whose pg_trgm similarity to
    ``text`` reaches ``threshold``, the most similar ``limit`` first.

    The words are found as search finds them, through the search vector, among its
    words of weight A (the text's, and the speaker's name): stemmed, so "economies"
    holds "economy", and whole, so "parent" does not hold "rent". SQLite's FTS5 finds
    the same words, so both databases look for the same candidates. One GIN index
    holds the speaker and the search vector (migration 0023), so only the speaker's
    rows with the words are read, and only those are compared with ``text``. (The trigram index
    this used to search with ILIKE found every row with the word inside another, and
    took half as long again: 46 ms against 31 on average, 100 against 71 at the 90th
    percentile, at a million statements. The ``%`` operator would have the trigram
    index find every row sharing a third of the trigrams: seconds.)"""
    # Words are runs of letters and digits: nothing in them is special to a tsquery, and
    # none is a stop word (parser.STOP_WORDS is the configuration's list).
    words = " | ".join("(" + " & ".join(f"{word}:A" for word in group) + ")" for group in groups)
    # The speaker as a bigint, the column's type: the index on the speaker and the search
    # vector (migration 0023) compares a bigint only with a bigint.
    sql = (
        f"SELECT id FROM {table} WHERE speaker_id = %s::bigint AND state = %s AND id <> %s "
        f"AND search_vector @@ to_tsquery('{SEARCH_CONFIG}', %s) "
        "AND similarity(text, %s) >= %s "
        "ORDER BY similarity(text, %s) DESC, id LIMIT %s"
    )
    params = [speaker_id, state, exclude_id, words, text, threshold, text, limit]
    return sql, params
