"""Bulk-generate realistic published statements, for load tests and trying out big lists.

    python manage.py generate_statements --count 50000

Creates people with a party, news outlets, a tree of topics (reusing any topic with the
same slug, e.g. the demo's "immigration"), events, sources, statements (direct quotes,
partial quotes, paraphrases) on one to three topics each, citing one or two sources, and
reactions to about one statement in ten. Everything is published. A few speakers say a
great deal and most say little, and the words follow Zipf's law (_vocabulary.py): some
come up in a large share of statements, most in very few. Each run adds new records
(slugs carry a run tag); --seed makes the words repeatable.

Statements and what hangs off them (topic and source links, reactions) are written in
batches of --batch-size statements: with COPY … FROM STDIN, streamed, on PostgreSQL, and
with executemany in the one transaction on SQLite (whose search index triggers fire per
row). Memory stays flat whatever --count is. A progress line goes to stderr. The database's
triggers fill each topic link's copy of its statement (migration 0021) on COPY too, which
makes a run about an eighth longer.

Never run it on a production database: with DEBUG off it refuses unless given --i-know.
"""

from __future__ import annotations

import datetime
import itertools
import random
import secrets
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify

from statements.caching import generation
from statements.models import (
    Affiliation,
    Event,
    Organization,
    Person,
    PublicationState,
    QuoteKind,
    Reaction,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)

from ._phrases import (
    CITIES,
    CONTEXT_LEADS,
    FIRST_NAMES,
    LAST_NAMES,
    OFFICES,
    OUTLET_WORDS,
    PARTIES,
    REACTIONS,
    STATES,
    TOPIC_TREE,
)
from ._progress import Progress
from ._sentences import in_sentence, text_maker, zipf_cum_weights
from ._table_writers import ExecutemanyWriter, PostgresWriter

PUBLISHED = PublicationState.PUBLISHED

EVENT_KINDS = [k for k, _ in Event.Kind.choices]
STANCES = [s for s, _ in Reaction.Stance.choices]
START = datetime.date(2016, 1, 1)
DAYS = (datetime.date(2024, 11, 1) - START).days

# Statements per speaker follow Zipf's law too: the first few people generated say a
# large share of everything (a presidential candidate), most say a few dozen things.
SPEAKER_ZIPF = 1.0

# People, outlets, events and sources are saved as model instances, this many at a time.
MODEL_BATCH = 1000

STATEMENT_COLUMNS = (
    "id state published_at created_at updated_at date_precision date_inferred "
    "date_inference_note speaker_role speaker_name said_on kind text frame context version "
    "event_id speaker_id speaker_party_id"
).split()
TOPIC_LINK_COLUMNS = ["statement_id", "topic_id"]
SOURCE_LINK_COLUMNS = ["statement_id", "source_id", "note"]
REACTION_COLUMNS = (
    "state published_at created_at updated_at respondent_role stance interpretation kind "
    "text channel reacted_on version respondent_id respondent_organization_id source_id "
    "statement_id rating"
).split()


