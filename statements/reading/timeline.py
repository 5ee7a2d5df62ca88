"""A timeline chart drawn on the server as SVG, and the data table it summarises
(the table is in timeline_table).

No chart library and no script: rows of marks on a date axis, built as a string with
every value escaped. Each statement is a mark at its date, shaped by its kind (a filled
circle for a direct quote, a half-filled circle for a partial quote, a hollow square for
a paraphrase), ringed when it has reactions, flagged when it has findings, and linking
to the statement. A chart with more than ``DENSITY`` statements counts them by month
instead: one round mark per row and month, sized by the count, linking to the list.

Marks whose date is unknown sit apart in an "Undated" column; marks before or after the
chart's range (a range given by the caller, or at most ``MAX_YEARS`` back from the newest
date) sit in "Earlier" and "Later" columns, so that nothing is dropped and no stray date
squashes the axis. The SVG's look comes from presentation attributes (which the site's
Content-Security-Policy allows, unlike style attributes or a <style> element), so the
downloaded file looks the same as the chart on the page; the page's stylesheet only
adjusts text size and focus rings through classes.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils import timezone

from ..models.base import format_partial_date
from ..models.statements import QuoteKind
from .markup import attribute, attrs, el, number

# Beyond this many statements a chart counts them by month (see timeline_data).
DENSITY = 200
# The axis spans at most this many years back from the newest date.
MAX_YEARS = 12

WIDTH = 400
PAD = 8
COLUMN = 46  # width of the Earlier / Later / Undated columns
AXIS_HEIGHT = 26
ROW_HEIGHT = 44
LABEL_CHARS = 44
INK = "#1d2a3a"
KIND_COLOURS: dict[str, str] = {
    QuoteKind.DIRECT: "#1f4e79",
    QuoteKind.PARTIAL: "#1f4e79",
    QuoteKind.PARAPHRASE: "#8a4b00",
}
REACTION_COLOUR = "#b00020"
POLL_COLOUR = "#5b2a86"

EARLIER, LATER, UNDATED = "earlier", "later", "undated"


@dataclass
class Row:
    key: str
    label: str
    href: str = ""


@dataclass
class Mark:
    """One statement, or (``monthly``) every statement in one row and month."""

    row: str
    said_on: datetime.date | None  # None: the source gives no date
    kind: str
    href: str
    precision: str = "day"
    words: str = ""
    count: int = 1
    reactions: int = 0
    findings: int = 0
    kinds: dict[str, int] = field(default_factory=dict)  # monthly: count per kind


@dataclass
class Chart:
    ident: str  # unique on the page: prefixes the ids of <title> and <desc>
    title: str
    rows: list[Row]
    marks: list[Mark]
    monthly: bool = False
    polling_days: list[tuple[datetime.date, str]] = field(default_factory=list)
    start: datetime.date | None = None
    end: datetime.date | None = None
    note: str = ""  # e.g. that only the newest months are shown

    @property
    def statement_count(self) -> int:
        return sum(mark.count for mark in self.marks)


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


# Read once: a monthly chart's titles name each mark's kinds, thousands of times a chart.
KIND_LABELS = {str(kind.value): str(kind.label).lower() for kind in QuoteKind}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind) or QuoteKind.label_of(kind).lower()


def when_label(mark: Mark, monthly: bool) -> str:
    if mark.said_on is None:
        return "date not given"
    if monthly:
        return mark.said_on.strftime("%B %Y")
    return format_partial_date(mark.said_on, mark.precision)


def mark_title(mark: Mark, row_label: str, monthly: bool) -> str:
    parts = [f"{row_label}, {when_label(mark, monthly)}: "]
    if monthly:
        parts.append(plural(mark.count, "statement"))
        kinds = ", ".join(
            plural(n, kind_label(kind), kind_label(kind) + "s")
            for kind, n in sorted(mark.kinds.items())
            if n
        )
        if kinds:
            parts.append(f" ({kinds})")
    else:
        parts.append(QuoteKind.label_of(mark.kind))
        if mark.words:
            quoted = mark.kind != QuoteKind.PARAPHRASE
            parts.append(f", {'“' if quoted else ''}{mark.words}{'”' if quoted else ''}")
    parts.append(f"; {plural(mark.reactions, 'reaction')}")
    if mark.findings:
        parts.append(f"; {plural(mark.findings, 'finding')}")
    return "".join(parts)


def short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class Axis:
    start: datetime.date
    end: datetime.date
    x0: float
    x1: float
    columns: dict[str, float]  # column name → its centre

    def x(self, day: datetime.date) -> float:
        span = (self.end - self.start).days or 1
        return self.x0 + (self.x1 - self.x0) * (day - self.start).days / span

    def place(self, day: datetime.date | None) -> tuple[str, float]:
        if day is None:
            return UNDATED, self.columns[UNDATED]
        if day < self.start:
            return EARLIER, self.columns[EARLIER]
        if day > self.end:
            return LATER, self.columns[LATER]
        return "", self.x(day)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=max(1, min(9999, day.year + years)))
    except ValueError:  # February 29th
        return day.replace(year=max(1, min(9999, day.year + years)), day=28)


def shift(day: datetime.date, days: int) -> datetime.date:
    """``day`` moved by ``days``, stopping at the first and last dates there are."""
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.min if days < 0 else datetime.date.max


def make_axis(chart: Chart) -> Axis:
    dated = [m.said_on for m in chart.marks if m.said_on is not None]
    dated += [day for day, _label in chart.polling_days]
    today = timezone.localdate()
    end = chart.end or (max(dated) if dated else today)
    start = chart.start or (min(dated) if dated else end)
    start = max(start, add_years(end, -MAX_YEARS))
    if start > end:
        start, end = end, start
    pad = max(15, (end - start).days // 40)
    start, end = shift(start, -pad), shift(end, pad)
    if chart.start is not None:
        start = max(start, chart.start)
    if chart.end is not None:
        end = min(end, chart.end)
    if start == end:
        start, end = shift(start, -15), shift(end, 15)
    needed = {m_place for m_place in (_out(m.said_on, start, end) for m in chart.marks) if m_place}
    columns: dict[str, float] = {}
    x0, x1 = PAD + 10, WIDTH - PAD - 10
    if EARLIER in needed:
        columns[EARLIER] = PAD + COLUMN / 2
        x0 = PAD + COLUMN + 10
    for name in (UNDATED, LATER):  # Later nearest the axis, Undated at the edge
        if name in needed:
            columns[name] = x1 + 10 - COLUMN / 2
            x1 -= COLUMN
    return Axis(start, end, x0, x1, columns)


def _out(day: datetime.date | None, start: datetime.date, end: datetime.date) -> str:
    if day is None:
        return UNDATED
    return EARLIER if day < start else LATER if day > end else ""


def ticks(axis: Axis) -> list[tuple[datetime.date, str]]:
    """Year ticks, or month ticks on a short axis, thinned to fit."""
    days = (axis.end - axis.start).days
    found: list[tuple[datetime.date, str]] = []
    if days <= 550:
        months = (1, 4, 7, 10) if days > 200 else tuple(range(1, 13))
        day = axis.start.replace(day=1)
        while day <= axis.end:
            if day >= axis.start and day.month in months:
                found.append((day, day.strftime("%b %Y")))
            day = (day + datetime.timedelta(days=32)).replace(day=1)
    else:
        for year in range(axis.start.year + 1, axis.end.year + 1):
            found.append((datetime.date(year, 1, 1), str(year)))
    room = max(1, int((axis.x1 - axis.x0) // 72))
    step = math.ceil(len(found) / room) if found else 1
    return found[::step]


def text_width(text: str, size: float = 11) -> float:
    """A generous guess at the width of ``text`` (no font metrics on the server)."""
    return len(text) * size * 0.56


def fitted(text: str, x: float, size: float = 14) -> dict[str, object]:
    """Where to anchor a label at ``x`` so that it stays inside the chart."""
    half = text_width(text, size) / 2
    if x - half < PAD:
        return {"x": float(PAD), "text_anchor": "start"}
    if x + half > WIDTH - PAD:
        return {"x": float(WIDTH - PAD), "text_anchor": "end"}
    return {"x": x, "text_anchor": "middle"}


BAR_HEIGHT = 13


def bar(mark: Mark, left: float, width: float, y: float, tallest: int) -> str:
    """A month's statements: a bar on the track, taller for more (by square root)."""
    height = 3 + (BAR_HEIGHT - 3) * math.sqrt(mark.count / max(1, tallest))
    # Written out, as ``el`` would write it: a prolific speaker's chart has 600 bars.
    reacted = mark.reactions
    return (
        f'<rect class="mark-month{" reacted" if reacted else ""}" x="{number(left)}" '
        f'y="{number(y - height)}" width="{number(max(2.0, width))}" '
        f'height="{number(height)}" fill="{INK}"'
        + (f' stroke="{REACTION_COLOUR}" stroke-width="1.5"/>' if reacted else "/>")
    )


