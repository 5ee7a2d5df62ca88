"""Reads for the public pages that need more than one queryset call.

Every function here returns published records only, nested ones included (a published
statement's draft reaction, topic or source stays hidden), and runs a fixed number of
queries whatever the size of the data: related rows come through select_related and
Prefetch(queryset=...published()...), counts through annotations or one aggregate, and
the topic tree is read in one query and walked in Python.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.utils import timezone

from .models import (
    Affiliation,
    BackgroundNote,
    Candidacy,
    CommentRequest,
    Event,
    Organization,
    Person,
    Position,
    PublicationState,
    Race,
    Reaction,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)

PUBLISHED = PublicationState.PUBLISHED
COUNTS_CACHE_KEY = "statements:topic-statement-counts"
COUNTS_TTL = 300
SLUG = re.compile(r"[-a-zA-Z0-9_]+")

# How many statements a page shows before it links on to the full, filtered list.
LATEST_ON_HOME = 10
ALSO_SAID = 5
RECENT_ON_PERSON = 5
PER_TOPIC_ON_PERSON = 3
PER_CELL = 3
TIMELINE_LENGTH = 100
REACTIONS_ON_PERSON = 20
MAX_COMPARED = 8
TOPIC_PAGE_SIZE = 20
TOPIC_MAX_PAGE = 25  # deeper than that, the /statements/ list pages by keyset


# --------------------------------------------------------------------------- building blocks


def published_statements() -> QuerySet[Statement]:
    """Published statements by published speakers."""
    return Statement.objects.published()


def published_sources() -> QuerySet[Source]:
    return Source.objects.published().select_related("outlet").order_by("published_on", "id")


def published_reactions() -> QuerySet[Reaction]:
    """Published reactions, by published people, reported by published sources."""
    return Reaction.objects.published().select_related(
        "respondent", "respondent_organization", "source__outlet"
    )


def reaction_count():
    """The number of a statement's published reactions, as a correlated subquery."""
    counted = (
        Reaction.objects.published()
        .filter(statement=OuterRef("pk"))
        .order_by()
        .values("statement")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def for_cards(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """Everything the statement card shows, published only, in three queries."""
    return (
        queryset.select_related("speaker", "speaker_party", "event")
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.published().select_related("parent")),
            Prefetch("sources", queryset=published_sources()),
        )
        .annotate(reaction_count=reaction_count())
    )


