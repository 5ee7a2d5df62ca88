"""The marks of the timeline charts, read in ONE bounded query per chart.

Up to ``DENSITY`` statements, one row per (statement, row) link: its date, precision,
kind, the start of its words and its published reactions. Beyond that (or when the count
is not known to be below it) the statements are counted in SQL by row, month, kind and
whether they are dated, newest months first, at most ``MAX_GROUPS`` groups: the database
reads a prolific speaker's statements once and sends back a few hundred rows.

The marks are kept in the shared cache under the content generation, as the topic tree's
counts are: a chart of 50,000 statements is counted once per change, not once per view.
A person's chart, and a topic's, is kept under stamps of its own (caching/charts.py),
which only the writes that change it change.
"""

from __future__ import annotations

import datetime
from calendar import monthrange
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache, caches
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .. import paging
from ..caching import charts, generation
from ..caching.release import shared_key
from ..caching.single_flight import get_or_build
from ..models import DatePrecision, Person, QuoteKind, Race, Statement, StatementTopic, Topic
from ..planning import without_merge_joins
from . import visibility
from .cards import reaction_count
from .timeline import DENSITY, Chart, Mark, Row, draw
from .timeline_table import table
from .tree import TopicTree

# Rows read for a chart of single statements (a statement on two topics is two rows).
MAX_ROWS = 3 * DENSITY
MAX_GROUPS = 600  # row-months: about 200 kB of SVG at most
WORDS = 90
# A drawing's axis ends today when nothing in it is dated: it is kept a day.
CACHE_KEY = shared_key("statements:timeline", "{what}:{pk}:{generation}")
DRAWN_KEY = shared_key("statements:timeline-drawn", "{what}:{pk}:{generation}:{day}")
CACHE_TTL = 24 * 3600
NO_TOPIC = "none"


def capped_count(person: str = "pk", cap: int = DENSITY) -> Subquery:
    """For a query of people (or of rows pointing at them through ``person``): how many
    published statements they have, counted up to ``cap + 1`` (read from the speaker
    index, never more rows than that)."""
    theirs = (
        visibility.statements()
        .filter(speaker=OuterRef(OuterRef(person)))  # two levels out: the person
        .order_by(*paging.order_by(paging.NEWEST_FIRST))
        .values("pk")[: cap + 1]
    )
    return Subquery(
        Statement.objects.filter(pk__in=theirs)
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Count("pk"))
        .values("n")
    )


def cached(what: str, pk: int, build: Callable[[], Chart], stamp: int | str | None = None) -> Chart:
    """The chart ``build()`` reads, kept per content generation (or ``stamp``: a person's
    chart and a topic's have their own, caching/charts.py); built by one request at a
    time (readers who miss it together wait for the first: ``single_flight``)."""
    stamp = generation.current() if stamp is None else stamp
    key = CACHE_KEY.format(what=what, pk=pk, generation=stamp)
    return get_or_build(cache, key, build, CACHE_TTL)


def month_bounds(month: datetime.date) -> tuple[str, str]:
    last = monthrange(month.year, month.month)[1]
    return month.isoformat(), month.replace(day=last).isoformat()