def month_span(axis: Axis, mark: Mark) -> tuple[float, float] | None:
    """The left edge and width of a month on the axis, or None outside it."""
    assert mark.said_on is not None
    last = shift(mark.said_on.replace(day=28), 4).replace(day=1)
    left, right = axis.x(max(mark.said_on, axis.start)), axis.x(min(last, axis.end))
    return (left, right - left - 0.6) if right > left else None


def shape(mark: Mark, x: float, y: float) -> str:
    colour = KIND_COLOURS.get(mark.kind, KIND_COLOURS[QuoteKind.PARAPHRASE])
    r = 6.0
    hollow = {"fill": "#fff", "stroke": colour, "stroke_width": 2}
    if mark.kind == QuoteKind.DIRECT:
        return el("circle", class_="mark-direct", cx=x, cy=y, r=r, fill=colour)
    if mark.kind == QuoteKind.PARTIAL:
        half = f"M{x:.1f},{y - r:.1f} A{r:.1f},{r:.1f} 0 0,0 {x:.1f},{y + r:.1f} Z"
        ring = el("circle", class_="mark-partial", cx=x, cy=y, r=r - 1, **hollow)
        return ring + el("path", d=half, fill=colour)
    side = 2 * r - 2
    corner = {"x": x - side / 2, "y": y - side / 2}
    return el("rect", class_="mark-paraphrase", width=side, height=side, **corner, **hollow)


