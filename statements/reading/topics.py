"""/topics/<slug>/: a topic's statements, its narrower topics, people's positions on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    Case,
    F,
    Prefetch,
    Value,
    When,
)

from ..models import (
    BackgroundNote,
    Organization,
    Source,
    StatementTopic,
)
from . import timeline_data, visibility
from .attached import attach
from .cards import briefs, card_rows, newest_first, sort_newest
from .timeline import DENSITY
from .tree import TopicTree

if TYPE_CHECKING:
    from .cards import PositionWithStatements

TOPIC_PAGE_SIZE = 20
TOPIC_MAX_PAGE = 25  # deeper than that, the /statements/ list pages by keyset


def notes_with_sources(within: set[int]) -> list[BackgroundNote]:
    """The published background notes on the topics, each with ``public_sources``: one
    query, a row per (note, source), whether the source may be shown decided by the
    sources' own public rule in SQL."""
    notes: dict[int, BackgroundNote] = {}
    rows = (
        BackgroundNote.objects.published()
        .filter(
            pk__in=BackgroundNote.topics.through.objects.filter(topic_id__in=within).values(
                "backgroundnote_id"
            )
        )
        .annotate(
            source_id=F("sources__id"),
            source_shown=Case(
                When(Source.public_condition("sources__"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            source_title=F("sources__title"),
            source_url=F("sources__url"),
            source_on=F("sources__published_on"),
            outlet_id=F("sources__outlet_id"),
            outlet_name=F("sources__outlet__name"),
        )
        .order_by("title", "id", "sources__published_on", "sources__id")
    )
    for row in rows:
        note = notes.setdefault(row.pk, row)
        if note is row:
            note.public_sources = []  # type: ignore[attr-defined]
        if row.source_id is not None and row.source_shown:
            outlet = Organization(pk=row.outlet_id, name=row.outlet_name)
            note.public_sources.append(  # type: ignore[attr-defined]
                Source(
                    pk=row.source_id,
                    title=row.source_title,
                    url=row.source_url,
                    published_on=row.source_on,
                    outlet=outlet,
                )
            )
    return list(notes.values())


def topic_page(slug: str) -> dict:
    tree = TopicTree.load()
    topic = tree.get(slug)
    within = tree.descendant_ids(topic)
    children = tree.children.get(topic.pk, [])
    positions = list(
        visibility.positions()
        .filter(topic_id__in=within)
        .prefetch_related(
            Prefetch(
                "statements",
                queryset=briefs(),
                to_attr="public_statements",
            )
        )
        .order_by("person__sort_name", "person_id", "topic_id", "-as_of", "-id")
    )
    newest: dict[tuple[int, int], PositionWithStatements] = {}
    for position in positions:
        newest.setdefault((position.person_id, position.topic_id), position)
    shown = sorted(
        newest.values(),
        key=lambda p: (p.person.sort_name, p.person_id, tree.order.get(p.topic_id, 0)),
    )
    for position in shown:
        attach(position.topic, trail=tree.trail(position.topic))
        position.public_statements = sort_newest(position.public_statements)
    notes = notes_with_sources(within)
    counts = tree.statement_counts()
    many = counts.get(topic.pk, 0) > DENSITY
    chart_stamp = timeline_data.topic_stamp(topic.pk, many)
    return {
        "tree": tree,
        "topic": topic,
        "trail": tree.trail(topic),
        "statement_count": counts.get(topic.pk, 0),
        "narrower": tree.nested(counts, start=children) if children else [],
        "positions": shown,
        "notes": notes,
        "timeline_chart": timeline_data.on_page(
            "topic",
            topic.pk,
            lambda: timeline_data.topic_chart(topic, tree, many, chart_stamp),
            "statements:topic-timeline",
            topic.slug,
            chart_stamp,
        ),
        # On the topic or a narrower one, as the (cached) tree has them: no query for that.
        # Their cards' relations are read for the page shown (``load_cards``).
        "statements": card_rows(
            newest_first(
                visibility.statements().filter(
                    pk__in=StatementTopic.objects.filter(topic_id__in=within).values("statement_id")
                )
            )
        ),
    }
