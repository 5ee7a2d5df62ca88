"""The statement card, used in every list: what it needs, loaded in a fixed number of
queries, published only."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Prefetch,
    QuerySet,
)

from ..models import (
    Person,
    QuoteKind,
    Statement,
)
from ..models.base import count_per_row
from . import visibility

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from ..models import Position

    class PositionStatements(TypedDict):
        """What ``Prefetch("statements", ..., to_attr="public_statements")`` brings
        along on a position: the published statements it rests on."""

        public_statements: list[Statement]

    PositionWithStatements = WithAnnotations[Position, PositionStatements]

RECENT_ON_PERSON = 5


def reaction_count():
    """The number of a statement's published reactions, as a correlated subquery."""
    return count_per_row(visibility.reactions(), "statement")


def for_cards(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """Everything the statement card shows, published only, in three queries."""
    return (
        queryset.select_related("speaker", "speaker_party", "event")
        .prefetch_related(
            Prefetch("topics", queryset=visibility.topics().select_related("parent")),
            Prefetch("sources", queryset=visibility.sources().order_by("published_on", "id")),
        )
        .annotate(reaction_count=reaction_count())
    )


def newest_first(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    return queryset.order_by("-said_on", "-id")


def briefs() -> QuerySet[Statement]:
    """Statements for a one-line mention (kind, words, date), for a Prefetch.

    Left unordered on purpose: ordered, the database may walk the whole date index to
    find a handful of rows. Sort the (short) prefetched lists with `sort_newest`.
    """
    return visibility.statements().select_related("speaker").order_by()


def sort_newest(statements) -> list[Statement]:
    return sorted(statements, key=lambda s: (s.said_on, s.pk), reverse=True)


def surname(person: Person) -> str:
    """'Ossoff' from sort name 'Ossoff, Jon'; the full name when there is no comma."""
    if "," in person.sort_name:
        return person.sort_name.split(",", 1)[0].strip() or person.name
    return person.name


def as_quoted(statement: Statement, words: str | None = None) -> str:
    """The words (or ``words``, e.g. the first few) as plain text, with quotation marks
    only around what was quoted: “…” for a direct quote, the source's frame around
    “…” for a partial quote, and "said …" for a paraphrase, which is never quoted."""
    words = statement.text if words is None else words
    if statement.kind == QuoteKind.DIRECT:
        return f"“{words}”"
    if statement.kind == QuoteKind.PARTIAL:
        frame = f"{statement.frame} " if statement.frame else ""
        return f"{frame}“{words}”"
    return f"said {words}"