def decorations(mark: Mark, x: float, y: float) -> str:
    out = ""
    r = 9.0
    if mark.reactions:
        out += el(
            "circle",
            class_="reacted",
            cx=x,
            cy=y,
            r=r,
            fill="none",
            stroke=REACTION_COLOUR,
            stroke_width=1.5,
        )
    if mark.findings:
        top = y - r - 1
        points = f"{x - 4:.1f},{top - 7:.1f} {x + 4:.1f},{top - 7:.1f} {x:.1f},{top:.1f}"
        out += el("polygon", class_="finding", points=points, fill=REACTION_COLOUR)
    return out


def draw(chart: Chart, base: str = "", standalone: bool = False) -> str:
    """The chart as SVG: inline in a page (``base`` empty), or as a file of its own whose
    links are absolute (``base`` the site's address)."""
    axis = make_axis(chart)
    by_row: dict[str, list[Mark]] = {row.key: [] for row in chart.rows}
    for mark in chart.marks:
        by_row.setdefault(mark.row, []).append(mark)
    rows = [row for row in chart.rows if by_row.get(row.key)]
    top = AXIS_HEIGHT + (16 if chart.polling_days else 0)
    bottom = top + ROW_HEIGHT * max(1, len(rows))
    height = bottom + 34
    ident = chart.ident
    size: dict[str, object] = {"width": "100%"}
    if standalone:
        size = {"width": WIDTH * 2, "height": height * 2}
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n' if standalone else "",
        '<svg xmlns="http://www.w3.org/2000/svg"'
        + attrs(
            class_="timeline-chart",
            viewBox=f"0 0 {WIDTH} {height}",
            **size,
            role="group",
            aria_labelledby=f"{ident}-title",
            aria_describedby=f"{ident}-desc",
            font_family="system-ui, sans-serif",
            font_size=12,
            fill=INK,
        )
        + ">",
        el("title", escape(chart.title), id=f"{ident}-title"),
        el("desc", escape(describe(chart, axis)), id=f"{ident}-desc"),
        el("rect", width=WIDTH, height=height, fill="#fff"),
    ]
    # The axis: ticks across every row, and the columns set apart.
    out.append('<g class="axis" aria-hidden="true">')
    for day, label in ticks(axis):
        x = axis.x(day)
        out.append(el("line", x1=x, x2=x, y1=top - 6, y2=bottom, stroke="#c8ccd2"))
        out.append(el("text", escape(label), class_="tick", y=top - 10, **fitted(label, x)))
    for name, x in axis.columns.items():
        out.append(
            el(
                "rect",
                x=x - COLUMN / 2 + 2,
                y=top - 6,
                width=COLUMN - 4,
                height=bottom - top + 6,
                fill="#f1f2f4",
            )
        )
        out.append(
            el("text", name.capitalize(), x=x, y=top - 10, text_anchor="middle", font_size=11)
        )
    out.append("</g>")
    # Polling days: a labelled vertical line each.
    for day, label in chart.polling_days:
        where, x = axis.place(day)
        if where:
            continue
        text = f"{short(label, 40)}, {format_partial_date(day, 'day')}"
        line = el(
            "line",
            x1=x,
            x2=x,
            y1=top - 6,
            y2=bottom,
            stroke=POLL_COLOUR,
            stroke_width=1.5,
            stroke_dasharray="4 3",
        )
        words = el("text", escape(text), y=13, font_size=11, fill=POLL_COLOUR, **fitted(text, x))
        out.append(f'<g class="polling-day">{line}{words}</g>')
    # The rows: the label above the track, the marks on it.
    tallest = max((mark.count for mark in chart.marks), default=1)
    for index, row in enumerate(rows):
        y = top + ROW_HEIGHT * index
        track = y + 31
        label = escape(short(row.label))
        if row.href:
            label = el("a", label, href=base + row.href)
        out.append('<g class="row">')
        out.append(el("text", label, class_="row-label", x=PAD, y=y + 13, font_weight="bold"))
        out.append(el("line", x1=PAD, x2=WIDTH - PAD, y1=track, y2=track, stroke="#8a929c"))
        crowd: dict[str, int] = {}
        for mark in by_row[row.key]:
            where, x = axis.place(mark.said_on)
            if where:  # spread the marks of a side column a little
                n = crowd[where] = crowd.get(where, -1) + 1
                x += (n % 3 - 1) * 11
            title = f"<title>{escape(mark_title(mark, row.label, chart.monthly))}</title>"
            span = month_span(axis, mark) if chart.monthly and not where else None
            if chart.monthly:
                left, width = span or (x - 4, 8.0)
                drawn = bar(mark, left, width, track, tallest)
            else:
                drawn = decorations(mark, x, track) + shape(mark, x, track)
            out.append(f'<a href={attribute(base + mark.href)} class="mark">{title}{drawn}</a>')
        out.append("</g>")
    out.append(legend(bottom + 8, chart.monthly))
    out.append("</svg>")
    return "".join(out)


