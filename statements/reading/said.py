"""What people said on each topic: their newest few statements per topic, found without
reading every statement of a prolific speaker.

Ranking all of a speaker's statements per topic would read every one of them (a second
for 100,000). Instead:

1. Each person's newest ``WINDOW`` statements are read through the speaker index, from a
   start date found beforehand (``window_start()``, annotated on the person query): most
   topics a person speaks on fill up there.
2. Only the topics that did not fill up, for people with more statements than the window
   holds, are looked up, in one more query. Those are the topics the person rarely or
   never speaks on, which the topic links' index on their copy of the statement's
   speaker and date finds without reading anyone else's links: on PostgreSQL a few
   entries of it per topic, newest first; on SQLite all the person's links on those
   topics, ranked (``RowNumber``).

``per + 1`` statements are kept per (person, topic): the extra one only says that there
are more, which is all a page needs (it links to the filtered list instead of counting).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from .. import paging
from ..models import Statement, StatementTopic, Topic
from ..models.base import Collected
from . import visibility
from .prepared import AnyOf, prepared_reads, read_by_shape

WINDOW = 100


def window_start(person: str = "pk", window: int | None = None, **only) -> Subquery:
    """For a query of people (or of rows pointing at them through ``person``): the date of
    their ``window``-th (default WINDOW) newest published statement (of those matching
    ``only``, e.g. ``candidacy__race=race``), or None when they have fewer."""
    window = window or WINDOW
    return Subquery(
        visibility.statements()
        .filter(speaker=OuterRef(person), **only)
        .order_by(*paging.order_by(paging.NEWEST_FIRST))
        .values("said_on")[window - 1 : window]
    )


def window_start_in_race(candidacy: str = "pk", window: int | None = None) -> Subquery:
    """For a query of candidacies (or of rows pointing at them through ``candidacy``): the
    date of the ``window``-th newest published statement said in that candidacy (the
    statement's own race), or None when it has fewer."""
    window = window or WINDOW
    return Subquery(
        visibility.statements()
        .filter(candidacy=OuterRef(candidacy))
        .order_by(*paging.order_by(paging.NEWEST_FIRST))
        .values("said_on")[window - 1 : window]
    )


@dataclass
class Said:
    """A person's newest statements on one topic (at most ``per``) and whether there are
    more."""

    statements: list[Statement] = field(default_factory=list)
    more: bool = False


@dataclass
class Found:
    """What ``newest_by_topic`` read: the statements (each with ``topic_ids``, its links
    to published topics), and per (person id, topic id) what they said."""

    statements: dict[int, Statement]
    said: dict[tuple[int, int], Said]

    def newest_of(self, person_id: int) -> list[Statement]:
        """The person's statements read in the window, newest first."""
        return sorted(
            (s for s in self.statements.values() if s.speaker_id == person_id),
            key=paging.newest_first_key,
        )

    def of_speaker(self, person_id: int) -> Found:
        """What the person said, without the statements of others read with it (``also``),
        all of them given one copy of their speaker (read with each, the same row): kept by
        a process (people._said_by), a copy per statement is five more objects each for
        the garbage collector to walk at every full collection."""
        theirs = {pk: s for pk, s in self.statements.items() if s.speaker_id == person_id}
        speaker = Statement._meta.get_field("speaker")
        shared = None
        for statement in theirs.values():
            if speaker.is_cached(statement):
                shared = shared or speaker.get_cached_value(statement)
                speaker.set_cached_value(statement, shared)
        return Found(theirs, self.said)

    def with_statements(self, statements: QuerySet[Statement], ids: Iterable[int]) -> Found:
        """This, with the statements ``ids`` it lacks read from ``statements`` (as
        ``newest_by_topic`` reads its own): at most one query."""
        missing = set(ids) - self.statements.keys()
        if not missing:
            return self
        read = _with_links(statements.filter(AnyOf(F("pk"), AnyOf.argument(sorted(missing)))))
        return Found({**self.statements, **read}, self.said)


# The values of the reads below that are arguments of their prepared statements: people,
# candidacies, days and lists of ids (topics, statements). Their plans are the same for
# any of them (index walks from a person's newest statements, by id, by topic), so a read
# is planned once per connection, not on every page: on a person's page at a million
# statements, planning the two reads cost 1.1 ms of PostgreSQL's time.
ARGUMENTS = (int, datetime.date, list)


def _with_links(queryset: QuerySet[Statement]) -> dict[int, Statement]:
    """The statements, each with ``topic_ids``: the topics it is linked to, read with it.
    Compiled once per shape (``read_by_shape``): the annotation is always this one."""
    links = StatementTopic.objects.filter(statement=OuterRef("pk")).values(value=F("topic_id"))
    annotated = queryset.annotate(topic_ids=Collected(links))
    with prepared_reads(ARGUMENTS):
        return {row.pk: row for row in read_by_shape(annotated, annotated_alike=True)}


def newest_by_topic(
    statements: QuerySet[Statement],
    starts: dict[int, datetime.date | None],
    topic_ids: Iterable[int],
    *,
    per: int,
    also: Iterable[int] = (),
    on_topics_only: bool = False,
    candidacies: dict[int, int] | None = None,
) -> Found:
    """Up to ``per`` newest statements of each person in ``starts`` (person id → their
    ``window_start``) on each of ``topic_ids`` (published topics), directly on that topic.

    ``statements`` is the published statements, with whatever the caller shows selected
    (``select_related``, annotations). ``also`` names more statements to load in the same
    query (for example those a position rests on). With ``on_topics_only``, the window
    brings only statements on ``topic_ids``: enough for one-line mentions, which do not
    list topics. With ``candidacies`` (person id → the candidacy of one race), only what
    each person said in that race counts (the statement's own race,
    ``Statement.candidacy``), and ``starts`` are then each candidacy's
    ``window_start_in_race``. Two queries at most.
    """
    races = candidacies or {}
    topics = set(topic_ids)
    found: dict[int, Statement] = {}
    if not starts:
        return Found(found, {})
    window = Q()
    for person_id, start in starts.items():
        window |= Q(
            speaker_id=person_id,
            **_in_race(races, person_id),
            **({"said_on__gte": start} if start else {}),
        )
    if on_topics_only:
        # Probed per statement (the link's unique index), not read for all the topics.
        on_them = StatementTopic.objects.filter(statement=OuterRef("pk"), topic_id__in=topics)
        window &= Q(Exists(on_them))
    also = set(also)
    if also:
        window |= Q(AnyOf(F("pk"), AnyOf.argument(sorted(also))))
    found = _with_links(statements.filter(window))

    said: dict[tuple[int, int], Said] = defaultdict(Said)

    def take(candidates: Iterable[Statement], person_id: int, on: set[int]) -> None:
        for statement in sorted(candidates, key=paging.newest_first_key):
            for topic_id in statement.topic_ids:  # type: ignore[attr-defined]
                if topic_id not in on:
                    continue
                entry = said[(person_id, topic_id)]
                if len(entry.statements) < per:
                    entry.statements.append(statement)
                else:
                    entry.more = True

    unfilled: dict[int, set[int]] = {}
    for person_id, start in starts.items():
        in_window = [
            s
            for s in found.values()
            if s.speaker_id == person_id
            and (start is None or s.said_on >= start)
            and (person_id not in races or s.candidacy_id == races[person_id])
        ]
        take(in_window, person_id, topics)
        if start is not None:
            # More statements than the window holds: topics not filled up need a full look.
            full = {t for t in topics if (person_id, t) in said and said[(person_id, t)].more}
            unfilled[person_id] = topics - full
            for topic_id in unfilled[person_id]:
                said.pop((person_id, topic_id), None)

    asked = {person_id: topic_set for person_id, topic_set in unfilled.items() if topic_set}
    if asked:
        more = _with_links(statements.filter(_newest_on_topics(asked, per + 1, races)))
        for person_id, topic_set in unfilled.items():
            mine = [
                s
                for s in more.values()
                if s.speaker_id == person_id
                and (person_id not in races or s.candidacy_id == races[person_id])
            ]
            take(mine, person_id, topic_set)
        for pk, statement in more.items():
            found.setdefault(pk, statement)
    return Found(found, dict(said))


def _in_race(races: dict[int, int], person_id: int, prefix: str = "") -> dict[str, int]:
    """The filter keeping what ``person_id`` said in their candidacy in ``races`` (none
    when they have none there), through ``prefix`` from the rows filtered."""
    return {f"{prefix}candidacy_id": races[person_id]} if person_id in races else {}


def _newest_on_topics(asked: dict[int, set[int]], count: int, races: dict[int, int]) -> Q:
    """Statements for the filter: the ``count`` newest of each person in ``asked`` on
    each of their topics there (with a candidacy in ``races``, said in it), found in the
    topic links' index on their copy of the statement's speaker, date and state. The
    statements read are the published ones (the caller's), so a copy can only miss,
    never show, a statement that is not."""
    if connection.vendor == "postgresql":
        # One short walk of the index per person and topic, newest first, stopping at
        # ``count``: a prolific speaker's topics cost the same as anyone's (ranking all
        # their links took 18 ms for 18,000 of them, this 0.5 ms). The people's are one
        # subquery (a UNION ALL): ``pk IN (…) OR pk IN (…)`` made PostgreSQL read every
        # statement to test both.
        each = []
        for person_id, topics in asked.items():
            firsts = (
                visibility.topic_links_by_speaker()
                .filter(
                    said_by=person_id,
                    topic=OuterRef("pk"),
                    **_in_race(races, person_id, "statement__"),
                )
                .order_by(F("said_on").desc(), "statement_id")
                .values(value=F("statement_id"))[:count]
            )
            unnested = Func(Collected(firsts), function="unnest", output_field=IntegerField())
            ids = AnyOf.argument(sorted(topics))
            each.append(
                Topic.objects.filter(AnyOf(F("pk"), ids)).order_by().values(statement=unnested)
            )
        return Q(pk__in=each[0].union(*each[1:], all=True) if len(each) > 1 else each[0])
    # SQLite has no unnest: every link of the people on their topics, ranked.
    asking = Q()
    for person_id, topics in asked.items():
        asking |= Q(
            said_by=person_id, topic_id__in=topics, **_in_race(races, person_id, "statement__")
        )
    ranked = (
        visibility.topic_links_by_speaker()
        .filter(asking)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("said_by_id"), F("topic_id")],
                order_by=[F("said_on").desc(), F("statement_id").asc()],
            )
        )
        .filter(rank__lte=count)
        .values("statement_id")
    )
    return Q(pk__in=ranked)


def newer_than_position(race: int | None = None) -> Coalesce:
    """For a query of positions: how many published statements by the position's person,
    directly on its topic, are newer than its "as of" date (with ``race``, only those said
    in that race: the statements' own race). A correlated count, computed with the
    positions themselves: no query of its own. Counted in the topic links' index on their
    copy of the statement's speaker and date (a published position's person and topic
    are published): a prolific speaker's count on a common topic took 165 ms from the
    statements, about 1 ms from the index, at a million statements."""
    newer = visibility.topic_links_by_speaker().filter(
        topic_id=OuterRef("topic_id"),
        said_by=OuterRef("person_id"),
        said_on__gt=OuterRef("as_of"),
    )
    if race is not None:
        newer = newer.filter(statement__candidacy__race_id=race)
    counted = newer.order_by().values("topic_id").annotate(count=Count("statement")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
