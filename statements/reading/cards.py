"""The statement card, used in every list: what it needs, loaded in a fixed number of
queries, published only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict

from django.core.cache import caches
from django.db import models
from django.db.models import (
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.utils.safestring import SafeString, mark_safe

from .. import paging
from ..models import (
    Organization,
    Person,
    QuoteKind,
    Source,
    Statement,
    Topic,
)
from ..models.base import count_per_row
from . import menus, visibility
from .attached import attach
from .card_html import SNIPPET_SLOT, card_html

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from ..models import Position
    from .tree import TopicTree

    class PositionStatements(TypedDict):
        """What ``Prefetch("statements", ..., to_attr="public_statements")`` brings
        along on a position: the published statements it rests on."""

        public_statements: list[Statement]

    PositionWithStatements = WithAnnotations[Position, PositionStatements]

RECENT_ON_PERSON = 5


def reaction_count():
    """The number of a statement's published reactions, as a correlated subquery."""
    return count_per_row(visibility.reactions(known_public=["statement"]), "statement")


def first_finding(field: str) -> Subquery:
    """A field of the statement's first published finding (an outlet's rated reaction),
    as a correlated subquery: the card shows it beside the words."""
    found = (
        visibility.reactions(known_public=["statement"])
        .filter(statement=OuterRef("pk"))
        .exclude(rating="")
        .order_by("id")
        .values(field)[:1]
    )
    return Subquery(found)


def first_answered(field: str) -> Subquery:
    """A field of the first published statement this one answers (as a retort)."""
    found = (
        visibility.reactions(known_public=["response_statement"])
        .filter(response_statement=OuterRef("pk"))
        .order_by("id")
        .values(field)[:1]
    )
    return Subquery(found)


