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
row). Memory stays flat whatever --count is. A progress line goes to stderr.

Never run it on a production database: with DEBUG off it refuses unless given --i-know.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
import secrets
import string
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify

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

from ._vocabulary import ADJECTIVES, DETAILS, NOUNS, PARAPHRASES, PARTIALS, VERBS

PUBLISHED = PublicationState.PUBLISHED

FIRST_NAMES = (
    "Alex Maria James Aisha Daniel Priya Robert Elena Michael Grace Thomas Sofia David "
    "Keisha Samuel Laura Jorge Hannah Patrick Mei Ibrahim Rachel Kevin Olivia Marcus Nadia "
    "William Teresa Jon Fatima Brian Carmen Eric Julia Andre Linda"
).split()
LAST_NAMES = (
    "Johnson Garcia Smith Patel Nguyen Williams Brown Lopez Miller Davis Kim Wilson Moore "
    "Taylor Anderson Thomas Jackson White Harris Martin Thompson Robinson Clark Lewis Walker "
    "Hall Allen Young Hernandez King Wright Scott Green Baker Adams Nelson Carter Mitchell"
).split()
OFFICES = [
    ("U.S. Senate", "candidate, U.S. Senate"),
    ("U.S. House", "candidate, U.S. House"),
    ("Governor", "candidate for governor"),
    ("State Senate", "state senator"),
    ("Mayor", "mayor"),
    ("Attorney General", "candidate for attorney general"),
]
STATES = (
    "Georgia Arizona Pennsylvania Michigan Wisconsin Nevada Ohio Texas Florida Colorado "
    "Virginia Minnesota Iowa Maine"
).split()
PARTIES = [
    ("democratic-party", "Democratic Party"),
    ("republican-party", "Republican Party"),
    ("libertarian-party", "Libertarian Party"),
    ("green-party", "Green Party"),
]
OUTLET_WORDS = (
    "Courier Herald Tribune Ledger Gazette Observer Sentinel Dispatch Chronicle Post "
    "Register Journal Times Record Beacon Monitor"
).split()
CITIES = (
    "Riverton Lakeside Fairview Milton Clayton Georgetown Ashland Oakdale Kingston Salem "
    "Franklin Greenville Springfield Madison Bristol Dover"
).split()

# (slug, name, parent slug, phrases about it)
TOPIC_TREE = [
    ("immigration", "Immigration", None, ["immigration policy", "our immigration system"]),
    ("border-security", "Border security", "immigration", ["securing the border"]),
    ("asylum", "Asylum", "immigration", ["the asylum process", "asylum claims"]),
    ("daca", "DACA", "immigration", ["Dreamers", "the DACA program"]),
    ("economy", "Economy", None, ["the economy", "working families' paychecks"]),
    ("taxes", "Taxes", "economy", ["the tax code", "middle-class tax cuts"]),
    ("jobs", "Jobs", "economy", ["good-paying jobs", "manufacturing jobs"]),
    ("trade", "Trade", "economy", ["trade deals", "tariffs on imports"]),
    ("inflation", "Inflation", "economy", ["rising prices", "the cost of groceries"]),
    ("health-care", "Health care", None, ["health care", "the cost of prescription drugs"]),
    ("medicare", "Medicare", "health-care", ["Medicare", "seniors' benefits"]),
    ("insurance", "Health insurance", "health-care", ["health insurance premiums"]),
    ("education", "Education", None, ["public schools", "our teachers"]),
    ("student-debt", "Student debt", "education", ["student loan debt"]),
    ("climate", "Climate and energy", None, ["climate change", "clean energy"]),
    ("energy", "Energy prices", "climate", ["gas prices", "the energy grid"]),
    ("public-safety", "Public safety", None, ["public safety", "safe neighborhoods"]),
    ("policing", "Policing", "public-safety", ["police funding", "community policing"]),
    ("guns", "Gun policy", "public-safety", ["background checks", "gun violence"]),
    ("elections", "Elections", None, ["voting rights", "election security"]),
    ("foreign-policy", "Foreign policy", None, ["our allies", "national security"]),
    ("housing", "Housing", None, ["affordable housing", "rent"]),
]
OPENERS = [
    "I believe",
    "Let me be clear:",
    "The truth is",
    "Every family in this state knows",
    "We cannot ignore that",
    "My opponent refuses to admit",
    "I have always said",
    "Voters deserve to hear that",
]
CLAIMS = [
    "{p} is broken and Washington has failed to fix it",
    "we need a serious plan for {p}, not more slogans",
    "{p} should be decided by the people of {state}, not by lobbyists",
    "I will fight every day for {p}",
    "{p} has been neglected for far too long",
    "my plan for {p} will save taxpayers money",
    "we can protect {p} without raising taxes",
    "{p} is the number one issue I hear about at every town hall",
]
FOLLOW_UPS = [
    "That is what this campaign is about.",
    "We owe it to our children to get this right.",
    "I will not back down on this.",
    "Nobody should have to choose between paying rent and paying for medicine.",
    "This is not a partisan issue.",
    "The numbers speak for themselves.",
    "",
    "",
]
PARTIAL_WORDS = [
    "a disaster",
    "long overdue",
    "reckless",
    "common sense",
    "un-American",
    "a failure of leadership",
    "a step in the right direction",
    "misguided",
]
REACTIONS = [
    "{name} is telling voters what they want to hear.",
    "I agree with {name}. This is exactly the kind of leadership we need.",
    "What {name} said tonight is simply not true.",
    "{name} has finally admitted what we have been saying for years.",
    "The record shows {name} voted the other way twice.",
]
EVENT_KINDS = [k for k, _ in Event.Kind.choices]
# How a statement's context opens, by the kind of event it was made at.
CONTEXT_LEADS = {
    "town_hall": "Speaking at a town hall",
    "debate": "Speaking at a debate",
    "campaign_stop": "At a campaign stop",
    "interview": "In an interview",
    "news_conference": "At a press conference",
    "speech": "In a speech",
    "press_release": "In a statement",
    "post": "In a social-media post",
    "floor_remarks": "On the floor",
    "other": "Speaking",
}
STANCES = [s for s, _ in Reaction.Stance.choices]
START = datetime.date(2016, 1, 1)
DAYS = (datetime.date(2024, 11, 1) - START).days