def legend(y: float, monthly: bool) -> str:
    out = ['<g class="legend" aria-hidden="true">']
    x = PAD + 8.0
    if monthly:
        items = [
            (bar(Mark("", None, "", "", count=1), x - 4, 8, y + 16, 1), "statements in a month"),
            (bar(Mark("", None, "", "", reactions=1), x - 4, 8, y + 16, 1), "with reactions"),
        ]
    else:
        items = [
            (shape(Mark("", None, QuoteKind.DIRECT, ""), x, y + 10), "direct"),
            (shape(Mark("", None, QuoteKind.PARTIAL, ""), x, y + 10), "partial"),
            (shape(Mark("", None, QuoteKind.PARAPHRASE, ""), x, y + 10), "paraphrase"),
            (decorations(Mark("", None, "", "", reactions=1), x, y + 10), "reactions"),
        ]
    for drawn, label in items:
        shift_x = x - (PAD + 8.0)
        out.append(f'<g transform="translate({shift_x:.1f} 0)">{drawn}</g>')
        out.append(el("text", escape(label), class_="legend-label", x=x + 13, y=y + 14))
        x += 28 + 8.6 * len(label)
    out.append("</g>")
    return "".join(out)


def describe(chart: Chart, axis: Axis) -> str:
    """The <desc>: what the chart shows, in words."""
    count = chart.statement_count
    text = [
        f"{plural(count, 'statement')} in {plural(len(chart.rows), 'row')}, "
        f"from {format_partial_date(axis.start, 'month')} "
        f"to {format_partial_date(axis.end, 'month')}."
    ]
    if chart.monthly:
        text.append(
            f"More than {DENSITY} statements: each mark counts one row's statements in a "
            "month, as a bar that is taller for more; an outlined bar has reactions."
        )
    else:
        text.append(
            "Each mark is one statement: a filled circle for a direct quote, a half-filled "
            "circle for a partial quote, a hollow square for a paraphrase; a ring means reactions."
        )
    outside = {name: 0 for name in (EARLIER, LATER, UNDATED)}
    for mark in chart.marks:
        where, _x = axis.place(mark.said_on)
        if where:
            outside[where] += mark.count
    if outside[UNDATED]:
        text.append(f"{plural(outside[UNDATED], 'statement')} with no date given, set apart.")
    if outside[EARLIER] or outside[LATER]:
        text.append(
            f"{outside[EARLIER]:,} earlier and {outside[LATER]:,} later than the axis, set apart."
        )
    for day, label in chart.polling_days:
        text.append(f"{label}: {format_partial_date(day, 'day')}.")
    if chart.note:
        text.append(chart.note)
    text.append("The same data is in the table below the chart.")
    return " ".join(text)
