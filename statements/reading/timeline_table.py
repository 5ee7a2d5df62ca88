"""The data a timeline chart summarises, as an HTML table: one line per mark."""

from __future__ import annotations

import datetime
from xml.sax.saxutils import escape

from ..models.statements import QuoteKind
from .markup import attribute
from .timeline import Chart, plural, when_label


def table(chart: Chart) -> str:
    """The chart's data as an HTML table (escaped), one line per mark."""
    labels = {row.key: row.label for row in chart.rows}
    order = {row.key: n for n, row in enumerate(chart.rows)}
    marks = sorted(
        chart.marks,
        key=lambda m: (
            order.get(m.row, len(order)),
            m.said_on is None,
            m.said_on or datetime.date.min,
        ),
    )
    kinds = list(QuoteKind)
    head = ["Row", "Month" if chart.monthly else "Date"]
    head += ["Statements", *(str(k.label) for k in kinds)] if chart.monthly else ["Kind", "Words"]
    head += ["Reactions", "Findings"]
    out = [
        '<table class="timeline-data">',
        f"<caption>{escape(chart.title)}: {plural(chart.statement_count, 'statement')}</caption>",
        "<thead><tr>"
        + "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
        + "</tr></thead>",
        "<tbody>",
    ]
    for mark in marks:
        cells = [escape(labels.get(mark.row, mark.row)), escape(when_label(mark, chart.monthly))]
        if chart.monthly:
            listed = f"<a href={attribute(mark.href)}>{plural(mark.count, 'statement')}</a>"
            cells += [listed, *(f"{mark.kinds.get(k, 0):,}" for k in kinds)]
        else:
            words = escape(mark.words or f"Statement {mark.href}")
            cells += [
                escape(str(QuoteKind.label_of(mark.kind))),
                f"<a href={attribute(mark.href)}>{words}</a>",
            ]
        cells += [f"{mark.reactions:,}", f"{mark.findings:,}"]
        out.append(
            '<tr><th scope="row">'
            + cells[0]
            + "</th>"
            + "".join(f"<td>{cell}</td>" for cell in cells[1:])
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)