# Statements per speaker follow Zipf's law too: the first few people generated say a
# large share of everything (a presidential candidate), most say a few dozen things.
SPEAKER_ZIPF = 1.0
WORD_ZIPF = 1.0

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


def zipf_cum_weights(n: int, exponent: float) -> list[float]:
    """Cumulative weights for ranks 1..n, the rank r weighing 1/r**exponent."""
    return list(itertools.accumulate(1 / rank**exponent for rank in range(1, n + 1)))


def zipf_picker(words: Sequence[str], rng: random.Random) -> Callable[[], str]:
    """A function that draws one of ``words`` (most used first) by Zipf's law."""
    cum = zipf_cum_weights(len(words), WORD_ZIPF)
    total, uniform, find = cum[-1], rng.random, bisect.bisect

    def pick() -> str:
        return words[find(cum, uniform() * total)]

    return pick


def in_sentence(name: str) -> str:
    """A topic's name inside a sentence: "Health care" -> "health care", "DACA" stays."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def template_slots(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


# --- Where rows go: COPY on PostgreSQL, executemany elsewhere ---------------------------

COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """A value for COPY's text format (any tab, newline or backslash escaped)."""
    return value.translate(COPY_ESCAPES)


class IterStream:
    """A read-only file over an iterator of strings: what COPY … FROM STDIN reads."""

    def __init__(self, chunks: Iterable[str]):
        self._chunks = iter(chunks)

    def read(self, size: int = -1) -> str:
        # psycopg2 sends whatever read() returns; an empty string ends the data.
        return next(self._chunks, "")

    readline = read


def copy_chunks(rows: Iterable[Sequence[object]], rows_per_chunk: int = 2000) -> Iterator[str]:
    """Rows as lines of COPY's text format, a few thousand lines at a time. The values
    must already be strings or numbers with nothing to escape (see copy_text)."""
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, rows_per_chunk)):
        yield "".join(["\t".join(map(str, row)) + "\n" for row in chunk])


class PostgresWriter:
    false, null = "f", "\\N"

    def __init__(self, cursor):
        self.cursor = cursor

    def count(self, table: str) -> int:
        self.cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return self.cursor.fetchone()[0]

    def suspend_checks(self, tables: Sequence[str]) -> list[str]:
        """Drops the tables' plain indexes and foreign keys, returning the SQL that puts
        them back: building an index once, and checking a foreign key with one join, is
        several times faster than keeping them up to date row by row (PostgreSQL's
        "Populating a Database"). Primary keys and unique constraints stay. All of it is
        inside the transaction: if anything fails, the rollback restores them."""
        # Checks still pending from earlier in the transaction would block ALTER TABLE:
        # run them now, as Django does before loading fixtures.
        connection.check_constraints()
        restore_indexes, restore_keys = [], []
        for table in tables:
            self.cursor.execute(
                """
                SELECT i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = %s::regclass AND NOT x.indisunique
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
                """,
                [table],
            )
            for name, definition in self.cursor.fetchall():
                self.cursor.execute(f'DROP INDEX "{name}"')
                restore_indexes.append(definition)
            self.cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            for name, definition in self.cursor.fetchall():
                self.cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                restore_keys.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        return restore_indexes + restore_keys

    def restore_checks(self, statements: Sequence[str]) -> None:
        # Room to sort in memory while building the indexes, for this transaction only.
        self.cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for sql in statements:
            self.cursor.execute(sql)

    @staticmethod
    def text(value: str) -> str:
        return copy_text(value)

    @staticmethod
    def timestamp(value: datetime.datetime) -> str:
        return value.isoformat(sep=" ")

    def reserve_ids(self, table: str, n: int) -> int:
        """The first of ``n`` consecutive free ids; the sequence moves past them."""
        self.cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        self.cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = self.cursor.fetchone()
        self.cursor.execute(
            f"SELECT GREATEST(nextval(%s), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}))",
            [sequence],
        )
        (first,) = self.cursor.fetchone()
        self.cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
        return first

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]):
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        raw = self.cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, IterStream(copy_chunks(rows)), size=1 << 16)
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                for chunk in copy_chunks(rows):
                    copy.write(chunk)


