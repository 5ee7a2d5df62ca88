"""Bulk-generate realistic published statements, for load tests and trying out big lists.

    python manage.py generate_statements --count 50000

Creates, in batches, people with a party, news outlets, a tree of topics (reusing any
topic with the same slug, e.g. the demo's "immigration"), events, sources, statements
(direct quotes, partial quotes, paraphrases) on one to three topics each, citing one or
two sources, and reactions to about one statement in ten. Everything is published.
Each run adds new records (slugs carry a run tag); --seed makes the words repeatable.
Never run it on a production database.
"""

import datetime
import random
import secrets
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
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
STANCES = [s for s, _ in Reaction.Stance.choices]
START = datetime.date(2016, 1, 1)
DAYS = (datetime.date(2024, 11, 1) - START).days


class Command(BaseCommand):
    help = (
        "Bulk-generate COUNT realistic published statements with their people, outlets, "
        "topics, events, sources and reactions (for load tests; never in production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="Statements to create.")
        parser.add_argument("--seed", type=int, default=2020, help="Random seed for the words.")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, count, seed, batch_size, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        started = time.monotonic()
        self.rng = random.Random(seed)
        self.tag = secrets.token_hex(3)  # keeps slugs and URLs unique across runs
        self.batch_size = batch_size
        with transaction.atomic():
            parties = self._parties()
            outlets = self._outlets(max(8, count // 2500))
            topics = self._topics()
            people = self._people(max(12, count // 250), parties)
            events = self._events(max(10, count // 50))
            sources = self._sources(max(10, count // 20), outlets)
            statements = self._statements(count, people, events, topics, sources)
            reactions = self._reactions(statements, people, sources)
        # Fresh planner statistics: without them SQLite picks poor plans for big tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Generated {len(statements)} statements by {len(people)} people at "
            f"{len(events)} events, citing {len(sources)} sources from {len(outlets)} outlets, "
            f"on {len(topics)} topics, with {reactions} reactions "
            f"in {time.monotonic() - started:.1f} s."
        )

    # -- helpers ----------------------------------------------------------------------

    def _bulk(self, model, objects):
        return model.objects.bulk_create(objects, batch_size=self.batch_size)

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
        outlets = []
        for i in range(n):
            name = f"The {self.rng.choice(CITIES)} {self.rng.choice(OUTLET_WORDS)}"
            outlets.append(
                Organization(
                    name=name,
                    slug=f"{slugify(name)}-{self.tag}-{i}",
                    kind=Organization.Kind.NEWS,
                    state=PUBLISHED,
                )
            )
        return self._bulk(Organization, outlets)

    def _topics(self) -> list[tuple[Topic, list[str]]]:
        topics: dict[str, Topic] = {}
        found = []
        for slug, name, parent, phrases in TOPIC_TREE:
            topic, _ = Topic.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "parent": topics.get(parent), "state": PUBLISHED},
            )
            topics[slug] = topic
            found.append((topic, phrases))
        return found

    def _people(self, n: int, parties) -> list[tuple[Person, Organization, str]]:
        people, roles = [], []
        for i in range(n):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            party = self.rng.choices(parties, weights=[45, 45, 5, 5])[0]
            office, role = self.rng.choice(OFFICES)
            state = self.rng.choice(STATES)
            people.append(
                Person(
                    name=f"{first} {last}",
                    sort_name=f"{last}, {first}",
                    slug=f"{slugify(first)}-{slugify(last)}-{self.tag}-{i}",
                    summary=f"{party.name.removesuffix(' Party')} {role} in {state}.",
                    state=PUBLISHED,
                    published_at=self._published_at(START),
                )
            )
            roles.append((party, f"{role}, {state}" if office != "Mayor" else role))
        people = self._bulk(Person, people)
        self._bulk(
            Affiliation,
            [
                Affiliation(person=person, organization=party, role="member")
                for person, (party, _) in zip(people, roles, strict=True)
            ],
        )
        return [(person, party, role) for person, (party, role) in zip(people, roles, strict=True)]

    def _events(self, n: int) -> list[Event]:
        events = []
        for i in range(n):
            kind = self.rng.choice(EVENT_KINDS)
            city = self.rng.choice(CITIES)
            label = Event.Kind(kind).label
            day = self._date()
            name = f"{label} in {city}, {day:%B %d, %Y}"
            events.append(
                Event(
                    name=name,
                    slug=f"{slugify(name)}-{self.tag}-{i}",
                    kind=kind,
                    date=day,
                    online=kind in ("post", "interview") and self.rng.random() < 0.5,
                    location="" if kind == "post" else f"{city} Civic Center",
                    state=PUBLISHED,
                    published_at=self._published_at(day),
                )
            )
        return self._bulk(Event, events)

    def _sources(self, n: int, outlets) -> list[Source]:
        sources = []
        for i in range(n):
            outlet = self.rng.choice(outlets)
            day = self._date()
            subject = self.rng.choice(TOPIC_TREE)[3][0]
            title = f"Candidates clash over {subject} as campaign heats up"
            sources.append(
                Source(
                    outlet=outlet,
                    title=title,
                    url=f"https://news.example.org/{outlet.slug}/{day:%Y/%m/%d}/{self.tag}-{i}",
                    author=f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
                    published_on=day,
                    state=PUBLISHED,
                    published_at=self._published_at(day),
                )
            )
        return self._bulk(Source, sources)

    def _words(self, phrases, state) -> str:
        phrase = self.rng.choice(phrases)
        claim = self.rng.choice(CLAIMS).format(p=phrase, state=state)
        text = f"{self.rng.choice(OPENERS)} {claim}."
        follow = self.rng.choice(FOLLOW_UPS)
        return f"{text} {follow}".strip()

    def _statements(self, n, people, events, topics, sources) -> list[Statement]:
        statements, links = [], []
        kinds = [QuoteKind.DIRECT, QuoteKind.PARTIAL, QuoteKind.PARAPHRASE]
        for _ in range(n):
            person, party, role = self.rng.choice(people)
            event = self.rng.choice(events)
            chosen = self.rng.sample(topics, self.rng.choice((1, 1, 2, 3)))
            kind = self.rng.choices(kinds, weights=[6, 2, 2])[0]
            state = role.rsplit(", ", 1)[-1]
            phrases = chosen[0][1]
            if kind == QuoteKind.PARTIAL:
                text, frame = self.rng.choice(PARTIAL_WORDS), f"called {self.rng.choice(phrases)}"
            elif kind == QuoteKind.PARAPHRASE:
                text = f"{self.rng.choice(phrases)} would be a priority in the first year"
                frame = ""
            else:
                text, frame = self._words(phrases, state), ""
            statements.append(
                Statement(
                    speaker=person,
                    speaker_name=person.name,
                    speaker_role=role,
                    speaker_party=party,
                    event=event,
                    said_on=event.date,
                    kind=kind,
                    text=text,
                    frame=frame,
                    context=f"Speaking at the {event.get_kind_display().lower()} about "
                    f"{chosen[0][0].name.lower()}.",
                    state=PUBLISHED,
                    published_at=self._published_at(event.date),
                )
            )
            cited = self.rng.sample(sources, 2 if self.rng.random() < 0.3 else 1)
            links.append(([topic for topic, _ in chosen], cited))
        statements = self._bulk(Statement, statements)
        topic_rows, source_rows = [], []
        for statement, (chosen_topics, chosen_sources) in zip(statements, links, strict=True):
            topic_rows += [StatementTopic(statement=statement, topic=t) for t in chosen_topics]
            source_rows += [StatementSource(statement=statement, source=s) for s in chosen_sources]
        self._bulk(StatementTopic, topic_rows)
        self._bulk(StatementSource, source_rows)
        return statements

    def _reactions(self, statements, people, sources) -> int:
        reactions = []
        for statement in statements:
            if self.rng.random() >= 0.1:
                continue
            respondent, party, role = self.rng.choice(people)
            if respondent.pk == statement.speaker_id:
                continue
            stance = self.rng.choice(STANCES)
            reactions.append(
                Reaction(
                    statement=statement,
                    respondent=respondent,
                    respondent_role=role,
                    respondent_organization=party,
                    stance=stance,
                    interpretation=("a promise to change course" if stance == "interprets" else ""),
                    kind=QuoteKind.DIRECT,
                    text=self.rng.choice(REACTIONS).format(name=statement.speaker_name),
                    channel="statement to reporters",
                    source=self.rng.choice(sources),
                    reacted_on=statement.said_on,
                    state=PUBLISHED,
                    published_at=statement.published_at,
                )
            )
        return len(self._bulk(Reaction, reactions))