def card_rows(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """The statements with what the card shows from their own row and its joins: one
    query. Their topics and sources come with ``card_prefetches()``. An outlet's finding
    and the statement a retort answers come as columns of the same query."""
    return queryset.select_related("speaker", "speaker_party", "event").annotate(
        reaction_count=reaction_count(),
        finding_rating=first_finding("rating"),
        finding_by=first_finding("respondent_organization__name"),
        finding_words=first_finding("text"),
        answers_statement=first_answered("statement_id"),
        answers_speaker=first_answered("statement__speaker__name"),
    )


def card_topics() -> Prefetch:
    return Prefetch("topics", queryset=visibility.topics().select_related("parent"))


def card_sources() -> Prefetch:
    return Prefetch("sources", queryset=visibility.sources().order_by("published_on", "id"))


def card_prefetches() -> tuple[Prefetch, Prefetch]:
    return (card_topics(), card_sources())


def for_cards(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """Everything the statement card shows, published only, in three queries."""
    return card_rows(queryset).prefetch_related(*card_prefetches())


# Rendered cards are kept per statement and content generation, in each process's memory
# (the "fragments" cache): any write makes a new generation, hence new keys, so a card is
# never older than the last write. The card leaves SNIPPET_SLOT where a search's snippet
# goes; a snippet depends on the search, so it is put in after the card is read.


def fragments():
    return caches["fragments"]


def card_key(pk: int, generation: int, prefix: str = "") -> str:
    return f"statement-card:{pk}:{generation}:{prefix}"


def rendered_card(statement: Statement, generation: int, prefix: str = "") -> SafeString:
    """One card, with its ids prefixed, from the cache or rendered and cached: for pages
    that show cards among other things (a person's page shows about seventy). The
    statement comes with what ``for_cards()`` loads; a miss costs no query."""
    key = card_key(statement.pk, generation, prefix)
    html = fragments().get(key)
    if html is None:
        html = card_html(statement, prefix)
        fragments().set(key, html)
    return mark_safe(html)  # noqa: S308 -- built by card_html, escaped there


def rendered_cards(statements: list[Statement], generation: int) -> list[SafeString]:
    """Each statement's card as HTML, from ``card_rows()`` statements: the cached ones in
    one cache read, the others rendered (their topics and sources in two light queries)
    and cached. A statement with a ``snippet`` gets it in its card."""
    keys = [card_key(statement.pk, generation) for statement in statements]
    found = fragments().get_many(keys)
    missing = [s for s, key in zip(statements, keys, strict=True) if key not in found]
    if missing:
        attach_card_relations(missing)
        fresh = {}
        for statement in missing:
            snippet = getattr(statement, "snippet", "")
            # The cached card holds the slot, not this search's words.
            setattr(statement, "snippet", "")  # noqa: B010 -- set by search.highlight
            fresh[card_key(statement.pk, generation)] = card_html(statement)
            setattr(statement, "snippet", snippet)  # noqa: B010
        fragments().set_many(fresh)
        found.update(fresh)
    cards = []
    for statement, key in zip(statements, keys, strict=True):
        html = found[key]
        snippet = getattr(statement, "snippet", "")
        if snippet:
            html = html.replace(
                SNIPPET_SLOT,
                '<p class="snippet"><span class="snippet-label">Where your search matched:'
                f"</span> {snippet}</p>",
                1,
            )
        cards.append(mark_safe(html))  # noqa: S308 -- built by card_html, escaped there
    return cards


def attach_card_relations(statements: list[Statement]) -> None:
    """Give ``card_rows()`` statements the topics and sources their cards show, published
    only, as a prefetch would, in two queries that read tuples rather than model rows:
    the topics' names and breadcrumbs come from the published topics the filter form has
    already read (``menus.topics()``), the sources as their outlet's name and date.
    Five times cheaper than ``card_prefetches()``, which matters on a list page that
    renders twenty cards no cache has seen."""
    ids = [statement.pk for statement in statements]
    published_topics = {row[0]: row for row in menus.topics().rows}
    made: dict[int, Topic] = {}

    def topic(pk: int) -> Topic:
        if pk not in made:
            _pk, parent_id, slug, name = published_topics[pk]
            made[pk] = Topic(pk=pk, parent_id=parent_id, slug=slug, name=name)
        return made[pk]

    def trail(of: Topic) -> list[Topic]:
        chain, seen, parent_id = [], {of.pk}, of.parent_id
        while parent_id in published_topics and parent_id not in seen:
            chain.append(topic(parent_id))
            seen.add(parent_id)
            parent_id = chain[-1].parent_id
        return chain[::-1]

    topic_ids: dict[int, list[int]] = defaultdict(list)
    links = visibility.topic_links(known_public=["statement"]).filter(statement_id__in=ids)
    for statement_id, topic_id in links.values_list("statement_id", "topic_id"):
        if topic_id in published_topics:
            topic_ids[statement_id].append(topic_id)
    for statement in statements:
        shown = sorted((topic(pk) for pk in topic_ids[statement.pk]), key=lambda t: (t.name, t.pk))
        for each in shown:
            attach(each, trail=trail(each))
        as_prefetched(statement, "topics", shown)

    sources: dict[int, list[Source]] = defaultdict(list)
    rows = (
        visibility.source_links(known_public=["statement"])
        .filter(statement_id__in=ids)
        .order_by("source__published_on", "source_id")
        .values_list("statement_id", "source_id", "source__published_on", "source__outlet__name")
    )
    for statement_id, source_id, published_on, outlet_name in rows:
        source = Source(pk=source_id, published_on=published_on)
        source.outlet = Organization(name=outlet_name)
        sources[statement_id].append(source)
    for statement in statements:
        as_prefetched(statement, "sources", sources[statement.pk])


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


def as_prefetched(record: models.Model, relation: str, objects: list) -> None:
    """Make ``record.<relation>.all()`` return ``objects`` without a query, as
    ``prefetch_related`` would have: for related rows a page has read another way."""
    queryset = getattr(record, relation).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(record, "_prefetched_objects_cache"):
        record._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    record._prefetched_objects_cache[relation] = queryset  # type: ignore[attr-defined]


def give_topics(statements: Iterable[Statement], tree: TopicTree) -> None:
    """Set each statement's topics from its ``topic_ids`` (see said.newest_by_topic) and
    the tree: what ``statement.topics.all()`` then returns, in the order a prefetch gives
    (by name), published topics only, each with its breadcrumb. No query."""
    for statement in statements:
        topics = sorted(
            (tree.by_id[pk] for pk in statement.topic_ids if pk in tree.by_id),  # type: ignore[attr-defined]
            key=lambda topic: (topic.name, topic.pk),
        )
        for topic in topics:
            attach(topic, trail=tree.trail(topic))
        as_prefetched(statement, "topics", topics)
