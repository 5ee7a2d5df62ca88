"""Writing the demo's data modules (ossoff.py, …) to the database.

``load_demo()`` is idempotent: records are found by natural key (slugs; for
statements, speaker + event + text) and written only when something differs, so a
second run changes nothing, not even ``updated_at``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from types import ModuleType

from django.db import models, transaction

from ..models import (
    Affiliation,
    BackgroundNote,
    Candidacy,
    CommentRequest,
    DatePrecision,
    Election,
    Event,
    Organization,
    Person,
    Position,
    PublicationState,
    QuoteKind,
    Race,
    Reaction,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)
from . import ossoff

# The data modules, loaded in this order. Each declares the names listed in load().
DATA_SETS: tuple[ModuleType, ...] = (ossoff,)


@dataclass
class LoadReport:
    """What a run found and did: rows per model, and how many were created or changed."""

    counts: Counter = field(default_factory=Counter)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    SUMMARY_MODELS = (
        Organization,
        Person,
        Affiliation,
        Election,
        Race,
        Candidacy,
        Event,
        Source,
        Topic,
        Statement,
        Reaction,
        CommentRequest,
        Position,
        BackgroundNote,
    )

    def summary(self) -> str:
        parts = []
        for model in self.SUMMARY_MODELS:
            n = self.counts[model]
            name = model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural
            parts.append(f"{n} {name}")
        return (
            f"Demo data: {', '.join(parts)} "
            f"({self.created} created, {self.updated} updated, {self.unchanged} unchanged)."
        )


class _Loader:
    """Loads data modules one after the other. Organizations, people and topics are
    known by slug to every module loaded after the one that declares them; a record
    declared by two modules must be declared the same way in both."""

    def __init__(self):
        self.report = LoadReport()
        self.orgs: dict[str, Organization] = {}
        self.people: dict[str, Person] = {}
        self.topics: dict[str, Topic] = {}

    def load(self, data: ModuleType):
        """Write one data module. It declares ARTICLE, ARTICLE_BODY (the paragraphs after
        the headline and dateline), SOURCE, ORGANIZATIONS, PEOPLE, AFFILIATIONS,
        AS_REPORTED (the affiliations' note), ELECTION, RACES, EVENT, EVENT_DATE, TOPICS,
        STATEMENTS with STATEMENT_DEFAULTS, REACTIONS, COMMENT_REQUESTS, POSITIONS and
        BACKGROUND_NOTES, shaped as in ossoff.py."""
        self.data = data
        self.statements: dict[str, Statement] = {}  # by the module's own labels (S1…)
        self.load_organizations()
        self.load_people()
        self.load_elections()
        self.load_event_and_source()
        self.load_topics()
        self.load_statements()
        self.load_reactions_and_requests()
        self.load_positions_and_notes()

    # -- the one write path: find by natural key, validate, save only what differs --

    def upsert(self, model: type[models.Model], key: dict, values: dict) -> models.Model:
        """Like ``update_or_create(**key, defaults=values)``, but calls ``full_clean()``
        and saves only when a value differs, so that unchanged rows (and their
        ``updated_at``) are left alone."""
        try:
            obj, created = model._default_manager.get(**key), False
        except model.DoesNotExist:
            obj, created = model(**key), True
        changed = created
        for name, value in values.items():
            f = model._meta.get_field(name)
            if f.many_to_one:
                current, wanted = getattr(obj, f.attname), getattr(value, "pk", None)
            else:
                current, wanted = getattr(obj, name), value
            if current != wanted:
                setattr(obj, name, value)
                changed = True
        if changed:
            # Fields the model fills in itself on save (e.g. Statement.speaker_name) are
            # not ours to set; everything else is validated.
            derived = [
                f.name
                for f in model._meta.concrete_fields
                if not f.editable and getattr(obj, f.attname) in f.empty_values
            ]
            obj.full_clean(exclude=derived)
            obj.save()
        self.report.counts[model] += 1
        if created:
            self.report.created += 1
        elif changed:
            self.report.updated += 1
        else:
            self.report.unchanged += 1
        return obj

    def link(self, through, owner: str, obj, target: str, items, values=None):
        """Rows of an explicit through model: exactly ``items``, nothing else."""
        keep = [self.upsert(through, {owner: obj, target: item}, values or {}).pk for item in items]
        through._default_manager.filter(**{owner: obj}).exclude(pk__in=keep).delete()

    @staticmethod
    def published(**values) -> dict:
        return {"state": PublicationState.PUBLISHED, "published_at": ossoff.PUBLISHED_AT, **values}

    # -- one method per family of records --

    def load_organizations(self):
        for row in self.data.ORGANIZATIONS:
            values = {"abbreviation": "", "description": "", **row}
            slug = values.pop("slug")
            self.orgs[slug] = self.upsert(Organization, {"slug": slug}, self.published(**values))

    def load_people(self):
        for row in self.data.PEOPLE:
            values = dict(row)
            slug = values.pop("slug")
            self.people[slug] = self.upsert(Person, {"slug": slug}, self.published(**values))
        for person, org, role in self.data.AFFILIATIONS:
            key = {
                "person": self.people[person],
                "organization": self.orgs[org],
                "role": role,
                "start_date": None,
            }
            self.upsert(Affiliation, key, {"end_date": None, "note": self.data.AS_REPORTED})

    def load_elections(self):
        values = dict(self.data.ELECTION)
        slug = values.pop("slug")
        election = self.upsert(Election, {"slug": slug}, self.published(**values))
        for row in self.data.RACES:
            values = dict(row)
            slug, candidacies = values.pop("slug"), values.pop("candidacies")
            values["party"] = self.orgs.get(values["party"])
            race = self.upsert(
                Race,
                {"slug": slug},
                self.published(election=election, date_precision=DatePrecision.DAY, **values),
            )
            for person, party, incumbent in candidacies:
                self.upsert(
                    Candidacy,
                    {"race": race, "person": self.people[person]},
                    {"party": self.orgs[party], "incumbent": incumbent, "result": "pending"},
                )

    def load_event_and_source(self):
        values = dict(self.data.EVENT)
        slug, hosts = values.pop("slug"), values.pop("hosts")
        self.event = self.upsert(
            Event,
            {"slug": slug},
            self.published(**{"location": "", **self.data.EVENT_DATE, **values}),
        )
        self.event.hosts.set([self.orgs[h] for h in hosts])
        values = dict(self.data.SOURCE)
        key = {"outlet": self.orgs[values.pop("outlet")]}
        key.update({name: values.pop(name) for name in ("title", "published_on")})
        self.source = self.upsert(Source, key, self.published(**values))

    def load_topics(self):
        for slug, name, parent in self.data.TOPICS:
            self.topics[slug] = self.upsert(
                Topic,
                {"slug": slug},
                self.published(name=name, parent=self.topics.get(parent), description=""),
            )

    def load_statements(self):
        defaults, when = self.data.STATEMENT_DEFAULTS, dict(self.data.EVENT_DATE)
        when["said_on"] = when.pop("date")
        for label, row in self.data.STATEMENTS.items():
            self.check_in_article(row["text"], quoted=row["kind"] != QuoteKind.PARAPHRASE)
            key = {
                "speaker": self.people[defaults["speaker"]],
                "event": self.event,
                "text": row["text"],
            }
            statement = self.upsert(
                Statement,
                key,
                self.published(
                    speaker_role=defaults["speaker_role"],
                    speaker_party=self.orgs[defaults["speaker_party"]],
                    **when,
                    kind=row["kind"],
                    frame=row.get("frame", ""),
                    context=row["context"],
                ),
            )
            self.statements[label] = statement
            topics = [self.topics[t] for t in row["topics"]]
            self.link(StatementTopic, "statement", statement, "topic", topics)
            where = {"note": self.paragraph(row["text"])}
            self.link(StatementSource, "statement", statement, "source", [self.source], where)

    def load_reactions_and_requests(self):
        for row in self.data.REACTIONS:
            for fragment in row["fragments"]:
                self.check_in_article(fragment, quoted=True)
            self.check_in_article(row["interpretation"], quoted=False)
            self.upsert(
                Reaction,
                {
                    "statement": self.statements[row["statement"]],
                    "respondent": self.people[row["respondent"]],
                    "source": self.source,
                },
                self.published(
                    respondent_role=row["respondent_role"],
                    respondent_organization=self.orgs[row["respondent_organization"]],
                    stance=row["stance"],
                    interpretation=row["interpretation"],
                    kind=QuoteKind.DIRECT,
                    text="\n\n".join(row["fragments"]),
                    channel=row["channel"],
                    reacted_on=None,
                ),
            )
        for row in self.data.COMMENT_REQUESTS:
            values = dict(row)
            key = {
                "statement": self.statements[values.pop("statement")],
                "asked_organization": self.orgs[values.pop("asked_organization")],
                "requested_by": self.orgs[values.pop("requested_by")],
                "source": self.source,
            }
            self.upsert(CommentRequest, key, {"asked_person": None, "response": "", **values})

    def load_positions_and_notes(self):
        for topic, summary, labels in self.data.POSITIONS:
            # Whose position it is and as of when follow from the statements it rests on.
            statements = [self.statements[s] for s in labels]
            speakers = {s.speaker for s in statements}
            if len(speakers) != 1:
                raise ValueError(f"A position rests on one person's statements: {labels!r}")
            position = self.upsert(
                Position,
                {
                    "person": speakers.pop(),
                    "topic": self.topics[topic],
                    "as_of": max(s.said_on for s in statements),
                },
                self.published(summary=summary),
            )
            position.statements.set(statements)
            position.sources.set([self.source])
        for row in self.data.BACKGROUND_NOTES:
            values = dict(row)
            title, topics = values.pop("title"), values.pop("topics")
            orgs = values.pop("organizations")
            note = self.upsert(BackgroundNote, {"title": title}, self.published(**values))
            note.topics.set([self.topics[t] for t in topics])
            note.organizations.set([self.orgs[o] for o in orgs])
            note.sources.set([self.source])

    # -- guards against a slip in the data: quotes must be the article's own words --

    def check_in_article(self, text: str, *, quoted: bool):
        if text not in self.data.ARTICLE:
            raise ValueError(f"Not in the article, byte for byte: {text!r}")
        if quoted and f'"{text}' not in self.data.ARTICLE:
            raise ValueError(f"Not at the start of a quotation in the article: {text!r}")

    def paragraph(self, text: str) -> str:
        for number, paragraph in enumerate(self.data.ARTICLE_BODY, start=1):
            if text in paragraph:
                return f"paragraph {number} after the dateline"
        raise ValueError(f"Not in the article: {text!r}")


@transaction.atomic
def load_demo() -> LoadReport:
    """Create or update the demo data set. Safe to run any number of times."""
    loader = _Loader()
    for data in DATA_SETS:
        loader.load(data)
    return loader.report