class Command(BaseCommand):
    help = (
        "Bulk-generate COUNT realistic published statements with their people, outlets, "
        "topics, events, sources and reactions (for load tests; never in production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="Statements to create.")
        parser.add_argument("--seed", type=int, default=2020, help="Random seed for the words.")
        parser.add_argument(
            "--batch-size",
            "--batch",
            type=int,
            default=20_000,
            dest="batch_size",
            help="Statements written per round (memory grows with it, not with --count).",
        )
        parser.add_argument(
            "--i-know",
            action="store_true",
            dest="i_know",
            help="Run even though DEBUG is off (never on a production database).",
        )

    def handle(self, *args, count, seed, batch_size, i_know, verbosity=1, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if not settings.DEBUG and not i_know:
            raise CommandError(
                "DEBUG is off, as in production: this command fills the database with "
                "made-up published statements. If this is a test or benchmark database, "
                "pass --i-know."
            )
        started = time.monotonic()
        self.rng = random.Random(seed)
        self.tag = secrets.token_hex(3)  # keeps slugs and URLs unique across runs
        self.batch_size = batch_size
        self.now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                self.writer = PostgresWriter(cursor)
            else:
                self.writer = ExecutemanyWriter(cursor, rows_per_call=batch_size)
            tables = [
                model._meta.db_table
                for model in (Statement, StatementTopic, StatementSource, Reaction)
            ]
            # First, before any row is written (PostgreSQL can't alter a table with checks
            # still pending). Rebuilding the indexes costs about as much as filling them
            # for the rows already there: worth it only when the table at least doubles.
            restore = (
                self.writer.suspend_checks(tables) if count >= self.writer.count(tables[0]) else []
            )
            parties = self._parties()
            outlets = self._outlets(max(8, count // 2500))
            topics = self._topics()
            people = self._people(max(12, count // 250), parties)
            events = self._events(max(10, count // 50))
            sources = self._sources(max(10, count // 20), outlets)
            setup = time.monotonic() - started
            if verbosity >= 1:
                self.stderr.write(
                    f"{len(people):,} people, {len(outlets):,} outlets, {len(events):,} "
                    f"events, {len(sources):,} sources in {setup:.1f} s"
                )
            progress = Progress(count, self.stderr, "statements") if verbosity >= 1 else None
            links, reactions = self._statements(
                count, people, events, topics, sources, progress, restore
            )
            # The rows went in by COPY or executemany, which send no signals: every cached
            # page, fragment, chart and card is made obsolete here (caching/generation.py).
            generation.bump_now_and_on_commit(generation.EVERY_CHART, generation.CARDS)
        loaded = time.monotonic() - started
        # Fresh planner statistics: without them the planner picks poor plans for big tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Generated {count} statements by {len(people)} people at {len(events)} events, "
            f"citing {len(sources)} sources from {len(outlets)} outlets, on {len(topics)} "
            f"topics ({links} topic and source links), with {reactions} reactions in "
            f"{elapsed:.1f} s ({count / loaded:,.0f} statements/s; ANALYZE "
            f"{elapsed - loaded:.1f} s)."
        )

    # -- helpers ----------------------------------------------------------------------

    def _bulk(self, model, objects: Iterable) -> Iterator:
        """Saves in batches, yielding each saved object: never all of them in memory."""
        objects = iter(objects)
        while batch := list(itertools.islice(objects, MODEL_BATCH)):
            yield from model.objects.bulk_create(batch)
            reset_queries()  # with DEBUG on, Django keeps every query's SQL

    def _date(self) -> datetime.date:
        return START + datetime.timedelta(days=self.rng.randrange(DAYS))

    @staticmethod
    def _published_at(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time(12), tzinfo=datetime.UTC
        )

    def _parties(self) -> list[Organization]:
        found = []
        for slug, name in PARTIES:
            party, _ = Organization.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "kind": Organization.Kind.PARTY, "state": PUBLISHED},
            )
            found.append(party)
        return found

    def _outlets(self, n: int) -> list[Organization]:
        def outlets():
            for i in range(n):
                name = f"The {self.rng.choice(CITIES)} {self.rng.choice(OUTLET_WORDS)}"
                yield Organization(
                    name=name,
                    slug=f"{slugify(name)}-{self.tag}-{i}",
                    kind=Organization.Kind.NEWS,
                    state=PUBLISHED,
                )

        return list(self._bulk(Organization, outlets()))

    def _topics(self) -> list[tuple[int, str, list[str]]]:
        """(id, name, phrases) for each topic of TOPIC_TREE, existing or new."""
        topics: dict[str, Topic] = {}
        found = []
        for slug, name, parent, phrases in TOPIC_TREE:
            topic, _ = Topic.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "parent": topics.get(parent) if parent else None,
                    "state": PUBLISHED,
                },
            )
            topics[slug] = topic
            found.append((topic.pk, topic.name, phrases))
        return found

    def _people(self, n: int, parties) -> list[tuple[int, str, int, str, str]]:
        """(id, name, party id, role, state) for each person."""
        details = []

        def people():
            for i in range(n):
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                party = self.rng.choices(parties, weights=[45, 45, 5, 5])[0]
                office, role = self.rng.choice(OFFICES)
                state = self.rng.choice(STATES)
                details.append((party.pk, f"{role}, {state}" if office != "Mayor" else role, state))
                yield Person(
                    name=f"{first} {last}",
                    sort_name=f"{last}, {first}",
                    slug=f"{slugify(first)}-{slugify(last)}-{self.tag}-{i}",
                    summary=f"{party.name.removesuffix(' Party')} {role} in {state}.",
                    state=PUBLISHED,
                    published_at=self._published_at(START),
                )

        found = [
            (person.pk, person.name, *details[i])
            for i, person in enumerate(self._bulk(Person, people()))
        ]
        list(
            self._bulk(
                Affiliation,
                (
                    Affiliation(person_id=pk, organization_id=party, role="member")
                    for pk, _, party, _, _ in found
                ),
            )
        )
        return found

    def _events(self, n: int) -> _Events:
        """Each event's id, day and kind, packed (a few bytes an event)."""
        found = _Events()

        def events():
            for i in range(n):
                kind = self.rng.choice(EVENT_KINDS)
                city = self.rng.choice(CITIES)
                label = Event.Kind(kind).label
                day = self._date()
                name = f"{label} in {city}, {day:%B %d, %Y}"
                yield Event(
                    name=name,
                    slug=f"{slugify(name)}-{self.tag}-{i}",
                    kind=kind,
                    date=day,
                    online=kind in ("post", "interview") and self.rng.random() < 0.5,
                    location="" if kind == "post" else f"{city} Civic Center",
                    state=PUBLISHED,
                    published_at=self._published_at(day),
                )

        for event in self._bulk(Event, events()):
            found.ids.append(event.pk)
            found.days.append((event.date - START).days)
            found.kinds.append(EVENT_KINDS.index(event.kind))
        return found

    def _sources(self, n: int, outlets) -> array:
        def sources():
            for i in range(n):
                outlet = self.rng.choice(outlets)
                day = self._date()
                subject = self.rng.choice(TOPIC_TREE)[3][0]
                yield Source(
                    outlet=outlet,
                    title=f"Candidates clash over {subject} as campaign heats up",
                    url=f"https://news.example.org/{outlet.slug}/{day:%Y/%m/%d}/{self.tag}-{i}",
                    author=f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
                    published_on=day,
                    state=PUBLISHED,
                    published_at=self._published_at(day),
                )

        return array("q", (source.pk for source in self._bulk(Source, sources())))

    # -- statements, their links and reactions ------------------------------------------

    def _statements(self, n, people, events, topics, sources, progress, restore) -> tuple[int, int]:
        writer, rng = self.writer, self.rng
        statement_table = Statement._meta.db_table
        first_id = writer.reserve_ids(statement_table, n)
        now = writer.timestamp(self.now)
        # Everything a row needs from a person, an event or a topic, ready to paste.
        speakers = [
            (pk, party, writer.text(role), writer.text(name), state)
            for pk, name, party, role, state in people
        ]
        speaker_weights = zipf_cum_weights(len(speakers), SPEAKER_ZIPF)
        table = _Tables(
            speakers=speakers,
            events=events,
            # For each day an event can be on: said_on and published_at, ready to paste.
            days=[
                (day.isoformat(), writer.timestamp(self._published_at(day)))
                for day in (START + datetime.timedelta(days=d) for d in range(DAYS))
            ],
            leads=[writer.text(CONTEXT_LEADS.get(kind, "Speaking")) for kind in EVENT_KINDS],
            topics=[(pk, writer.text(in_sentence(name)), phrases) for pk, name, phrases in topics],
            sources=sources,
            now=now,
            text=text_maker(self.rng),
        )
        kinds = [QuoteKind.DIRECT.value, QuoteKind.PARTIAL.value, QuoteKind.PARAPHRASE.value]
        links = reactions = done = 0
        for start in range(0, n, self.batch_size):
            size = min(self.batch_size, n - start)
            batch = _Batch(
                first_id=first_id + start,
                speakers=rng.choices(speakers, cum_weights=speaker_weights, k=size),
                kinds=rng.choices(kinds, weights=[6, 2, 2], k=size),
            )
            rows = self._statement_rows(batch, table, progress, done)
            writer.write(statement_table, STATEMENT_COLUMNS, rows)
            writer.write(StatementTopic._meta.db_table, TOPIC_LINK_COLUMNS, batch.topic_links)
            writer.write(StatementSource._meta.db_table, SOURCE_LINK_COLUMNS, batch.source_links)
            made = self._reaction_rows(batch.reacting, speakers, speaker_weights, sources, now)
            writer.write(Reaction._meta.db_table, REACTION_COLUMNS, made)
            reactions += len(made)
            links += len(batch.topic_links) + len(batch.source_links)
            done += size
            reset_queries()
            if progress:
                progress.update(done)
        if progress:
            progress.finish()
        if restore:
            if progress:
                self.stderr.write("Rebuilding indexes, checking foreign keys…")
            rebuilt = time.monotonic()
            writer.restore_checks(restore)
            if progress:
                self.stderr.write(f"… done in {time.monotonic() - rebuilt:.1f} s")
        return links, reactions

    def _statement_rows(self, batch: _Batch, table: _Tables, progress, done: int) -> Iterator:
        """The batch's statement rows, one at a time; their links and the statements to
        react to are collected in ``batch`` on the way."""
        rng, text, false = self.rng, table.text, self.writer.false
        choice, sample, randrange, random_ = rng.choice, rng.sample, rng.randrange, rng.random
        topics, sources, now = table.topics, table.sources, table.now
        event_ids, event_days, event_kinds = table.events.ids, table.events.days, table.events.kinds
        days, leads = table.days, table.leads
        n_sources, n_events = len(sources), len(event_ids)
        topic_counts = (1, 1, 2, 3)
        topic_links, source_links = batch.topic_links, batch.source_links
        for i, ((speaker, party, role, name, state), kind) in enumerate(
            zip(batch.speakers, batch.kinds, strict=True)
        ):
            pk = batch.first_id + i
            e = randrange(n_events)
            event, (said_on, published_at) = event_ids[e], days[event_days[e]]
            lead = leads[event_kinds[e]]
            chosen = sample(topics, choice(topic_counts))
            words, frame = text(kind, chosen[0][2], state)
            for topic in chosen:
                topic_links.append((pk, topic[0]))
            cited = randrange(n_sources)
            source_links.append((pk, sources[cited], ""))
            if random_() < 0.3 and n_sources > 1:
                other = randrange(n_sources - 1)
                source_links.append((pk, sources[other + (other >= cited)], ""))
            if random_() < 0.1:
                batch.reacting.append((pk, speaker, name, said_on, published_at))
            yield (
                pk,
                PUBLISHED.value,
                published_at,
                now,
                now,
                "day",
                false,
                "",
                role,
                name,
                said_on,
                kind,
                words,
                frame,
                f"{lead} about {chosen[0][1]}.",
                1,
                event,
                speaker,
                party,
            )
            if progress and i % 1000 == 999:
                progress.update(done + i + 1)

    def _reaction_rows(self, reacting, speakers, speaker_weights, sources, now) -> list:
        rng, rows = self.rng, []
        respondents = rng.choices(speakers, cum_weights=speaker_weights, k=len(reacting))
        for (statement, speaker, name, said_on, published_at), respondent in zip(
            reacting, respondents, strict=True
        ):
            respondent_id, party, role = respondent[:3]
            if respondent_id == speaker:
                continue
            stance = rng.choice(STANCES)
            rows.append(
                (
                    PUBLISHED.value,
                    published_at,
                    now,
                    now,
                    role,
                    stance,
                    "a promise to change course" if stance == "interprets" else "",
                    QuoteKind.DIRECT.value,
                    rng.choice(REACTIONS).format(name=name),
                    "statement to reporters",
                    said_on,
                    1,
                    respondent_id,
                    party,
                    sources[rng.randrange(len(sources))],
                    statement,
                    "",  # no rating: a person's reaction, not an outlet's finding
                )
            )
        return rows


@dataclass
class _Events:
    ids: array = field(default_factory=lambda: array("q"))
    days: array = field(default_factory=lambda: array("H"))  # since START
    kinds: array = field(default_factory=lambda: array("B"))  # index in EVENT_KINDS

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class _Tables:
    """What every statement row draws from, prepared once."""

    speakers: list[tuple]
    events: _Events
    days: list[tuple[str, str]]
    leads: list[str]
    topics: list[tuple[int, str, list[str]]]
    sources: array
    now: str
    text: Callable[[str, list[str], str], tuple[str, str]]


@dataclass
class _Batch:
    """One round of statements and what they collect for the next COPYs."""

    first_id: int
    speakers: list[tuple]
    kinds: list[str]
    topic_links: list[tuple[int, int]] = field(default_factory=list)
    source_links: list[tuple[int, int, str]] = field(default_factory=list)
    reacting: list[tuple] = field(default_factory=list)
