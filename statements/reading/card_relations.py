"""What a statement card shows beyond the statement's own row, for any number of cards in
one query: its published topics, its sources, and from the published reactions its
reaction count, the first outlet's finding on it and the statement it answers (when it is
a retort). For statements read without them (``cards.mention_columns``), the speaker's
party and the event too.

One query, a UNION ALL of one part per kind of row, each reading tuples rather than model
rows. Correlated subqueries on the statements' own query would read the same, but they
cost PostgreSQL more to plan (tens of milliseconds for six of them) than the whole page
costs to fetch, on every request, cards cached or not.

The query's SQL is compiled once per process: the cards' ids are one parameter (an array
on PostgreSQL, a JSON list on SQLite), so the text is the same for every page, and a
request only fills that parameter in (building and compiling the four parts each time
cost more than PostgreSQL takes to run them). On PostgreSQL it is also prepared once per
connection (prepared.py).
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    CharField,
    DateField,
    F,
    IntegerField,
    Model,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Cast

from ..models import Event, Organization, Statement
from ..planning import joins_as_written
from . import visibility
from .attached import attach, give_prefetched
from .prepared import AnyOf, Argument, compile_shared, fetch_all
from .tree import TopicTree

# The columns every part selects, in order: what a row is, the card's statement, the
# record it names (a topic, a source, a reaction), another id, a date and three texts.
COLUMNS = ("row_kind", "row_card", "row_record", "row_other", "row_day", "row_a", "row_b", "row_c")
TOPIC, SOURCE, REACTION, ANSWER = "topic", "source", "reaction", "answer"
PARTY, EVENT = "party", "event"
# The party's and the event's columns a card shows (cards.CARD_COLUMNS), as the parts
# read them: id, then row_a, row_b and row_c.
JOINED = {
    PARTY: ("speaker_party", Organization, ("name", "abbreviation", "state")),
    EVENT: ("event", Event, ("name", "slug", "state")),
}


def typed_null(field) -> Cast:
    """A typed NULL for a UNION's column: a bare NULL in the first part would make the
    column text, and a date or number in another part would then not match it."""
    return Cast(Value(None), field)


@dataclass(frozen=True)
class Part:
    """One part of the union: its kind of row, the column naming the card's statement,
    and its rows, not yet narrowed to the cards."""

    kind: str
    card: str
    rows: QuerySet

    def of_the_cards(self) -> QuerySet:
        return self.rows.filter(AnyOf(F(self.card), Argument))


def _part(queryset, kind: str, card: str, record: str, **values) -> Part:
    """``values`` name the optional columns (other, day, a, b, c)."""
    columns = {
        "row_kind": Value(kind, output_field=CharField()),
        "row_card": F(card),
        "row_record": F(record),
        "row_other": values.get("other", typed_null(IntegerField())),
        "row_day": values.get("day", typed_null(DateField())),
        "row_a": Cast(values["a"], TextField()) if "a" in values else typed_null(TextField()),
        "row_b": Cast(values["b"], TextField()) if "b" in values else typed_null(TextField()),
        "row_c": Cast(values["c"], TextField()) if "c" in values else typed_null(TextField()),
    }
    return Part(kind, card, queryset.order_by().annotate(**columns).values_list(*COLUMNS))


@functools.cache
def _parts() -> tuple[Part, ...]:
    """The union's parts, built once per process: the visibility rules they carry cost
    more to build than the query costs to run. Each request narrows clones of them."""
    return (
        # Every published reaction, for the count; rated ones (an outlet's findings) show.
        _part(
            visibility.reactions(known_public=["statement"]),
            REACTION,
            "statement_id",
            "id",
            a=F("rating"),
            b=F("respondent_organization__name"),
            c=F("text"),
        ),
        # The statements these ones answer, as retorts.
        _part(
            visibility.reactions(known_public=["response_statement"]),
            ANSWER,
            "response_statement_id",
            "id",
            other=F("statement_id"),
            a=F("statement__speaker__name"),
        ),
        _part(
            visibility.source_links(known_public=["statement"]),
            SOURCE,
            "statement_id",
            "source_id",
            day=F("source__published_on"),
            a=F("source__outlet__name"),
        ),
        _part(
            visibility.topic_links(known_public=["statement"]), TOPIC, "statement_id", "topic_id"
        ),
        # As ``select_related`` reads them, whatever their state: the card checks it.
        *(
            _part(
                Statement.objects.filter(**{f"{relation}__isnull": False}),
                kind,
                "id",
                f"{relation}_id",
                **{
                    column: F(f"{relation}__{name}")
                    for column, name in zip("abc", names, strict=True)
                },
            )
            for kind, (relation, _model, names) in JOINED.items()
        ),
    )


@functools.cache
def _compiled(vendor: str, topics: bool, sources: bool, joined: bool) -> tuple[str, tuple]:
    """The union's SQL and parameters, with ``Argument`` where the cards' ids go."""
    parts = [
        part.of_the_cards()
        for part in _parts()
        if (part.kind != SOURCE or sources)
        and (part.kind != TOPIC or topics)
        and (part.kind not in JOINED or joined)
    ]
    _compiler, sql, params = compile_shared(parts[0].union(*parts[1:], all=True), DEFAULT_DB_ALIAS)
    return sql, params


@dataclass
class Extras:
    """What a card shows from the statement's reactions."""

    reaction_count: int = 0
    finding: tuple[int, str, str, str] | None = None  # reaction id, rating, outlet, words
    answers: tuple[int, int, str] | None = None  # reaction id, statement id, speaker