def newest_first(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    return queryset.order_by("-said_on", "-id")


def briefs() -> QuerySet[Statement]:
    """Statements for a one-line mention (kind, words, date), for a Prefetch.

    Left unordered on purpose: ordered, the database may walk the whole date index to
    find a handful of rows. Sort the (short) prefetched lists with `sort_newest`.
    """
    return published_statements().select_related("speaker").order_by()


def sort_newest(statements) -> list[Statement]:
    return sorted(statements, key=lambda s: (s.said_on, s.pk), reverse=True)


def surname(person: Person) -> str:
    """'Ossoff' from sort name 'Ossoff, Jon'; the full name when there is no comma."""
    if "," in person.sort_name:
        return person.sort_name.split(",", 1)[0].strip() or person.name
    return person.name


# --------------------------------------------------------------------------- the topic tree


class TopicTree:
    """Every published topic, read in one query, with parents and children in memory.

    A published topic under a draft one is treated as top-level: the draft stays hidden.
    """

    def __init__(self, topics: list[Topic]):
        self.by_id: dict[int, Topic] = {t.pk: t for t in topics}
        self.by_slug: dict[str, Topic] = {t.slug: t for t in topics}
        self.children: dict[int | None, list[Topic]] = defaultdict(list)
        for topic in topics:
            parent = topic.parent_id if topic.parent_id in self.by_id else None
            self.children[parent].append(topic)
        self.roots = self.children[None]
        self.order: dict[int, int] = {
            topic.pk: index for index, (topic, _depth) in enumerate(self.walk())
        }

    @classmethod
    def load(cls) -> TopicTree:
        return cls(list(Topic.objects.published().order_by("name", "id")))

    def get(self, slug: str) -> Topic:
        try:
            return self.by_slug[slug]
        except KeyError:
            raise Http404("No published topic with that address.") from None

    def trail(self, topic: Topic) -> list[Topic]:
        """The broader topics above this one, top first (published ones only)."""
        chain, seen = [], {topic.pk}
        parent_id = topic.parent_id
        while parent_id in self.by_id and parent_id not in seen:
            parent = self.by_id[parent_id]
            chain.append(parent)
            seen.add(parent_id)
            parent_id = parent.parent_id
        return chain[::-1]

    def descendant_ids(self, topic: Topic) -> set[int]:
        """The topic and everything below it."""
        found, stack = set(), [topic.pk]
        while stack:
            topic_id = stack.pop()
            if topic_id in found:
                continue
            found.add(topic_id)
            stack.extend(child.pk for child in self.children.get(topic_id, []))
        return found

    def walk(self, start: list[Topic] | None = None, depth: int = 0):
        """(topic, depth) pairs in reading order: each topic, then its narrower topics."""
        seen: set[int] = set()
        stack = [(topic, depth) for topic in reversed(self.roots if start is None else start)]
        while stack:
            topic, level = stack.pop()
            if topic.pk in seen:
                continue
            seen.add(topic.pk)
            yield topic, level
            stack.extend((child, level + 1) for child in reversed(self.children.get(topic.pk, [])))

    def statement_counts(self) -> dict[int, int]:
        """Published statements per topic, narrower topics included, counted once each.

        Counting scans every statement–topic link, which costs seconds at a million
        statements, so the result is cached for COUNTS_TTL seconds: a count may lag a
        newly published statement by that long. The statements listed are never cached.
        """
        counts = cache.get(COUNTS_CACHE_KEY)
        if counts is None:
            counts = self.count_statements()
            cache.set(COUNTS_CACHE_KEY, counts, COUNTS_TTL)
        return counts

    def count_statements(self) -> dict[int, int]:
        """One COUNT(DISTINCT …) per topic over the links, in one query per 200 topics."""
        links = StatementTopic.objects.filter(
            statement__state=PUBLISHED, statement__speaker__state=PUBLISHED
        )
        topics = list(self.by_id.values())
        counts: dict[int, int] = {}
        for start in range(0, len(topics), 200):
            found = links.aggregate(
                **{
                    f"t{topic.pk}": Count(
                        "statement_id",
                        distinct=True,
                        filter=Q(topic_id__in=self.descendant_ids(topic)),
                    )
                    for topic in topics[start : start + 200]
                }
            )
            counts |= {int(key[1:]): value for key, value in found.items()}
        return counts

    def nested(self, counts: dict[int, int], start: list[Topic] | None = None) -> list[dict]:
        """The tree as nested dicts for a template: topic, count, trail, children."""

        def branch(topic: Topic) -> dict:
            return {
                "topic": topic,
                "count": counts.get(topic.pk, 0),
                "children": [branch(child) for child in self.children.get(topic.pk, [])],
            }

        return [branch(topic) for topic in (self.roots if start is None else start)]

    def attach_trails(self, statements) -> None:
        """Give each card's topics their breadcrumb (`topic.trail`) from the tree."""
        for statement in statements:
            for topic in statement.topics.all():
                topic.trail = self.trail(topic)


# --------------------------------------------------------------------------- home


def races_in_progress(limit: int = 10) -> list[Race]:
    """Published races with at least one candidacy not yet decided, soonest first."""
    pending = Candidacy.objects.filter(
        race=OuterRef("pk"), result=Candidacy.Result.PENDING, person__state=PUBLISHED
    )
    return list(
        Race.objects.published()
        .filter(election__state=PUBLISHED)
        .filter(Exists(pending))
        .select_related("election", "party")
        .prefetch_related(public_candidacies())
        .order_by(F("date").asc(nulls_last=True), "name", "id")[:limit]
    )


def public_candidacies(to_attr: str = "public_candidacies") -> Prefetch:
    return Prefetch(
        "candidacies",
        queryset=Candidacy.objects.filter(person__state=PUBLISHED)
        .select_related("person", "party")
        .order_by("person__sort_name", "person_id"),
        to_attr=to_attr,
    )


def home_page() -> dict:
    tree = TopicTree.load()
    latest = list(for_cards(newest_first(published_statements()))[:LATEST_ON_HOME])
    tree.attach_trails(latest)
    return {
        "statements": latest,
        "topic_tree": tree.nested(tree.statement_counts()),
        "races": races_in_progress(),
    }


# --------------------------------------------------------------------------- statement page


@dataclass
class ReactionGroup:
    stance: str
    label: str
    reactions: list[Reaction] = field(default_factory=list)


def group_reactions(reactions: list[Reaction]) -> list[ReactionGroup]:
    """Agrees · disagrees · interprets · adds context; empty groups left out.

    A reaction that agrees and also reads something into the statement appears under both.
    """
    groups = {value: ReactionGroup(value, label) for value, label in Reaction.Stance.choices}
    for reaction in reactions:
        for stance in reaction.stances:
            groups[stance].reactions.append(reaction)
    return [group for group in groups.values() if group.reactions]


def statement_page(pk: int) -> dict:
    queryset = for_cards(published_statements()).prefetch_related(
        Prefetch(
            "statementsource_set",
            queryset=StatementSource.objects.filter(source__state=PUBLISHED)
            .select_related("source__outlet")
            .order_by("source__published_on", "id"),
            to_attr="source_links",
        ),
        Prefetch(
            "reactions",
            queryset=published_reactions().order_by("reacted_on", "id"),
            to_attr="public_reactions",
        ),
        Prefetch(
            "comment_requests",
            queryset=CommentRequest.objects.filter(source__state=PUBLISHED)
            .filter(Q(asked_person__isnull=True) | Q(asked_person__state=PUBLISHED))
            .filter(
                Q(asked_organization__isnull=True) | Q(asked_organization__state=PUBLISHED),
                requested_by__state=PUBLISHED,
            )
            .select_related("asked_person", "asked_organization", "requested_by", "source")
            .order_by("requested_on", "id"),
            to_attr="public_comment_requests",
        ),
        Prefetch(
            "positions",
            queryset=Position.objects.published()
            .filter(person__state=PUBLISHED, topic__state=PUBLISHED)
            .select_related("person", "topic")
            .order_by("person__sort_name", "topic__name", "-as_of"),
            to_attr="public_positions",
        ),
    )
    try:
        statement = queryset.get(pk=pk)
    except Statement.DoesNotExist:
        raise Http404("No published statement with that number.") from None

    tree = TopicTree.load()
    topic_ids = [topic.pk for topic in statement.topics.all()]
    also_said = list(
        for_cards(
            newest_first(
                published_statements()
                .filter(speaker_id=statement.speaker_id)
                .filter(
                    pk__in=StatementTopic.objects.filter(topic_id__in=topic_ids).values(
                        "statement_id"
                    )
                )
                .exclude(pk=statement.pk)
            )
        )[:ALSO_SAID]
    )
    tree.attach_trails([statement, *also_said])
    for position in statement.public_positions:
        position.topic.trail = tree.trail(position.topic)
    return {
        "statement": statement,
        "reaction_groups": group_reactions(statement.public_reactions),
        "also_said": also_said,
    }


# --------------------------------------------------------------------------- people


def with_statement_counts(queryset: QuerySet[Person]) -> QuerySet[Person]:
    # The outer person is published already: no need to join people again.
    statements = (
        Statement.objects.published()
        .filter(speaker=OuterRef("pk"))
        .order_by()
        .values("speaker")
        .annotate(count=Count("pk"))
        .values("count")
    )
    reactions = (
        Reaction.objects.published()
        .filter(respondent=OuterRef("pk"), source__state=PUBLISHED)
        .order_by()
        .values("respondent")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(
        statement_count=Coalesce(Subquery(statements, output_field=IntegerField()), Value(0)),
        reaction_count=Coalesce(Subquery(reactions, output_field=IntegerField()), Value(0)),
    )


def public_affiliations() -> Prefetch:
    return Prefetch(
        "affiliations",
        queryset=Affiliation.objects.filter(organization__state=PUBLISHED)
        .select_related("organization")
        .order_by(
            F("end_date").desc(nulls_first=True), F("start_date").desc(nulls_last=True), "id"
        ),
        to_attr="public_affiliations",
    )


def split_affiliations(person: Person, today: datetime.date | None = None) -> None:
    """Set person.parties, person.current_roles and person.past_roles from affiliations."""
    today = today or timezone.localdate()
    person.parties, person.current_roles, person.past_roles = [], [], []
    for affiliation in person.public_affiliations:
        current = affiliation.end_date is None or affiliation.end_date >= today
        if current and affiliation.organization.kind == Organization.Kind.PARTY:
            if affiliation.organization not in person.parties:
                person.parties.append(affiliation.organization)
        (person.current_roles if current else person.past_roles).append(affiliation)


def people_list() -> QuerySet[Person]:
    return with_statement_counts(Person.objects.published()).prefetch_related(public_affiliations())


@dataclass
class TopicPositions:
    topic: Topic
    trail: list[Topic]
    current: Position
    earlier: list[Position]


@dataclass
class TopicStatements:
    topic: Topic
    trail: list[Topic]
    statements: list[Statement]
    total: int


def person_page(slug: str) -> dict:
    queryset = with_statement_counts(Person.objects.published()).prefetch_related(
        public_affiliations(),
        Prefetch(
            "candidacies",
            queryset=Candidacy.objects.filter(
                race__state=PUBLISHED, race__election__state=PUBLISHED
            )
            .select_related("race__election", "race__party", "party")
            .order_by(F("race__date").desc(nulls_first=True), "race__name", "id"),
            to_attr="public_candidacies",
        ),
    )
    try:
        person = queryset.get(slug=slug)
    except Person.DoesNotExist:
        raise Http404("No published person with that address.") from None
    split_affiliations(person)
    tree = TopicTree.load()
    theirs = published_statements().filter(speaker=person)

    # Positions by topic: the newest is the current one, the rest are history.
    positions = (
        Position.objects.published()
        .filter(person=person, topic__state=PUBLISHED)
        .select_related("topic")
        .prefetch_related(
            Prefetch(
                "statements",
                queryset=for_cards(published_statements()).order_by(),
                to_attr="public_statements",
            )
        )
        .order_by("topic_id", "-as_of", "-id")
    )
    by_topic: dict[int, list[Position]] = defaultdict(list)
    for position in positions:
        by_topic[position.topic_id].append(position)
    topic_positions = sorted(
        (
            TopicPositions(found[0].topic, tree.trail(found[0].topic), found[0], found[1:])
            for found in by_topic.values()
        ),
        key=lambda entry: tree.order.get(entry.topic.pk, 0),
    )
    for entry in topic_positions:
        entry.current.public_statements = sort_newest(entry.current.public_statements)
        tree.attach_trails(entry.current.public_statements)

    # Topics with statements but no position: the newest few statements on each.
    ranked = list(
        StatementTopic.objects.filter(
            statement__speaker=person, statement__state=PUBLISHED, topic__state=PUBLISHED
        )
        .exclude(topic_id__in=list(by_topic))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("topic_id")],
                order_by=[F("statement__said_on").desc(), F("statement_id").desc()],
            ),
            total=Window(Count("id"), partition_by=[F("topic_id")]),
        )
        .filter(rank__lte=PER_TOPIC_ON_PERSON)
        .values_list("topic_id", "statement_id", "total")
    )
    cards = (
        {
            s.pk: s
            for s in for_cards(published_statements().filter(pk__in={row[1] for row in ranked}))
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
        entry.statements.sort(key=lambda s: (s.said_on, s.pk), reverse=True)
    topic_statements = sorted(
        unpositioned.values(), key=lambda entry: tree.order.get(entry.topic.pk, 0)
    )

    recent = list(for_cards(newest_first(theirs))[:RECENT_ON_PERSON])
    tree.attach_trails(recent)

    reactions = list(
        published_reactions()
        .filter(respondent=person)
        .filter(statement__state=PUBLISHED, statement__speaker__state=PUBLISHED)
        .select_related("statement__speaker")
        .order_by("-statement__said_on", "-id")[:REACTIONS_ON_PERSON]
    )

    timeline = list(
        newest_first(theirs)
        .select_related("speaker")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.published()))[:TIMELINE_LENGTH]
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


# --------------------------------------------------------------------------- topics


def topic_page(slug: str) -> dict:
    tree = TopicTree.load()
    topic = tree.get(slug)
    within = tree.descendant_ids(topic)
    children = tree.children.get(topic.pk, [])
    positions = list(
        Position.objects.published()
        .filter(topic_id__in=within, person__state=PUBLISHED)
        .select_related("person", "topic")
        .prefetch_related(
            Prefetch(
                "statements",
                queryset=briefs(),
                to_attr="public_statements",
            )
        )
        .order_by("person__sort_name", "person_id", "topic_id", "-as_of", "-id")
    )
    newest: dict[tuple[int, int], Position] = {}
    for position in positions:
        newest.setdefault((position.person_id, position.topic_id), position)
    shown = sorted(
        newest.values(),
        key=lambda p: (p.person.sort_name, p.person_id, tree.order.get(p.topic_id, 0)),
    )
    for position in shown:
        position.topic.trail = tree.trail(position.topic)
        position.public_statements = sort_newest(position.public_statements)
    notes = list(
        BackgroundNote.objects.published()
        .filter(
            pk__in=BackgroundNote.topics.through.objects.filter(topic_id__in=within).values(
                "backgroundnote_id"
            )
        )
        .prefetch_related(
            Prefetch("sources", queryset=published_sources()),
            Prefetch("topics", queryset=Topic.objects.published()),
        )
    )
    counts = tree.statement_counts()
    return {
        "tree": tree,
        "topic": topic,
        "trail": tree.trail(topic),
        "statement_count": counts.get(topic.pk, 0),
        "narrower": tree.nested(counts, start=children) if children else [],
        "positions": shown,
        "notes": notes,
        "statements": for_cards(
            newest_first(Statement.objects.published().on_topic(topic)).filter(
                speaker__state=PUBLISHED
            )
        ),
    }


# --------------------------------------------------------------------------- events


def public_hosts() -> Prefetch:
    return Prefetch(
        "hosts", queryset=Organization.objects.published().order_by("name"), to_attr="public_hosts"
    )


def event_list() -> QuerySet[Event]:
    counted = (
        published_statements()
        .filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Event.objects.published()
        .annotate(statement_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0))
        .prefetch_related(public_hosts())
        .order_by("-date", "-id")
    )


