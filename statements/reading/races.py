"""/races/, /races/<slug>/ and /compare/: people side by side, topic by topic."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..caching import generation, shared
from ..caching.release import shared_key
from ..models import (
    SLUG_PATTERN,
    Candidacy,
    Person,
    Position,
    Race,
    Statement,
    Topic,
)
from . import said, timeline_data, visibility
from .attached import attach
from .cards import sort_newest
from .tree import TopicTree

PER_CELL = 3
MAX_COMPARED = 8
CHOICES_CACHE_KEY = shared_key("statements:compare-people", "{generation}")
CHOICES_TTL = 24 * 3600


def public_candidacies(
    **annotations: Any,
) -> Prefetch[Literal["candidacies"], QuerySet[Candidacy], Literal["public_candidacies"]]:
    """A race's published candidacies, as ``race.public_candidacies``."""
    return Prefetch(
        "candidacies",
        queryset=visibility.candidacies(["race"])
        .select_related("person", "party")
        .annotate(**annotations)
        .order_by("person__sort_name", "person_id"),
        to_attr="public_candidacies",
    )


@dataclass
class Cell:
    person: Person
    position: Position | None = None
    # The newest statements on the topic, shown with the position too: a summary never
    # hides newer words.
    statements: list[Statement] = field(default_factory=list)
    # More statements on the topic than the cell shows. Not counted: that would read all
    # of a prolific speaker's statements; the grid links to the filtered list instead.
    more: bool = False
    # How many statements on the topic are newer than the position's "as of" date.
    newer: int = 0


@dataclass
class Row:
    topic: Topic
    trail: list[Topic]
    cells: list[Cell]


def position_grid(
    people: Sequence[Person],
    tree: TopicTree,
    within: set[int] | None = None,
    candidacies: dict[int, int] | None = None,
    race: int | None = None,
) -> list[Row]:
    """Topics as rows, people as columns.

    A cell holds the person's newest published position on the topic (with the statements
    it rests on), or else their newest statements on it, or nothing. Rows are the topics
    (restricted to `within`, when given) on which at least one person has either.
    Each person needs ``window_start`` (said.window_start()) annotated. With
    ``candidacies`` (person id → their candidacy in ``race``), only the statements said in
    that race count, and ``window_start`` is the candidacy's (said.window_start_in_race()).
    A cell with a position also holds the newest statements on the topic and how many
    are newer than the position. Three queries at most whatever the number of people,
    topics or statements.
    """
    if not people:
        return []
    topic_ids = set(tree.by_id) if within is None else within
    positions: dict[tuple[int, int], Position] = {}
    cited: dict[int, list[int]] = defaultdict(list)
    for position in (
        visibility.positions(["person"])
        .filter(topic_id__in=topic_ids, person__in=people)
        .annotate(cited=F("statements__id"), newer=said.newer_than_position(race))
        .order_by("-as_of", "-id")
    ):
        kept = positions.setdefault((position.person_id, position.topic_id), position)
        if kept.pk == position.pk and position.cited is not None:
            cited[position.pk].append(position.cited)
    found = said.newest_by_topic(
        visibility.statements().select_related("speaker", "event"),  # the grid shows both
        {person.pk: person.window_start for person in people},  # type: ignore[attr-defined]
        topic_ids,
        per=PER_CELL,
        also={pk for pks in cited.values() for pk in pks},
        on_topics_only=True,
        candidacies=candidacies,
    )
    for kept in positions.values():
        kept.public_statements = sort_newest(  # type: ignore[attr-defined]
            found.statements[pk] for pk in dict.fromkeys(cited[kept.pk]) if pk in found.statements
        )

    shown = {*positions, *found.said}
    rows = []
    for topic, _depth in tree.walk():
        if topic.pk not in topic_ids or not any((p.pk, topic.pk) in shown for p in people):
            continue
        cells = []
        for person in people:
            key = (person.pk, topic.pk)
            entry = found.said.get(key) or said.Said()
            summary = positions.get(key)
            count = summary.newer if summary is not None else 0  # type: ignore[attr-defined]
            cells.append(Cell(person, summary, entry.statements, entry.more, count))
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
            .prefetch_related(
                public_candidacies(
                    window_start=said.window_start_in_race(),
                    statement_count=timeline_data.capped_count("person_id"),
                )
            )
            .get(slug=slug)
        )
    except Race.DoesNotExist:
        raise Http404("No published race with that address.") from None
    tree = TopicTree.load()
    people = [candidacy.person for candidacy in race.public_candidacies]
    for candidacy, person in zip(race.public_candidacies, people, strict=True):
        attach(person, window_start=candidacy.window_start)  # type: ignore[attr-defined]
    counts = [candidacy.statement_count for candidacy in race.public_candidacies]  # type: ignore[attr-defined]
    # What each candidate said in this race (the statements' own race), not everything
    # they said while running in others.
    candidacies = {c.person_id: c.pk for c in race.public_candidacies}
    return {
        "race": race,
        "candidates": people,
        "rows": position_grid(people, tree, candidacies=candidacies, race=race.pk),
        "timeline_chart": timeline_data.on_page(
            "race",
            race.pk,
            lambda: timeline_data.race_chart(race, people, counts, tree),
            "statements:race-timeline",
            race.slug,
        ),
    }