class ExecutemanyWriter:
    false, null = 0, None

    def __init__(self, cursor, rows_per_call: int):
        self.cursor = cursor
        self.rows_per_call = rows_per_call

    @staticmethod
    def text(value: str) -> str:
        return value

    @staticmethod
    def timestamp(value: datetime.datetime) -> str:
        # As Django stores an aware datetime on SQLite: UTC, without the offset.
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")

    def count(self, table: str) -> int:
        self.cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return self.cursor.fetchone()[0]

    def suspend_checks(self, tables: Sequence[str]) -> list[str]:
        return []  # SQLite's indexes and foreign keys stay as they are

    def restore_checks(self, statements: Sequence[str]) -> None:
        pass

    def reserve_ids(self, table: str, n: int) -> int:
        # The transaction already holds SQLite's write lock (transaction_mode IMMEDIATE).
        self.cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), "
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0)) + 1",
            [table],
        )
        return self.cursor.fetchone()[0]

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]):
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, self.rows_per_call)):
            self.cursor.executemany(sql, chunk)


# --- Progress on stderr ---------------------------------------------------------------


def format_duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class Progress:
    """done/total, rate and time left: one line redrawn in place on a terminal, a plain
    line every few seconds otherwise (logs, CI)."""

    WIDTH = 24

    def __init__(
        self,
        total: int,
        out: OutputWrapper,
        label: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.total, self.out, self.label, self.clock = total, out, label, clock
        self.tty = out.isatty()
        self.every = 0.25 if self.tty else 5.0
        self.started = self.shown = clock()
        self.done = self.shown_done = 0

    def line(self, done: int, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        left = format_duration((self.total - done) / rate) if rate else "?"
        share = done / self.total if self.total else 1.0
        text = (
            f"{self.label}: {done:,}/{self.total:,} ({share:.0%}), {rate:,.0f}/s, "
            f"ETA {left}, {format_duration(elapsed)} so far"
        )
        if self.tty:
            filled = round(share * self.WIDTH)
            return f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {text}"
        return text

    def update(self, done: int) -> None:
        self.done = done
        now = self.clock()
        if done == self.shown_done:
            return
        if now - self.shown >= self.every or done >= self.total:
            self.shown, self.shown_done = now, done
            if self.tty:
                self.out.write(f"\r\x1b[K{self.line(done, now)}", ending="")
                self.out.flush()
            else:
                self.out.write(self.line(done, now))

    def finish(self) -> None:
        if self.tty:
            self.out.write(f"\r\x1b[K{self.line(self.done, self.clock())}")


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

    def _text_maker(self) -> Callable[[str, list[str], str], tuple[str, str]]:
        """A function (kind, phrases, state) -> (text, frame) for one statement."""
        rng = self.rng
        choice, random_ = rng.choice, rng.random
        pickers = {
            "n": zipf_picker(NOUNS, rng),
            "a": zipf_picker(ADJECTIVES, rng),
            "v": zipf_picker(VERBS, rng),
        }

        def filler(template: str) -> Callable[..., str]:
            slots = [(name, pickers[name[0]]) for name in template_slots(template) if name != "p"]
            fmt = template.format

            def fill(**given: str) -> str:
                return fmt(**given, **{name: pick() for name, pick in slots})

            return fill

        details = [filler(t) for t in DETAILS]
        paraphrases = [filler(t) for t in PARAPHRASES]
        partials = [filler(t) for t in PARTIALS]
        detail_counts = (0, 1, 1, 2)

        def make(kind: str, phrases: list[str], state: str) -> tuple[str, str]:
            if kind == QuoteKind.PARTIAL:
                text = choice(PARTIAL_WORDS) if random_() < 0.5 else choice(partials)()
                return text, f"called {choice(phrases)}"
            if kind == QuoteKind.PARAPHRASE:
                return choice(paraphrases)(p=choice(phrases)), ""
            claim = choice(CLAIMS).format(p=choice(phrases), state=state)
            words = [f"{choice(OPENERS)} {claim}."]
            words += [choice(details)() for _ in range(choice(detail_counts))]
            words.append(choice(FOLLOW_UPS))
            return " ".join(words).strip(), ""

        return make

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
            text=self._text_maker(),
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
