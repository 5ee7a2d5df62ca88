"""/races/, /races/<slug>/ and /compare/: people side by side, topic by topic."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404

from ..models import (
    SLUG_PATTERN,
    Candidacy,
    Person,
    Position,
    Race,
    Statement,
    Topic,
)
from . import visibility
from .cards import briefs, sort_newest
from .tree import TopicTree

if TYPE_CHECKING:
    from .cards import PositionWithStatements

PER_CELL = 3
MAX_COMPARED = 8


def public_candidacies() -> Prefetch[
    Literal["candidacies"], QuerySet[Candidacy], Literal["public_candidacies"]
]:
    """A race's published candidacies, as ``race.public_candidacies``."""
    return Prefetch(
        "candidacies",
        queryset=visibility.candidacies()
        .select_related("person", "party")
        .order_by("person__sort_name", "person_id"),
        to_attr="public_candidacies",
    )


@dataclass
class Cell:
    person: Person
    position: Position | None = None
    statements: list[Statement] = field(default_factory=list)
    total: int = 0


@dataclass
class Row:
    topic: Topic
    trail: list[Topic]
    cells: list[Cell]


def position_grid(
    people: list[Person], tree: TopicTree, within: set[int] | None = None
) -> list[Row]:
    """Topics as rows, people as columns.

    A cell holds the person's newest published position on the topic (with the statements
    it rests on), or else their newest statements on it, or nothing. Rows are the topics
    (restricted to `within`, when given) on which at least one person has either.
    Three queries whatever the number of people, topics or statements.
    """
    if not people:
        return []
    topic_filter = Q(topic_id__in=within) if within is not None else Q()
    positions: dict[tuple[int, int], PositionWithStatements] = {}
    for position in (
        visibility.positions()
        .filter(topic_filter, person__in=people)
        .prefetch_related(
            Prefetch(
                "statements",
                queryset=briefs(),
                to_attr="public_statements",
            )
        )
        .order_by("-as_of", "-id")
    ):
        positions.setdefault((position.person_id, position.topic_id), position)
    for position in positions.values():
        position.public_statements = sort_newest(position.public_statements)

    ranked = (
        visibility.topic_links()
        .filter(topic_filter, statement__speaker__in=people)
        .annotate(
            speaker_id=F("statement__speaker_id"),
            rank=Window(
                RowNumber(),
                partition_by=[F("statement__speaker_id"), F("topic_id")],
                order_by=[F("statement__said_on").desc(), F("statement_id").asc()],
            ),
            total=Window(Count("id"), partition_by=[F("statement__speaker_id"), F("topic_id")]),
        )
        .filter(rank__lte=PER_CELL)
        .select_related("statement__speaker")
    )
    said: dict[tuple[int, int], list[Statement]] = defaultdict(list)
    totals: dict[tuple[int, int], int] = {}
    for link in ranked:
        key = (link.speaker_id, link.topic_id)
        said[key].append(link.statement)
        totals[key] = link.total

    topic_ids = {topic_id for _person, topic_id in [*positions, *said]}
    rows = []
    for topic, _depth in tree.walk():
        if topic.pk not in topic_ids:
            continue
        cells = []
        for person in people:
            key = (person.pk, topic.pk)
            statements = sort_newest(said.get(key, []))
            cells.append(Cell(person, positions.get(key), statements, totals.get(key, 0)))
        rows.append(Row(topic, tree.trail(topic), cells))
    return rows


def race_list() -> list[Race]:
    return list(
        visibility.races()
        .select_related("election", "party")
        .prefetch_related(public_candidacies())
        .order_by(
            "-election__year",
            "election__name",
            "election_id",
            F("date").asc(nulls_last=True),
            "name",
        )
    )


def race_page(slug: str) -> dict:
    try:
        race = (
            visibility.races()
            .select_related("election", "party")
            .prefetch_related(public_candidacies())
            .get(slug=slug)
        )
    except Race.DoesNotExist:
        raise Http404("No published race with that address.") from None
    tree = TopicTree.load()
    people = [candidacy.person for candidacy in race.public_candidacies]
    return {"race": race, "candidates": people, "rows": position_grid(people, tree)}


def people_to_compare() -> list[Person]:
    """Everyone worth putting side by side: people with a published statement, and the
    candidates in published races (an empty column is informative too)."""
    spoke = visibility.statements().filter(speaker=OuterRef("pk"))
    runs = visibility.candidacies().filter(person=OuterRef("pk"))
    return list(
        visibility.people().filter(Exists(spoke) | Exists(runs)).order_by("sort_name", "id")
    )


def split_slugs(values: list[str]) -> list[str]:
    """'a,b' and repeated parameters alike, in order, without repeats or blanks."""
    slugs: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()[:200]
            if part and part not in slugs:
                slugs.append(part)
    return slugs[:50]


def compare_page(people_params: list[str], topic_param: str) -> dict:
    tree = TopicTree.load()
    choices = people_to_compare()
    slugs = split_slugs(people_params)
    problems: list[str] = []

    # Never send NULs and the like to the database.
    lookable = [slug for slug in slugs if SLUG_PATTERN.fullmatch(slug)]
    found = {p.slug: p for p in visibility.people().filter(slug__in=lookable)} if lookable else {}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        problems.append(
            "We have no published person at "
            + ", ".join(f"“{slug}”" for slug in unknown)
            + ". Check the spelling, or choose from the list below."
        )
    people = [found[slug] for slug in slugs if slug in found]
    if len(people) > MAX_COMPARED:
        problems.append(
            f"Only {MAX_COMPARED} people fit side by side; showing the first {MAX_COMPARED}."
        )
        people = people[:MAX_COMPARED]

    topic = None
    topic_slug = topic_param.strip()[:200]
    if topic_slug:
        topic = tree.by_slug.get(topic_slug)
        if topic is None:
            problems.append(
                f"We have no published topic at “{topic_slug}”. Choose one from the list below."
            )

    rows: list[Row] = []
    if people and topic is not None:
        within = tree.descendant_ids(topic)
        rows = position_grid(people, tree, within)
        if not rows:
            rows = [Row(topic, tree.trail(topic), [Cell(person) for person in people])]
    elif slugs or topic_slug:
        if not people:
            problems.append("Choose at least one person to compare.")
        if not topic_slug:
            problems.append("Choose a topic to compare them on.")

    return {
        "people_choices": choices + [p for p in people if p not in choices],
        "topic_choices": [(t, "– " * depth) for t, depth in tree.walk()],
        "chosen_slugs": [p.slug for p in people],
        "chosen_people": people,
        "chosen_topic_slug": topic.slug if topic else "",
        "topic": topic,
        "trail": tree.trail(topic) if topic else [],
        "rows": rows,
        "problems": problems,
    }