def people_to_compare() -> list[tuple[str, str]]:
    """Everyone worth putting side by side, as (slug, name) escaped for HTML: people with
    a published statement, and the candidates in published races (an empty column is
    informative too).

    The same for every comparison, and thousands long: kept in the shared cache under the
    content generation."""

    def read() -> list[tuple[str, str]]:
        spoke = visibility.statements().filter(speaker=OuterRef("pk"))
        runs = visibility.candidacies().filter(person=OuterRef("pk"))
        return [
            (escape(slug), escape(name))
            for slug, name in visibility.people()
            .filter(Exists(spoke) | Exists(runs))
            .order_by("sort_name", "id")
            .values_list("slug", "name")
        ]

    return shared.kept(CHOICES_CACHE_KEY.format(generation=generation.current()), read, CHOICES_TTL)


def people_checkboxes(choices: list[tuple[str, str]], chosen: set[str]) -> str:
    """The people (escaped slug and name) as checkboxes, the chosen ones checked: built
    here rather than in a template loop, which costs a hundred times more for thousands."""
    chosen = {escape(slug) for slug in chosen}
    return mark_safe(  # every value in it is escaped
        "".join(
            f'<label><input type="checkbox" name="people" value="{slug}"'
            f"{' checked' if slug in chosen else ''}> {name}</label>"
            for slug, name in choices
        )
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


def chosen_race(race_param: str, problems: list[str]) -> Race | None:
    """The published race named by ``?race=``, if any (one query when one is named)."""
    race_slug = race_param.strip()[:200]
    if not race_slug:
        return None
    race = None
    if SLUG_PATTERN.fullmatch(race_slug):
        race = visibility.races().select_related("election").filter(slug=race_slug).first()
    if race is None:
        problems.append(
            f"We have no published race at “{race_slug}”; showing everything they said."
        )
    return race


def compare_page(people_params: list[str], topic_param: str, race_param: str = "") -> dict:
    """People side by side on one topic; with ``race``, only what each said in that race
    (the statements' own race), and nothing for someone who did not run in it."""
    tree = TopicTree.load()
    choices = people_to_compare()
    slugs = split_slugs(people_params)
    problems: list[str] = []
    race = chosen_race(race_param, problems)

    # Never send NULs and the like to the database.
    lookable = [slug for slug in slugs if SLUG_PATTERN.fullmatch(slug)]
    people_query = visibility.people().filter(slug__in=lookable)
    if race is None:
        people_query = people_query.annotate(window_start=said.window_start())
    else:
        in_race = visibility.candidacies(["race"]).filter(person=OuterRef("pk"), race=race)
        people_query = people_query.annotate(
            race_candidacy=Subquery(in_race.values("pk")[:1]),
            window_start=said.window_start(candidacy__race=race),
        )
    found = {p.slug: p for p in people_query} if lookable else {}
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

    candidacies = None
    if race is not None:
        # Someone who did not run in the race said nothing in it: no candidacy is 0.
        candidacies = {p.pk: p.race_candidacy or 0 for p in people}  # type: ignore[attr-defined]
    rows: list[Row] = []
    if people and topic is not None:
        within = tree.descendant_ids(topic)
        rows = position_grid(people, tree, within, candidacies, race.pk if race else None)
        if not rows:
            rows = [Row(topic, tree.trail(topic), [Cell(person) for person in people])]
    elif slugs or topic_slug:
        if not people:
            problems.append("Choose at least one person to compare.")
        if not topic_slug:
            problems.append("Choose a topic to compare them on.")

    listed = {slug for slug, _name in choices}
    choices = choices + [
        (escape(p.slug), escape(p.name)) for p in people if escape(p.slug) not in listed
    ]
    return {
        "people_choices": people_checkboxes(choices, {p.slug for p in people}),
        "topic_choices": [(t, "– " * depth) for t, depth in tree.walk()],
        "chosen_slugs": [p.slug for p in people],
        "chosen_people": people,
        "chosen_topic_slug": topic.slug if topic else "",
        "topic": topic,
        "trail": tree.trail(topic) if topic else [],
        "rows": rows,
        "problems": problems,
        "race": race,
    }
