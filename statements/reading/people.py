"""/people/ and /people/<slug>/: who said what, positions by topic, a timeline."""

from __future__ import annotations

import copy
import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypedDict

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.db.models import (
    F,
    OuterRef,
    Prefetch,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString

from ..caching import charts, generation
from ..models import (
    Organization,
    Person,
    Position,
    Reaction,
    Statement,
    Topic,
)
from ..models.base import CountedUpTo, count_per_row
from ..paging import COUNT_CAP
from ..planning import joins_as_written
from . import person_html, said, timeline_data, visibility
from .attached import attach
from .cards import mention_columns, prefixed_cards, sort_newest
from .prepared import Argument, CompiledRead, Equals
from .roles import roles_and_candidacies
from .timeline import DENSITY
from .tree import TopicTree

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from ..models import Affiliation
    from .cards import PositionWithStatements

    class StatementCounts(TypedDict):
        """What ``with_statement_counts`` annotates a person with."""

        statement_count: int
        reaction_count: int

    class PersonShown(TypedDict):
        """What the person page annotates the person with."""

        statement_count: int  # counted up to COUNT_CAP + 1, which reads "COUNT_CAP+"
        window_start: datetime.date | None

    class PositionShown(TypedDict):
        """What the person page annotates each position row with."""

        cited: int | None
        newer: int


RECENT_ON_PERSON = 5
PER_TOPIC_ON_PERSON = 3
PER_CELL = 3
TIMELINE_LENGTH = 100
REACTIONS_ON_PERSON = 20


def with_statement_counts(
    queryset: QuerySet[Person],
) -> QuerySet[WithAnnotations[Person, StatementCounts]]:
    # The outer person is published already: no need to join people again.
    return queryset.annotate(
        statement_count=count_per_row(visibility.statements(), "speaker"),
        reaction_count=count_per_row(visibility.reactions_to_others(), "respondent"),
    )


def public_affiliations() -> Prefetch[
    Literal["affiliations"], QuerySet[Affiliation], Literal["public_affiliations"]
]:
    return Prefetch(
        "affiliations",
        queryset=visibility.affiliations(["person"]).order_by(
            F("end_date").desc(nulls_first=True), F("start_date").desc(nulls_last=True), "id"
        ),
        to_attr="public_affiliations",
    )


def split_affiliations(
    person: Person, affiliations: Iterable[Affiliation], today: datetime.date | None = None
) -> None:
    """Set person.parties, person.current_roles and person.past_roles from their published
    ``affiliations``."""
    today = today or timezone.localdate()
    parties: list[Organization] = []
    current_roles: list[Affiliation] = []
    past_roles: list[Affiliation] = []
    for affiliation in affiliations:
        current = affiliation.end_date is None or affiliation.end_date >= today
        if current and affiliation.organization.kind == Organization.Kind.PARTY:
            if affiliation.organization not in parties:
                parties.append(affiliation.organization)
        (current_roles if current else past_roles).append(affiliation)
    attach(person, parties=parties, current_roles=current_roles, past_roles=past_roles)


def people_list() -> QuerySet[Person]:
    return with_statement_counts(visibility.people()).prefetch_related(public_affiliations())


@dataclass
class TopicPositions:
    topic: Topic
    trail: list[Topic]
    current: PositionWithStatements
    earlier: list[PositionWithStatements]
    # The newest statements on the topic, whatever the summary rests on: a summary never
    # hides newer words.
    latest: list[Statement]
    more: bool  # more statements on the topic than are shown
    newer: int  # statements on the topic newer than the current summary
    cards: list[SafeString] = field(default_factory=list)  # of the statements it rests on


@dataclass
class TopicStatements:
    topic: Topic
    trail: list[Topic]
    statements: list[Statement]
    more: bool  # more statements on the topic than are shown


def statement_count_up_to(cap: int) -> CountedUpTo:
    """For a person query: their published statements, counted up to ``cap`` + 1 (read
    from the speaker index, no more than that many): more than ``cap`` reads "cap+"."""
    theirs = visibility.statements().filter(speaker=OuterRef("pk")).order_by()
    return CountedUpTo(theirs.values("pk")[: cap + 1])


# The person page's three reads of records, built and compiled once per process and run
# for the person (prepared.CompiledRead). Building their visibility rules and correlated
# subqueries took about 2 ms of every page, and compiling them 2.6 ms more.


@functools.cache
def _person_as_shown(
    timeline_length: int, count_cap: int
) -> CompiledRead[WithAnnotations[Person, PersonShown]]:
    """The published person with this slug (the argument)."""
    return CompiledRead(
        visibility.people()
        .filter(Equals(F("slug"), Argument))
        .annotate(
            statement_count=statement_count_up_to(count_cap),
            window_start=said.window_start(window=timeline_length),
        )
    )


@functools.cache
def _positions_as_shown() -> CompiledRead[WithAnnotations[Position, PositionShown]]:
    """The person's (the argument is their id) published positions: one row per statement
    a position rests on (or one with None), newest first on each topic."""
    return CompiledRead(
        visibility.positions(["person"])
        .filter(Equals(F("person_id"), Argument))
        .annotate(cited=F("statements__id"), newer=said.newer_than_position())
        .order_by("topic_id", "-as_of", "-id")
    )


# What the page shows of a reaction the person gave (_partials/reaction_given.html), and
# of the five records it names (its organization, source and outlet, the statement and its
# speaker). Reading every column of the six instead (the statement's context, the
# people's and outlets' descriptions, the bookkeeping) took 2.9 ms of a prolific
# speaker's page rather than 1.7, at a million statements. (The read is made only when
# the page's run of them is not kept: person_html.given_reactions.)
GIVEN_REACTION_COLUMNS = (
    "id",
    "stance",
    "kind",
    "text",
    "interpretation",
    "respondent_role",
    "channel",
    "response_statement_id",  # the reaction's words are its own only without one
    "respondent_organization__state",
    "respondent_organization__name",
    "source__title",
    "source__published_on",
    "source__outlet__name",
    "statement__kind",
    "statement__said_on",
    "statement__date_precision",
    "statement__speaker__name",
    "statement__speaker__sort_name",
)


@functools.cache
def _reactions_given(count: int) -> CompiledRead[Reaction]:
    """The newest ``count`` published reactions the person (the argument is their id)
    gave to others' statements, with ``GIVEN_REACTION_COLUMNS``."""
    return CompiledRead(
        visibility.reactions_to_others(["respondent"])
        .filter(Equals(F("respondent_id"), Argument))
        .select_related(None)  # the respondent is the person: not joined again
        .select_related("respondent_organization", "source__outlet", "statement__speaker")
        .only(*GIVEN_REACTION_COLUMNS)
        # Newest first, as the index has them (undated ones first, on every database).
        .order_by(F("reacted_on").desc(nulls_first=True), "-id")[:count]
    )


def reactions_given(person_id: int) -> list[Reaction]:
    """The newest ``REACTIONS_ON_PERSON`` published reactions the person gave to others'
    statements, as their page shows them."""
    with joins_as_written():
        return _reactions_given(REACTIONS_ON_PERSON)(person_id)


def said_here() -> BaseCache:
    """What this process last read of people's statements (the "said" cache:
    tracker/settings.py)."""
    return caches["said"]


def _said_by(
    person: WithAnnotations[Person, PersonShown], tree: TopicTree, stamps: str, *, also: set[int]
) -> said.Found:
    """The person's newest statements and their newest few on each topic (``window_start``
    annotated), with the statements ``also`` (those their positions rest on).

    What they said is kept by this process under their chart's ``stamps``, read before it:
    every write that can change it (one of their statements, its topics, a topic, a
    person: caching/charts.py) moves those on, and a write to anyone else's statements
    does not. The statements in ``also`` that are not theirs are never kept (their
    speaker's stamps say when they change) but read on each page, in one query. The kept
    statements are shared by the process's threads: nothing may change them but their
    topics, which drawing a brief sets from the tree (the same for one set of stamps), and
    a card is drawn from a copy (``_own_copy``)."""
    statements = mention_columns(visibility.statements())
    key = f"said:{person.pk}:{person.window_start}:{stamps}"
    kept = said_here().get(key)
    if kept is not None:
        return kept.with_statements(statements, also)
    found = said.newest_by_topic(
        statements,
        {person.pk: person.window_start},
        tree.by_id,
        per=PER_TOPIC_ON_PERSON,
        also=also,
    )
    said_here().set(key, found.of_speaker(person.pk))
    return found


def _own_copy(statement: Statement) -> Statement:
    """A kept statement (``_said_by``) to draw a card from: drawing it hangs what the
    card shows besides its row, for this content generation, on the statement."""
    copied = copy.copy(statement)
    prefetched = getattr(statement, "_prefetched_objects_cache", None)
    if prefetched is not None:
        copied._prefetched_objects_cache = dict(prefetched)  # type: ignore[attr-defined]
    return copied


def person_page(slug: str) -> dict:
    """At most eight queries, whatever the number of statements: the person (with a
    bounded count and the start of their newest statements), their roles and candidacies,
    positions with the statements they rest on, the newest statements with their topics,
    the topics the window missed (only for prolific speakers; those two kept by the
    process until a write changes them: ``_said_by``), what the cards show besides
    (sources, reactions), reactions given (read only when their run is not kept: see
    ``person_html.given_reactions``), and the chart once per change of it."""
    found_person = _person_as_shown(TIMELINE_LENGTH, COUNT_CAP)(slug)
    if not found_person:
        raise Http404("No published person with that address.")
    (person,) = found_person
    affiliations, candidacies = roles_and_candidacies(person.pk)
    attach(person, public_candidacies=candidacies)
    split_affiliations(person, affiliations)
    tree = TopicTree.load()

    # Positions by topic: the newest is the current one, the rest are history. One row
    # per statement a position rests on (or one with None).
    positions: dict[int, Position] = {}
    cited: dict[int, list[int]] = defaultdict(list)
    for row in _positions_as_shown()(person.pk):
        positions.setdefault(row.pk, row)
        if row.cited is not None:
            cited[row.pk].append(row.cited)
    by_topic: dict[int, list[Position]] = defaultdict(list)
    for position in positions.values():
        by_topic[position.topic_id].append(position)
    current_cited = {pk for found in by_topic.values() for pk in cited[found[0].pk]}

    # The newest statements, and the newest few on each topic (with a position or not).
    stamps = charts.stamp(person.pk)
    found = _said_by(person, tree, stamps, also=current_cited)
    newest = found.newest_of(person.pk)
    recent = newest[:RECENT_ON_PERSON]
    timeline = newest[:TIMELINE_LENGTH]

    topic_positions = []
    for found_positions in by_topic.values():
        current = found_positions[0]
        current.public_statements = sort_newest(  # type: ignore[attr-defined]
            found.statements[pk] for pk in cited[current.pk] if pk in found.statements
        )
        topic = tree.by_id.get(current.topic_id, current.topic)
        latest = found.said.get((person.pk, current.topic_id)) or said.Said()
        topic_positions.append(
            TopicPositions(
                topic,
                tree.trail(topic),
                current,  # type: ignore[arg-type]
                found_positions[1:],  # type: ignore[arg-type]
                latest.statements,
                latest.more,
                current.newer,  # type: ignore[attr-defined]
            )
        )
    topic_positions.sort(key=lambda entry: tree.order.get(entry.topic.pk, 0))

    topic_statements = [
        TopicStatements(topic, tree.trail(topic), entry.statements, entry.more)
        for topic, _depth in tree.walk()
        if topic.pk not in by_topic and (entry := found.said.get((person.pk, topic.pk))) is not None
    ]

    # The cards, and the timeline's briefs, are given their topics when they are drawn (a
    # statement read twice, in the window and among a topic's missed ones, is two
    # objects). The statements under topics are entries (entry_html): they show none.
    cards = [
        *((_own_copy(s), "recent-") for s in recent),
        *(
            (_own_copy(s), "position-")
            for entry in topic_positions
            for s in entry.current.public_statements
        ),
    ]
    drawn = iter(prefixed_cards(cards, generation.current()))
    recent_cards = [next(drawn) for _ in recent]
    for on_topic in topic_positions:
        on_topic.cards = [next(drawn) for _ in on_topic.current.public_statements]

    reactions = person_html.given_reactions(
        person, generation.current(), lambda: reactions_given(person.pk)
    )

    months: list[dict] = []
    for statement in timeline:
        month = statement.said_on.replace(day=1)
        if not months or months[-1]["month"] != month:
            months.append({"month": month, "statements": []})
        months[-1]["statements"].append(statement)

    capped = person.statement_count > COUNT_CAP
    many = capped or person.statement_count > DENSITY
    chart_stamp = timeline_data.person_stamp(person.pk, many, stamps)
    count = f"{COUNT_CAP:,}+" if capped else f"{person.statement_count:,}"
    return {
        "person": person,
        "statement_count": count,
        "topic_positions": topic_positions,
        "topic_statements": topic_statements,
        "recent_cards": recent_cards,
        "reactions": reactions,
        "timeline": months,
        "timeline_cut": person.statement_count > len(timeline),
        "timeline_shown": len(timeline),
        "timeline_chart": timeline_data.on_page(
            "person",
            person.pk,
            lambda: timeline_data.person_chart(person, many, tree, chart_stamp),
            "statements:person-timeline",
            person.slug,
            chart_stamp,
        ),
    }