def undated() -> Case:
    return Case(
        When(date_precision=DatePrecision.NONE, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def read_marks(
    statements: QuerySet[Statement],
    row_fields: dict[str, Any],
    row_of: Callable[[dict], str | None],
    list_query: Callable[[dict], dict[str, str]],
    monthly: bool,
) -> tuple[list[Mark], bool]:
    """The marks of ``statements``, each in the row ``row_of`` gives its values (None:
    left out). ``row_fields`` are annotated and read with them; ``list_query`` gives the
    /statements/ filters for a monthly mark's row (the same for all its months). Returns
    the marks and whether the query's LIMIT cut them short."""
    marks: list[Mark] = []
    if not monthly:
        read = (
            statements.annotate(
                **row_fields,
                reaction_total=reaction_count(),
                words=Substr("text", 1, WORDS),
            )
            .order_by(*paging.order_by(paging.NEWEST_FIRST))
            .values(
                "pk", "said_on", "date_precision", "kind", "words", "reaction_total", *row_fields
            )[: MAX_ROWS + 1]
        )
        with without_merge_joins():
            rows = list(read)
        for values in rows[:MAX_ROWS]:
            row = row_of(values)
            if row is None:
                continue
            none = values["date_precision"] == DatePrecision.NONE
            words = values["words"]
            marks.append(
                Mark(
                    row=row,
                    said_on=None if none else values["said_on"],
                    kind=values["kind"],
                    href=reverse("statements:statement-detail", args=[values["pk"]]),
                    precision=values["date_precision"],
                    # An editor's mark for the cut, never a bare ellipsis, which
                    # could pass for one in the source.
                    words=words if len(words) < WORDS else words.rstrip() + " […]",
                    reactions=values["reaction_total"] or 0,
                )
            )
        return marks, len(rows) > MAX_ROWS

    read = (
        statements.annotate(
            **row_fields,
            month=TruncMonth("said_on"),
            undated=undated(),
            statement_reactions=reaction_count(),
        )
        .values(*row_fields, "month", "undated")
        .annotate(
            n=Count("pk"),
            reaction_total=Sum("statement_reactions"),
            # One group per row and month, with its kinds counted alongside.
            **{f"kind_{kind}": Count("pk", filter=Q(kind=kind)) for kind in QuoteKind.values},
        )
        .order_by("-undated", F("month").desc())[: MAX_GROUPS + 1]
    )
    with without_merge_joins():
        groups = list(read)
    merged: dict[tuple[str, datetime.date | None], Mark] = {}
    listing = reverse("statements:statement-list")
    # A row's filters are the same for all its months: encoded once per row, the month's
    # dates (which need no quoting) added to them.
    row_filters: dict[str, str] = {}
    kinds = QuoteKind.values
    for values in groups[:MAX_GROUPS]:
        row = row_of(values)
        if row is None:
            continue
        month = values["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        when = None if values["undated"] else month
        mark = merged.get((row, when))
        if mark is None:
            filters = row_filters.get(row)
            if filters is None:
                filters = row_filters[row] = urlencode(list_query(values))
            if when is not None:
                after, before = month_bounds(when)
                dates = f"said_after={after}&said_before={before}"
                filters = f"{filters}&{dates}" if filters else dates
            mark = merged[(row, when)] = Mark(
                row=row,
                said_on=when,
                kind="",
                href=f"{listing}?{filters}",
                count=0,
            )
        mark.count += values["n"]
        mark.reactions += values["reaction_total"] or 0
        for kind in kinds:
            mark.kinds[kind] = mark.kinds.get(kind, 0) + values[f"kind_{kind}"]
    return list(merged.values()), len(groups) > MAX_GROUPS


def cut_note(cut: bool, monthly: bool) -> str:
    if not cut:
        return ""
    if monthly:
        return "Only the newest months fit in the chart; the list of statements has them all."
    return f"Only the newest {MAX_ROWS} statements fit in the chart; the list has them all."


def topic_rows(tree: TopicTree, ids: set[int]) -> list[Row]:
    rows = [
        Row(
            f"t{topic.pk}",
            " › ".join(t.name for t in [*tree.trail(topic), topic]),
            topic.get_absolute_url(),
        )
        for topic, _depth in tree.walk()
        if topic.pk in ids
    ]
    return rows


def person_stamp(person_id: int, many: bool, stamps: str | None = None) -> str:
    """What a person's chart is kept under: its stamps (caching/charts.py; ``stamps``, if
    the page has read them already), and its form, which the count read with the person
    decides: read before the stamps, that count may be older than they are."""
    return f"{stamps or charts.stamp(person_id)}-{'months' if many else 'marks'}"


def topic_stamp(topic_id: int, many: bool) -> str:
    """What a topic's chart is kept under: its stamps (caching/charts.py) and its form,
    which the topic tree's counts decide."""
    return f"{charts.topic_stamp(topic_id)}-{'months' if many else 'marks'}"


def person_chart(person: Person, many: bool, tree: TopicTree, stamp: str | None = None) -> Chart:
    """One row per topic the person spoke on; ``many``: whether they have more than
    DENSITY published statements (the page knows it already). ``stamp``: the
    ``person_stamp`` the page has read already."""

    def build() -> Chart:
        def row_of(values: dict) -> str | None:
            topic = values["topic"]
            if topic is None:
                return NO_TOPIC
            # A link to a topic that is not published is left out.
            return f"t{topic}" if topic in tree.by_id else None

        def list_query(values: dict) -> dict[str, str]:
            topic = tree.by_id.get(values["topic"])
            return {"speaker": person.slug, **({"topic": topic.slug} if topic else {})}

        marks, cut = read_marks(
            visibility.statements().filter(speaker=person),
            {"topic": F("statementtopic__topic_id")},
            row_of,
            list_query,
            many,
        )
        rows = topic_rows(tree, {int(m.row[1:]) for m in marks if m.row != NO_TOPIC})
        if any(m.row == NO_TOPIC for m in marks):
            rows.append(Row(NO_TOPIC, "No published topic"))
        return Chart(
            ident=f"timeline-person-{person.pk}",
            title=f"Timeline of {person.name}'s statements by topic",
            rows=rows,
            marks=marks,
            monthly=many,
            note=cut_note(cut, many),
        )

    return cached("person", person.pk, build, stamp or person_stamp(person.pk, many))


def topic_chart(topic: Topic, tree: TopicTree, many: bool, stamp: str | None = None) -> Chart:
    """One row per speaker on the topic (narrower topics included). ``stamp``: the
    ``topic_stamp`` the page has read already."""
    within = tree.descendant_ids(topic)

    def build() -> Chart:
        names: dict[int, tuple[str, str, str]] = {}

        def row_of(values: dict) -> str:
            names[values["person"]] = (values["sort_name"], values["name"], values["slug"])
            return f"p{values['person']}"

        marks, cut = read_marks(
            visibility.statements().filter(
                pk__in=StatementTopic.objects.filter(topic_id__in=within).values("statement_id")
            ),
            {
                "person": F("speaker_id"),
                "name": F("speaker__name"),
                "sort_name": F("speaker__sort_name"),
                "slug": F("speaker__slug"),
            },
            row_of,
            lambda values: {"speaker": values["slug"], "topic": topic.slug},
            many,
        )
        rows = [
            Row(f"p{pk}", name, reverse("statements:person-detail", args=[slug]))
            for pk, (_sort, name, slug) in sorted(names.items(), key=lambda item: item[1])
        ]
        return Chart(
            ident=f"timeline-topic-{topic.pk}",
            title=f"Timeline of statements on {topic.name}, by speaker",
            rows=rows,
            marks=marks,
            monthly=many,
            note=cut_note(cut, many),
        )

    return cached("topic", topic.pk, build, stamp or topic_stamp(topic.pk, many))


def race_chart(
    race: Race, people: Sequence[Person], counts: Sequence[int], tree: TopicTree
) -> Chart:
    """The candidates side by side on each topic they spoke on, polling day marked.
    ``counts``: each candidate's statements, capped (capped_count)."""
    many = sum(counts) > DENSITY
    by_pk = {person.pk: person for person in people}
    order = {person.pk: n for n, person in enumerate(people)}

    def build() -> Chart:
        def row_of(values: dict) -> str | None:
            if values["topic"] not in tree.by_id:
                return None
            return f"t{values['topic']}-p{values['person']}"

        def list_query(values: dict) -> dict[str, str]:
            topic = tree.by_id[values["topic"]]
            return {"speaker": by_pk[values["person"]].slug, "topic": topic.slug}

        marks, cut = read_marks(
            # What each candidate said in this race: the statements' own race.
            visibility.statements().filter(speaker__in=list(by_pk), candidacy__race=race)
            if by_pk
            else Statement.objects.none(),
            {"topic": F("statementtopic__topic_id"), "person": F("speaker_id")},
            row_of,
            list_query,
            many,
        )
        keys = {m.row for m in marks}
        rows = []
        for topic, _depth in tree.walk():
            for person in sorted(people, key=lambda p: order[p.pk]):
                key = f"t{topic.pk}-p{person.pk}"
                if key in keys:
                    rows.append(Row(key, f"{topic.name}: {person.name}", topic.get_absolute_url()))
        polling = []
        if race.date is not None:
            polling.append((race.date, "Polling day"))
        return Chart(
            ident=f"timeline-race-{race.pk}",
            title=f"Timeline of what the candidates in {race} said, topic by topic",
            rows=rows,
            marks=marks,
            monthly=many,
            polling_days=polling,
            note=cut_note(cut, many),
        )

    return cached("race", race.pk, build)


@dataclass(frozen=True)
class Drawn:
    """A chart as its page shows it: the SVG, the table, and what the caption says."""

    svg: str
    table: str
    marked: bool  # anything to show at all
    monthly: bool
    note: str


def on_page(
    what: str,
    pk: int,
    chart_of: Callable[[], Chart],
    url_name: str,
    slug: str,
    stamp: int | str | None = None,
) -> dict[str, Any]:
    """What a page shows of the chart ``chart_of()`` gives (the chart of ``what`` ``pk``):
    the SVG inline, the table, the download address. It is drawn once per content
    generation (or ``stamp``, the chart's own), as the chart's data is read: a
    month-counted chart of a prolific speaker took a fifth of an uncached person page to
    draw. The drawing is kept with what the caption needs, so a page whose drawing is
    kept never reads the chart's marks back (unpickling a prolific speaker's took 2 ms).
    Readers who miss it together wait for the first to draw it (``single_flight``)."""
    stamp = generation.current() if stamp is None else stamp
    key = DRAWN_KEY.format(what=what, pk=pk, generation=stamp, day=timezone.localdate())

    def drawing() -> Drawn:
        chart = chart_of()
        return Drawn(draw(chart), table(chart), bool(chart.marks), chart.monthly, chart.note)

    here = drawn_here()
    drawn = here.get(key)
    if drawn is None:
        drawn = get_or_build(cache, key, drawing, CACHE_TTL)
        here.set(key, drawn, CACHE_TTL)
    return {
        "drawn": drawn,
        "density": DENSITY,
        "svg": as_markup(drawn.svg),
        "table": as_markup(drawn.table),
        "download": reverse(url_name, args=[slug]) + "?download=1",
    }


def drawn_here():
    """The drawings last shown by this process (the "charts" cache: tracker/settings.py),
    under their keys in the shared cache: a key holds the stamp the page read before the
    chart's data, so a drawing kept here is never older than the last write that changed
    it."""
    return caches["charts"]


def as_markup(built: str) -> SafeString:
    return mark_safe(built)  # draw() and table() escape every value they put in
