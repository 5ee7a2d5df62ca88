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

from django.db.models import BooleanField, Q, QuerySet
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


def ranking_sql(
    table: str, parsed: SearchQuery, candidates_sql: str, candidates_params: list
) -> tuple[str, list]:
    """Ids of the candidates, best first (they already match)."""
    tsquery, params = tsquery_sql(parsed)
    sql = (
        f"SELECT s.id FROM {table} s WHERE s.id IN ({candidates_sql}) "
        f"ORDER BY ts_rank(s.search_vector, {tsquery}, 1) DESC, s.said_on DESC, s.id ASC"
    )
    return sql, [*candidates_params, *params]
