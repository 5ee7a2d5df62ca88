"""A one-line mention of a statement, built in Python: kind, words, date, link.

A person's page lists a hundred of them in its timeline and more behind its positions,
and a topic page lists those behind each position. Built here as one string, every value
escaped by ``markup.escaped``, rather than through a template include each.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from ..models import QuoteKind, Statement
from .dates import partial_date
from .markup import escaped


def said(statement: Statement) -> str:
    """The words, with quotation marks only around what was quoted."""
    if statement.kind == QuoteKind.DIRECT:
        return f'<span class="quoted">“{escaped(statement.text)}”</span>'
    if statement.kind == QuoteKind.PARTIAL:
        frame = f" {statement.frame}" if statement.frame else ""
        return (
            f"{escaped(statement.speaker.name)}{escaped(frame)} "
            f'<span class="quoted">“{escaped(statement.text)}”</span>'
        )
    return (
        f'<span class="paraphrased">{escaped(statement.speaker.name)} said '
        f"{escaped(statement.text)}</span>"
    )


def brief_html(statement: Statement, *, topics: bool = False) -> SafeString:
    """The mention. Needs ``statement.speaker``; with ``topics``, its topics
    (``statement.topics.all()``, prefetched or given by ``give_topics``), after it as
    "on A, B"."""
    on = ""
    if topics:
        names = [topic.name for topic in statement.topics.all()]
        if names:
            last = len(names) - 1
            on = ' <span class="small">on </span>' + "".join(
                f'<span class="small">{escaped(name)}{", " if n < last else ""}</span>'
                for n, name in enumerate(names)
            )
    inferred = " (date inferred)" if statement.date_inferred else ""
    return mark_safe(  # noqa: S308 -- every value is escaped
        f'\n<a class="brief kind-{escaped(statement.kind)}" '
        f'href="{escaped(statement.get_absolute_url())}">'
        f'<span class="kind-tag">{escaped(QuoteKind.label_of(statement.kind))}</span> '
        f"{said(statement)}</a>\n"
        f'<span class="brief-date">'
        f"{escaped(partial_date(statement.said_on, statement.date_precision))}{inferred}</span>\n"
        f"{on}"
    )
