"""The statement card, used in every list: what it needs, loaded in a fixed number of
queries, published only."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TypedDict, TypeVar

from django.core.cache import caches
from django.db.models import (
    QuerySet,
)
from django.utils.safestring import SafeString, mark_safe

from .. import paging
from ..caching import generation
from ..models import (
    Person,
    QuoteKind,
    Statement,
)
from ..models.base import count_per_row
from . import visibility
from .card_html import SNIPPET_SLOT, card_html, snippet_line
from .card_relations import attach_card_relations, give_topics
from .tree import TopicTree

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from ..models import Position

    class PositionStatements(TypedDict):
        """What ``Prefetch("statements", ..., to_attr="public_statements")`` brings
        along on a position: the published statements it rests on."""

        public_statements: list[Statement]

    PositionWithStatements = WithAnnotations[Position, PositionStatements]

RECENT_ON_PERSON = 5

T = TypeVar("T")


def reaction_count():
    """The number of a statement's published reactions, as a correlated subquery: for
    aggregates (the timeline charts). Cards read theirs with ``attach_card_relations``."""
    return count_per_row(visibility.reactions(known_public=["statement"]), "statement")


def card_rows(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """The statements with what the card shows from their own row and its joins. The rest
    (topics, sources, what their reactions say) comes with ``attach_card_relations``, in
    one more query, and only for cards that are not already cached."""
    return queryset.select_related("speaker", "speaker_party", "event")


# The columns a card (card_html), a search snippet (search.highlight) and a page's cursor
# read from the statement and its joins (each row's id comes along unasked). Reading only
# these leaves out the long ones no card shows (a person's summary, a party's or an
# event's description, the bookkeeping): a list page's rows arrive in about 0.5 ms less
# at a million statements.
CARD_COLUMNS = (
    "id",
    "state",
    "card_version",
    "kind",
    "text",
    "frame",
    "context",
    "said_on",
    "date_precision",
    "date_inferred",
    "date_inference_note",
    "speaker_role",
    "speaker__state",
    "speaker__name",
    "speaker__slug",
    "speaker_party__state",
    "speaker_party__name",
    "speaker_party__abbreviation",
    "event__state",
    "event__name",
    "event__slug",
)


# What a page that draws only a few of its statements as cards reads of all of them: the
# statement's own columns a card shows, and its speaker, which every brief and entry
# names. A person's page reads a hundred statements and draws at most a few cards, whose
# party and event come with their relations (``prefixed_cards``): joining those for
# every statement took 1.2 of the 3 ms its window's read cost, at a million statements.
MENTION_COLUMNS = tuple(
    column for column in CARD_COLUMNS if not column.startswith(("speaker_party__", "event__"))
)


def mention_columns(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """The statements with ``MENTION_COLUMNS`` and their speaker, without their party
    and event: for ``prefixed_cards``, briefs and entries (not with ``show_event``)."""
    return queryset.select_related("speaker").only(*MENTION_COLUMNS)


def card_columns(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """``card_rows()`` with only the columns the cards show: for a page that shows its
    statements as cards and nothing else (the list)."""
    return card_rows(queryset).only(*CARD_COLUMNS)


def load_cards(statements: Iterable[Statement]) -> list[Statement]:
    """``card_rows()`` statements, read (a list is completed in place), with everything
    their cards show: two queries."""
    statements = statements if isinstance(statements, list) else list(statements)
    attach_card_relations(statements)
    return statements


# Rendered cards are kept in each process's memory (the "fragments" cache), per statement,
# under its ``card_version`` (read with its row) and the cards' stamp (read before it): a
# write changes one or the other for every card it changes (caching/card_versions.py), so
# a card is never older than the last write to what it shows. The card leaves
# SNIPPET_SLOT where a search's snippet goes; a snippet depends on the search, so it is
# put in after the card is read.


def fragments():
    return caches["fragments"]


def card_key(statement: Statement, prefix: str = "") -> str:
    stamp = generation.current(generation.CARDS)
    return f"statement-card:{statement.pk}:{statement.card_version}:{stamp}:{prefix}"


def rendered_card(statement: Statement, prefix: str = "") -> SafeString:
    """One card, with its ids prefixed, from the cache or rendered and cached: for pages
    that show cards among other things (the home, topic, event and statement pages). The
    statement comes with what ``load_cards()`` loads; a miss costs no query."""
    (html,) = kept_fragments(
        [card_key(statement, prefix)],
        [statement],
        lambda missing: [card_html(s, prefix) for s in missing],
    )
    return mark_safe(html)  # noqa: S308 -- built by card_html, escaped there


def kept_fragments(
    keys: list[str], items: list[T], build: Callable[[list[T]], Sequence[str]]
) -> list[str]:
    """The fragments under ``keys`` (one per item), read from the fragments cache at once;
    the missing ones built together by ``build`` (given their items, in order) and kept.
    The keys change with every write to what the fragments show."""
    found = fragments().get_many(keys)
    missing = [(key, item) for key, item in zip(keys, items, strict=True) if key not in found]
    if missing:
        built = build([item for _key, item in missing])
        fresh = dict(zip((key for key, _item in missing), built, strict=True))
        fragments().set_many(fresh)
        found.update(fresh)
    return [found[key] for key in keys]


def prefixed_cards(cards: list[tuple[Statement, str]], content_generation: int) -> list[SafeString]:
    """Each (statement, id prefix)'s card as HTML, for a page that shows cards among other
    things and read their statements with their ``topic_ids`` (said.newest_by_topic),
    with ``mention_columns``: the kept ones in one cache read, the others rendered (their
    topics from the tree; what they show besides their row, their party and event
    included, in one query, made only when a card is missing) and kept. The HTML is
    handed over, not read again when the template shows it, so a card dropped from the
    cache in between is never drawn without what it shows."""

    def draw(missing: list[tuple[Statement, str]]) -> list[SafeString]:
        # Each object once: one statement can have a card under two prefixes.
        statements = {id(s): s for s, _prefix in missing}.values()
        give_topics(statements, TopicTree.load())
        attach_card_relations(statements, topics=False, joined=True)
        return [card_html(statement, prefix) for statement, prefix in missing]

    # Under the content generation as well: these statements' rows may have been kept
    # across writes that changed their cards (reading/people._said_by).
    keys = [f"{card_key(statement, prefix)}:{content_generation}" for statement, prefix in cards]
    drawn = kept_fragments(keys, cards, draw)
    return [mark_safe(html) for html in drawn]  # noqa: S308 -- built by card_html


def rendered_cards(statements: list[Statement]) -> list[SafeString]:
    """Each statement's card as HTML, from ``card_rows()`` statements: the cached ones in
    one cache read, the others rendered (their topics and sources in two light queries)
    and cached. A statement with a ``snippet`` gets it in its card."""

    def draw(missing: list[Statement]) -> list[SafeString]:
        attach_card_relations(missing)
        drawn = []
        for statement in missing:
            snippet = getattr(statement, "snippet", "")
            # The cached card holds the slot, not this search's words.
            setattr(statement, "snippet", "")  # noqa: B010 -- set by search.highlight
            drawn.append(card_html(statement))
            setattr(statement, "snippet", snippet)  # noqa: B010
        return drawn

    keys = [card_key(statement) for statement in statements]
    cards = []
    for statement, html in zip(statements, kept_fragments(keys, statements, draw), strict=True):
        snippet = getattr(statement, "snippet", "")
        if snippet:
            html = html.replace(SNIPPET_SLOT, snippet_line(snippet), 1)
        cards.append(mark_safe(html))  # noqa: S308 -- built by card_html, escaped there
    return cards


def newest_first(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    return queryset.order_by(*paging.order_by(paging.NEWEST_FIRST))


def briefs() -> QuerySet[Statement]:
    """Statements for a one-line mention (kind, words, date), for a Prefetch.

    Left unordered on purpose: ordered, the database may walk the whole date index to
    find a handful of rows. Sort the (short) prefetched lists with `sort_newest`.
    """
    return visibility.statements().select_related("speaker").order_by()


def sort_newest(statements) -> list[Statement]:
    return sorted(statements, key=paging.newest_first_key)


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
