"""The person page's long runs of like sections, built in Python: the topics they spoke on
without a summary, their timeline month by month, and the reactions they gave.

A prolific speaker's page has a section for each of twenty-odd topics, a timeline of a
hundred briefs and twenty reactions. Looped through the template, with a tag per section
reading its entries or briefs from the fragments cache, the three runs took about 1.8,
0.9 and 0.5 ms of the template's 3.4 (in process, at a million statements); built here,
the whole template takes 1.8. Each run is one string, every value escaped by
``markup.escaped``, and its fragments are read in one call.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from ..models import DatePrecision, Person, Reaction
from ..models.base import statements_address
from .brief_html import kept_briefs, kept_entries
from .cards import kept_fragments
from .dates import partial_date
from .markup import escaped

if TYPE_CHECKING:
    from .people import TopicStatements


def topic_sections(
    sections: Sequence[TopicStatements], person: Person, generation: int
) -> SafeString:
    """Each topic's section: its heading (with its broader topics) linked to the topic,
    the person's newest statements on it as entries, and a link to the rest when there
    are more."""
    entries = iter(
        kept_entries([s for section in sections for s in section.statements], generation)
    )
    out = []
    for section in sections:
        topic = section.topic
        heading = f"topic-{topic.pk}-heading"
        trail = "".join(f"{escaped(broader.name)} › " for broader in section.trail)
        items = "".join(f"<li>{next(entries)}</li>" for _ in section.statements)
        more = ""
        if section.more:
            listed = statements_address(speaker=person.slug, topic=topic.slug)
            more = (
                f'<p><a href="{escaped(listed)}">All statements by '
                f"{escaped(person.name)} on {escaped(topic.name)}</a></p>\n"
            )
        out.append(
            f'<section class="topic-statements" aria-labelledby="{heading}">\n'
            f'<h4 id="{heading}"><a href="{escaped(topic.get_absolute_url())}">'
            f"{trail}{escaped(topic.name)}</a></h4>\n"
            f'<ul class="entries">{items}</ul>\n{more}</section>\n'
        )
    return mark_safe("".join(out))  # noqa: S308 -- every value is escaped


def timeline_months(months: Sequence[dict], generation: int) -> SafeString:
    """Each month's section: its name and count, then its statements as briefs with their
    topics. ``months`` are {"month": the first day, "statements": [...]}, newest first."""
    briefs = iter(
        kept_briefs([s for month in months for s in month["statements"]], generation, topics=True)
    )
    out = []
    for month in months:
        first: datetime.date = month["month"]
        ident = f"month-{first:%Y-%m}"
        items = "".join(f"\n<li>{next(briefs)}</li>" for _ in month["statements"])
        out.append(
            f'<section class="month" aria-labelledby="{ident}">\n'
            f'<h3 id="{ident}">{partial_date(first, DatePrecision.MONTH)} '
            f'<span class="count">({len(month["statements"])})</span></h3>\n'
            f'<ol class="briefs">{items}\n</ol>\n</section>\n'
        )
    return mark_safe("".join(out))  # noqa: S308 -- every value is escaped


def given_reactions(
    person: Person, generation: int, read: Callable[[], Sequence[Reaction]]
) -> SafeString:
    """The reactions ``person`` gave to others' statements (``read()``), each through its
    partial, as one run kept per person and content ``generation``: a page whose run is
    kept reads none of them (reading a prolific speaker's twenty took 1.7 ms of their
    page, at a million statements). Empty when they gave none."""

    def draw(_missing: list[Person]) -> list[str]:
        partial = "statements/_partials/reaction_given.html"
        return [
            "\n".join(
                render_to_string(partial, {"reaction": r, "person": person}).strip() for r in read()
            )
        ]

    (drawn,) = kept_fragments([f"given-reactions:{person.pk}:{generation}"], [person], draw)
    return mark_safe(drawn)  # noqa: S308 -- rendered by the template, which escapes
