"""Short mentions of a statement, built in Python: the brief (kind, words, date, link)
and the entry (who, when and kind first, then the words, linked).

A person's page lists a hundred briefs in its timeline and dozens of entries under its
topics; a topic page lists briefs behind each position, and a race's grid entries in each
cell. Built here as one string each, every value escaped by ``markup.escaped``, rather
than through a template include each, and kept per content generation in each process's
fragments cache, as the cards are: a person's page finds its hundred briefs and dozens of
entries there instead of building them again.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe

from ..models import QuoteKind, Statement
from .attached import related
from .card_relations import give_topics
from .cards import kept_fragments
from .dates import partial_date
from .markup import escaped
from .tree import TopicTree


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
        names = [topic.name for topic in related(statement, "topics")]
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


def entry_html(statement: Statement, *, show_event: bool = False) -> SafeString:
    """One statement under a topic: who said it, when and its kind first, then the words,
    linked to its page. Needs ``statement.speaker``; with ``show_event``,
    ``statement.event`` too."""
    inferred = " (date inferred)" if statement.date_inferred else ""
    event = statement.event if show_event and statement.event_id else None
    where = (
        f' · <span class="entry-where">at {escaped(event.name)}</span>'
        if event is not None and event.is_published
        else ""
    )
    return mark_safe(  # noqa: S308 -- every value is escaped
        f'<p class="entry-head"><span class="entry-who">{escaped(statement.speaker.name)}</span>'
        f' · <span class="entry-when">'
        f"{escaped(partial_date(statement.said_on, statement.date_precision))}{inferred}</span>"
        f' · <span class="kind-tag">{escaped(QuoteKind.label_of(statement.kind))}</span>'
        f"{where}</p>\n"
        f'<p class="entry-words"><a class="brief kind-{escaped(statement.kind)}" '
        f'href="{escaped(statement.get_absolute_url())}">{said(statement)}</a></p>'
    )


def brief_items(
    statements: Iterable[Statement], generation: int, *, topics: bool = False
) -> SafeString:
    """The briefs of a list, each in its ``<li>``: one call for a list a page shows
    whole (a person's timeline is a hundred)."""
    briefs = kept_briefs(list(statements), generation, topics=topics)
    return mark_safe("".join(f"\n<li>{brief}</li>" for brief in briefs))  # noqa: S308 -- brief_html


def kept_briefs(statements: list[Statement], generation: int, *, topics: bool = False) -> list[str]:
    """Each statement's brief, kept per content ``generation``, read in one call. With
    ``topics``, the statements come with their ``topic_ids`` (said.newest_by_topic):
    those drawn get their topics from the tree then (``give_topics``), the kept ones never
    need them."""
    keys = [f"brief-{topics:d}:{statement.pk}:{generation}" for statement in statements]

    def draw(missing: list[Statement]) -> list[str]:
        if topics:
            give_topics(missing, TopicTree.load())
        return [brief_html(s, topics=topics) for s in missing]

    return kept_fragments(keys, statements, draw)


def entry_items(
    statements: Iterable[Statement], generation: int, *, show_event: bool = False
) -> SafeString:
    """The entries of a list, each in its ``<li>``."""
    entries = kept_entries(list(statements), generation, show_event=show_event)
    return mark_safe("".join(f"<li>{entry}</li>" for entry in entries))  # noqa: S308 -- entry_html


def kept_entries(
    statements: list[Statement], generation: int, *, show_event: bool = False
) -> list[str]:
    """Each statement's entry, kept per content ``generation``, read in one call."""
    keys = [f"entry-{show_event:d}:{statement.pk}:{generation}" for statement in statements]
    return kept_fragments(
        keys, statements, lambda missing: [entry_html(s, show_event=show_event) for s in missing]
    )
