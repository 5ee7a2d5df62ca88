"""What a statement's JSON nests, read for a page of statements: its topics, sources,
reactions, comment requests and the positions that cite it, one query each, whatever the
number of statements.

Each is a read compiled once per process and run for the page's ids
(reading/prepared.CompiledRead, the ids its one argument), as the pages read their cards'
relations. As prefetches, the five querysets and their visibility rules were built and
compiled again on every request: most of the time a page of the API spent reading, at a
million statements.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence

from django.db.models import F, Model, QuerySet

from ..models import Statement
from ..reading import visibility
from ..reading.attached import attach
from ..reading.prepared import AnyOf, Argument, CompiledRead


def _of_statements(rows: QuerySet, statement: str) -> CompiledRead:
    """``rows`` of the statements given as the argument, each with the statement's id as
    ``for_statement`` (``statement`` names it), in ``rows``' order."""
    with_statement = rows.annotate(for_statement=F(statement))
    return CompiledRead(with_statement.filter(AnyOf(F("for_statement"), Argument)))


# Each nested list: the attribute the serializer reads it from, and its read.
READS: dict[str, Callable[[], CompiledRead]] = {
    "public_topics": functools.cache(
        lambda: _of_statements(
            visibility.topics().select_related("parent").order_by("name", "id"), "statements__id"
        )
    ),
    "public_source_links": functools.cache(
        lambda: _of_statements(
            visibility.source_links(["statement"]).order_by("source__published_on", "source_id"),
            "statement_id",
        )
    ),
    "public_reactions": functools.cache(
        lambda: _of_statements(visibility.reactions(["statement"]).order_by("id"), "statement_id")
    ),
    "public_comment_requests": functools.cache(
        lambda: _of_statements(
            visibility.comment_requests(["statement"]).order_by(
                F("requested_on").asc(nulls_last=True), "id"
            ),
            "statement_id",
        )
    ),
    "public_positions": functools.cache(
        lambda: _of_statements(visibility.positions().order_by("-as_of", "id"), "statements__id")
    ),
}


def with_related(statements: QuerySet[Statement]) -> QuerySet[Statement]:
    """The statements with the records their JSON names: speaker, party, event, race."""
    return statements.select_related(
        "speaker", "speaker_party", "event", "candidacy__race__election"
    )


def attach_nested(statements: Sequence[Statement]) -> None:
    """Hang every nested list of their JSON on ``statements``: five queries, none when
    there are none."""
    if not statements:
        return
    ids = AnyOf.argument([statement.pk for statement in statements])
    for name, read in READS.items():
        found: defaultdict[int, list[Model]] = defaultdict(list)
        for row in read()(ids):
            found[row.for_statement].append(row)
        for statement in statements:
            attach(statement, **{name: found.get(statement.pk, [])})