def event_page(slug: str) -> dict:
    try:
        event = Event.objects.published().prefetch_related(public_hosts()).get(slug=slug)
    except Event.DoesNotExist:
        raise Http404("No published event with that address.") from None
    statements = list(
        for_cards(published_statements().filter(event=event)).order_by("said_on", "id")
    )
    TopicTree.load().attach_trails(statements)
    return {"event": event, "statements": statements}


# --------------------------------------------------------------------------- grids


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
    topic_filter = Q(topic_id__in=within) if within is not None else Q(topic__state=PUBLISHED)
    positions: dict[tuple[int, int], Position] = {}
    for position in (
        Position.objects.published()
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
        StatementTopic.objects.filter(topic_filter)
        .filter(statement__speaker__in=people, statement__state=PUBLISHED)
        .annotate(
            speaker_id=F("statement__speaker_id"),
            rank=Window(
                RowNumber(),
                partition_by=[F("statement__speaker_id"), F("topic_id")],
                order_by=[F("statement__said_on").desc(), F("statement_id").desc()],
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
            statements = sorted(said.get(key, []), key=lambda s: (s.said_on, s.pk), reverse=True)
            cells.append(Cell(person, positions.get(key), statements, totals.get(key, 0)))
        rows.append(Row(topic, tree.trail(topic), cells))
    return rows


def race_list() -> list[Race]:
    return list(
        Race.objects.published()
        .filter(election__state=PUBLISHED)
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
            Race.objects.published()
            .filter(election__state=PUBLISHED)
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
    spoke = Statement.objects.published().filter(speaker=OuterRef("pk"))
    runs = Candidacy.objects.filter(
        person=OuterRef("pk"), race__state=PUBLISHED, race__election__state=PUBLISHED
    )
    return list(
        Person.objects.published().filter(Exists(spoke) | Exists(runs)).order_by("sort_name", "id")
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

    lookable = [slug for slug in slugs if SLUG.fullmatch(slug)]  # never send NULs etc. to the DB
    found = (
        {p.slug: p for p in Person.objects.published().filter(slug__in=lookable)}
        if lookable
        else {}
    )
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