def attach_card_relations(
    statements: Iterable[Statement],
    *,
    topics: bool = True,
    sources: bool = True,
    joined: bool = False,
) -> None:
    """Give the statements (from ``cards.card_rows()``) what their cards show besides
    their own row, published only: ``topics`` as a prefetch would (with their
    breadcrumb, from the topic tree), ``card_sources`` (see ``card_sources()``), and
    ``reaction_count``, ``finding_rating``/``finding_by``/``finding_words`` and
    ``answers_statement``/``answers_speaker``. With ``topics=False`` the statements'
    topics are left as the caller set them, and with ``sources=False`` their
    ``card_sources``. With ``joined``, also the statements' ``speaker_party`` and
    ``event``, for statements read without them (``cards.mention_columns``).
    One query."""
    statements = list(statements)
    if not statements:
        return
    ids = sorted({statement.pk for statement in statements})
    sql, params = _compiled(connection.vendor, topics, sources, joined)
    with joins_as_written():
        rows = fetch_all(sql, params, AnyOf.argument(ids), "bigint[]")

    topic_ids: dict[int, list[int]] = defaultdict(list)
    sources_of: dict[int, list[tuple]] = defaultdict(list)
    extras: dict[int, Extras] = defaultdict(Extras)
    related: dict[tuple[str, int], Model] = {}
    for kind, card, record, other, day, a, b, c in rows:
        if kind in JOINED:
            _relation, model, names = JOINED[kind]
            related[(kind, card)] = model.from_db(
                DEFAULT_DB_ALIAS, ["id", *names], [record, a, b, c]
            )
        elif kind == TOPIC:
            topic_ids[card].append(record)
        elif kind == SOURCE:
            if isinstance(day, str):  # SQLite's driver gives dates as text
                day = datetime.date.fromisoformat(day)
            sources_of[card].append((day, record, a))
        elif kind == REACTION:
            extra = extras[card]
            extra.reaction_count += 1
            if a and (extra.finding is None or record < extra.finding[0]):
                extra.finding = (record, a, b or "", c or "")
        elif kind == ANSWER:
            extra = extras[card]
            if extra.answers is None or record < extra.answers[0]:
                extra.answers = (record, other, a)

    if topics:
        for statement in statements:
            statement.topic_ids = topic_ids[statement.pk]  # type: ignore[attr-defined]
        give_topics(statements, TopicTree.load())
    joined_fields = (
        [(kind, Statement._meta.get_field(relation)) for kind, (relation, *_) in JOINED.items()]
        if joined
        else []
    )
    for statement in statements:
        for kind, field in joined_fields:
            field.set_cached_value(statement, related.get((kind, statement.pk)))  # type: ignore[union-attr]
        if sources:
            attach(statement, card_sources=card_sources(sources_of[statement.pk]))
        extra = extras[statement.pk]
        finding = extra.finding or (None, "", None, None)
        answers = extra.answers or (None, None, None)
        attach(
            statement,
            reaction_count=extra.reaction_count,
            finding_rating=finding[1],
            finding_by=finding[2],
            finding_words=finding[3],
            answers_statement=answers[1],
            answers_speaker=answers[2],
        )


def card_sources(rows: list[tuple]) -> list[tuple[str, datetime.date | None]]:
    """The card's sources as (outlet name, published on), from (published on, id, outlet
    name) rows: by date (undated last, as PostgreSQL sorts NULLs), then id."""
    return [
        (outlet_name, published_on)
        for published_on, _, outlet_name in sorted(
            rows, key=lambda row: (row[0] is None, row[0] or 0, row[1])
        )
    ]


def give_topics(statements: Iterable[Statement], tree: TopicTree) -> None:
    """Set each statement's topics from its ``topic_ids`` (see said.newest_by_topic) and
    the tree: what ``statement.topics.all()`` then returns, in the order a prefetch gives
    (by name), published topics only, each with its breadcrumb (the tree's topics carry
    theirs). No query."""
    by_id, by_name = tree.by_id, tree.name_order.__getitem__
    for statement in statements:
        shown = sorted((pk for pk in statement.topic_ids if pk in by_id), key=by_name)  # type: ignore[attr-defined]
        give_prefetched(statement, "topics", tree.prefetched_topics(tuple(shown)))
