"""/people/ and /people/<slug>/: who said what, positions by topic, a timeline."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypedDict

from django.db.models import (
    Count,
    F,
    Prefetch,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from .. import paging
from ..models import (
    Organization,
    Person,
    Statement,
    Topic,
)
from ..models.base import count_per_row
from . import visibility
from .attached import attach
from .cards import for_cards, newest_first, sort_newest
from .tree import TopicTree

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from ..models import Affiliation
    from .cards import PositionWithStatements

    class StatementCounts(TypedDict):
        """What ``with_statement_counts`` annotates a person with."""

        statement_count: int
        reaction_count: int

    class PublicAffiliations(TypedDict):
        """What ``public_affiliations()`` brings along on a person."""

        public_affiliations: list[Affiliation]


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
        reaction_count=count_per_row(visibility.reactions(), "respondent"),
    )


def public_affiliations() -> Prefetch[
    Literal["affiliations"], QuerySet[Affiliation], Literal["public_affiliations"]
]:
    return Prefetch(
        "affiliations",
        queryset=visibility.affiliations().order_by(
            F("end_date").desc(nulls_first=True), F("start_date").desc(nulls_last=True), "id"
        ),
        to_attr="public_affiliations",
    )


def split_affiliations(
    person: WithAnnotations[Person, PublicAffiliations], today: datetime.date | None = None
) -> None:
    """Set person.parties, person.current_roles and person.past_roles from affiliations."""
    today = today or timezone.localdate()
    parties: list[Organization] = []
    current_roles: list[Affiliation] = []
    past_roles: list[Affiliation] = []
    for affiliation in person.public_affiliations:
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


@dataclass
class TopicStatements:
    topic: Topic
    trail: list[Topic]
    statements: list[Statement]
    total: int


def person_page(slug: str) -> dict:
    # One Prefetch per call: django-stubs types the lists a call brings along only when
    # its lookups are all of one kind.
    queryset = (
        with_statement_counts(visibility.people())
        .prefetch_related(public_affiliations())
        .prefetch_related(
            Prefetch(
                "candidacies",
                queryset=visibility.candidacies()
                .select_related("race__election", "race__party", "party")
                .order_by(F("race__date").desc(nulls_first=True), "race__name", "id"),
                to_attr="public_candidacies",
            )
        )
    )
    try:
        person = queryset.get(slug=slug)
    except Person.DoesNotExist:
        raise Http404("No published person with that address.") from None
    split_affiliations(person)
    tree = TopicTree.load()
    theirs = visibility.statements().filter(speaker=person)

    # Positions by topic: the newest is the current one, the rest are history.
    positions = (
        visibility.positions()
        .filter(person=person)
        .prefetch_related(
            Prefetch(
                "statements",
                queryset=for_cards(visibility.statements()).order_by(),
                to_attr="public_statements",
            )
        )
        .order_by("topic_id", "-as_of", "-id")
    )
    by_topic: dict[int, list[PositionWithStatements]] = defaultdict(list)
    for position in positions:
        by_topic[position.topic_id].append(position)
    topic_positions = sorted(
        (
            TopicPositions(found[0].topic, tree.trail(found[0].topic), found[0], found[1:])
            for found in by_topic.values()
        ),
        key=lambda entry: tree.order.get(entry.topic.pk, 0),
    )
    for positioned in topic_positions:
        positioned.current.public_statements = sort_newest(positioned.current.public_statements)
        tree.attach_trails(positioned.current.public_statements)

    # Topics with statements but no position: the newest few statements on each.
    ranked = list(
        visibility.topic_links()
        .filter(statement__speaker=person)
        .exclude(topic_id__in=list(by_topic))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("topic_id")],
                order_by=[F("statement__said_on").desc(), F("statement_id").asc()],
            ),
            total=Window(Count("id"), partition_by=[F("topic_id")]),
        )
        .filter(rank__lte=PER_TOPIC_ON_PERSON)
        .values_list("topic_id", "statement_id", "total")
    )
    cards = (
        {
            s.pk: s
            for s in for_cards(visibility.statements().filter(pk__in={row[1] for row in ranked}))
        }
        if ranked
        else {}
    )
    tree.attach_trails(cards.values())
    unpositioned: dict[int, TopicStatements] = {}
    for topic_id, statement_id, total in ranked:
        topic = tree.by_id.get(topic_id)
        if topic is None or statement_id not in cards:
            continue
        entry = unpositioned.setdefault(
            topic_id, TopicStatements(topic, tree.trail(topic), [], total)
        )
        entry.statements.append(cards[statement_id])
    for entry in unpositioned.values():
        entry.statements.sort(key=paging.newest_first_key)
    topic_statements = sorted(
        unpositioned.values(), key=lambda entry: tree.order.get(entry.topic.pk, 0)
    )

    recent = list(for_cards(newest_first(theirs))[:RECENT_ON_PERSON])
    tree.attach_trails(recent)

    reactions = list(
        visibility.reactions()
        .filter(respondent=person)
        .select_related("statement__speaker")
        .order_by("-statement__said_on", "-id")[:REACTIONS_ON_PERSON]
    )

    timeline = list(
        newest_first(theirs)
        .select_related("speaker")
        .prefetch_related(Prefetch("topics", queryset=visibility.topics()))[:TIMELINE_LENGTH]
    )
    months: list[dict] = []
    for statement in timeline:
        month = statement.said_on.replace(day=1)
        if not months or months[-1]["month"] != month:
            months.append({"month": month, "statements": []})
        months[-1]["statements"].append(statement)

    return {
        "person": person,
        "topic_positions": topic_positions,
        "topic_statements": topic_statements,
        "recent": recent,
        "reactions": reactions,
        "timeline": months,
        "timeline_cut": person.statement_count > len(timeline),
        "timeline_shown": len(timeline),
    }
