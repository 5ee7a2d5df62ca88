"""Writing the demo's data modules (ossoff.py, …) to the database, through the editorial
services like any edit.

Every write goes through ``statements.editorial``: records are created as drafts with
``create_record``, changed with ``update_record``, published with ``publish``, and
rows removed with ``delete_record``. So the demo leaves what any edit leaves: history
rows naming the loader account and a reason, a ``StateChange`` for each publication,
``published_by``/``published_at``, and versions raised by the optimistic lock. The
services check the rights and validate; the loader has no rules of its own.

``load_demo()`` is idempotent: records are found by natural key (slugs; for
statements, speaker + event + text), changed only when something differs and published
only when not yet published, so a second run writes nothing, not even ``updated_at``.
``published_at`` is when the demo was first loaded (``publish`` sets it), not a date
of the article's.

A re-run after the data changed (or after someone edited a demo record) brings the
records back to what the data declares. On a published statement or reaction, changing
its words, attribution, date or kind is a correction: the loader records it as a
material one, with CORRECTION_NOTE for readers, because it cannot tell a typo from a
change of meaning.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import models, transaction

from .. import editorial
from ..editorial.rights import model_permission
from ..models import (
    Affiliation,
    BackgroundNote,
    Candidacy,
    CommentRequest,
    DatePrecision,
    EditorialModel,
    Election,
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
from . import debate, ossoff
from .loader_statements import StatementsMixin, declared_events, declared_sources

# The data modules, loaded in this order. Each declares the names listed in load().
DATA_SETS: tuple[ModuleType, ...] = (ossoff, debate)

# Who the demo's history says wrote it: a system account that holds the rights the
# loader's writes need and cannot sign in (no usable password, not staff).
LOADER_USERNAME = "demo-loader"

# Every model the loader writes: it adds, changes, deletes (links) and publishes them.
WRITTEN_MODELS = (
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
    StatementTopic,
    StatementSource,
    Reaction,
    CommentRequest,
    Position,
    BackgroundNote,
)

# The note for readers when a re-run changes the words, attribution, date or kind of a
# published statement or reaction (a material correction: see the module docstring).
CORRECTION_NOTE = "Updated to match the demo data set."

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class LoadReport:
    """What a run found and did: rows per model, and how many were created or changed.

    A row counts as updated when the run changed any of its fields or links, or
    published it again; as unchanged when the run wrote nothing to it."""

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

    def add(self, model: type[models.Model], outcome: str) -> None:
        self.counts[model] += 1
        setattr(self, outcome, getattr(self, outcome) + 1)

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


def loader_rights() -> set[str]:
    """The permissions the loader's writes need, and no others: add, change and delete
    each model it writes, publish, and record corrections (a re-run may correct)."""
    rights = {editorial.PUBLISH, editorial.CORRECT}
    for model in WRITTEN_MODELS:
        rights.update(model_permission(action, model) for action in ("add", "change", "delete"))
    return rights


def loader_account():
    """The account the demo is written as, created on first use, with loader_rights()
    granted to it directly. Not through the Publisher role: roles are rows the
    migrations write, and a flushed database has none, while permissions come back with
    every migrate and flush. With no usable password and no staff flag it never signs in."""
    wanted = loader_rights()
    permissions = [
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in={right.split(".")[0] for right in wanted}
        ).select_related("content_type")
        if f"{permission.content_type.app_label}.{permission.codename}" in wanted
    ]
    if len(permissions) != len(wanted):
        raise RuntimeError("The permissions the demo loader needs are missing: run migrate.")
    user, _ = get_user_model()._default_manager.get_or_create(
        username=LOADER_USERNAME,
        defaults={"password": make_password(None), "is_active": True, "is_staff": False},
    )
    user.user_permissions.add(*permissions)  # writes nothing when it already has them
    return user


class _Loader(StatementsMixin):
    """Loads data modules one after the other. Organizations, people and topics are
    known by slug to every module loaded after the one that declares them; a record
    declared by two modules must be declared the same way in both, except a race: a
    later module may tell more of it (its polling day), so a race takes the fields of
    the last module that declares it, from the first, and each module adds its own
    candidacies."""

    def __init__(self, user, data_sets: Iterable[ModuleType]):
        self.user = user
        self.report = LoadReport()
        self.orgs: dict[str, Organization] = {}
        self.people: dict[str, Person] = {}
        self.topics: dict[str, Topic] = {}
        self.races = {row["slug"]: row for data in data_sets for row in data.RACES}

    def load(self, data: ModuleType):
        """Write one data module. It declares ARTICLE, ARTICLE_BODY (the paragraphs after
        the headline and dateline), SOURCE, ORGANIZATIONS, PEOPLE, AFFILIATIONS,
        AS_REPORTED (the affiliations' note), ELECTION, RACES, EVENT, EVENT_DATE, TOPICS
        (a parent before its children), STATEMENTS with STATEMENT_DEFAULTS, REACTIONS,
        COMMENT_REQUESTS, POSITIONS and BACKGROUND_NOTES, shaped as in ossoff.py. A
        module with several events or sources declares EVENTS and SOURCES instead of
        EVENT, EVENT_DATE and SOURCE, may leave ARTICLE out, and may declare FINDINGS,
        shaped as in debate.py.

        The order is the publishing order: what a record stands on (editorial
        DEPENDENCIES) is published before it, and a statement's sources are linked
        before it is published (NEEDS_A_SOURCE)."""
        self.data = data
        self.statements: dict[str, Statement] = {}  # by the module's own labels (S1…)
        self.load_organizations()
        self.load_people()
        self.load_elections()
        self.load_events_and_sources()
        self.load_topics()
        self.load_statements()
        self.load_reactions_and_requests()
        self.load_retorts()
        self.load_findings()
        self.load_positions_and_notes()

    # -- writing, through the editorial services only --

    def save(
        self,
        model: type[models.Model],
        key: dict,
        values: dict,
        m2m: dict[str, Iterable] | None = None,
    ) -> tuple[models.Model, str]:
        """Find the record by its natural key and create it (a draft, if it has a
        state) or change what differs from `values` and `m2m`. Not yet counted."""
        record = model._default_manager.filter(**key).first()
        if record is None:
            record = model(**key, **values)
            editorial.create_record(record=record, user=self.user, m2m=m2m)
            return record, CREATED
        for name, value in values.items():
            setattr(record, name, value)
        # update_record compares with the stored row and writes nothing if all is equal.
        changed = editorial.update_record(
            record=record,
            user=self.user,
            loaded_version=getattr(record, "version", None),
            m2m=m2m,
            note=CORRECTION_NOTE,
            material=True,
        )
        return record, UPDATED if changed else UNCHANGED

    def publish(self, record: models.Model, outcome: str) -> str:
        """Publish the record unless it is published (or has no state of its own)."""
        if not isinstance(record, EditorialModel) or record.state == PublicationState.PUBLISHED:
            return outcome
        editorial.publish(record=record, user=self.user)
        return UPDATED if outcome == UNCHANGED else outcome

    def put(
        self,
        model: type[models.Model],
        key: dict,
        values: dict,
        m2m: dict[str, Iterable] | None = None,
    ) -> models.Model:
        """Save, publish and count a record that needs nothing linked first."""
        record, outcome = self.save(model, key, values, m2m)
        self.report.add(model, self.publish(record, outcome))
        return record

    def link(self, through, owner: str, obj, target: str, items, values=None):
        """Rows of an explicit through model: exactly ``items``, nothing else."""
        keep = [self.put(through, {owner: obj, target: item}, values or {}).pk for item in items]
        for extra in through._default_manager.filter(**{owner: obj}).exclude(pk__in=keep):
            editorial.delete_record(record=extra, user=self.user)

    # -- one method per family of records --

    def load_organizations(self):
        for row in self.data.ORGANIZATIONS:
            values = {"abbreviation": "", "description": "", **row}
            slug = values.pop("slug")
            self.orgs[slug] = self.put(Organization, {"slug": slug}, values)

    def load_people(self):
        for row in self.data.PEOPLE:
            values = dict(row)
            slug = values.pop("slug")
            self.people[slug] = self.put(Person, {"slug": slug}, values)
        for person, org, role in self.data.AFFILIATIONS:
            key = {
                "person": self.people[person],
                "organization": self.orgs[org],
                "role": role,
                "start_date": None,
            }
            self.put(Affiliation, key, {"end_date": None, "note": self.data.AS_REPORTED})

    def load_elections(self):
        values = dict(self.data.ELECTION)
        slug = values.pop("slug")
        election = self.put(Election, {"slug": slug}, values)
        for row in self.data.RACES:
            slug, candidacies = row["slug"], row["candidacies"]
            values = dict(self.races[slug])  # the last declaration's fields
            del values["slug"], values["candidacies"]
            values["party"] = self.orgs.get(values["party"])
            race = self.put(
                Race,
                {"slug": slug},
                {"election": election, "date_precision": DatePrecision.DAY, **values},
            )
            for person, party, incumbent in candidacies:
                self.put(
                    Candidacy,
                    {"race": race, "person": self.people[person]},
                    {"party": self.orgs[party], "incumbent": incumbent, "result": "pending"},
                )

    def load_events_and_sources(self):
        """The module's events and sources, by its own labels; the first source is the
        article's (reactions, comment requests, positions and notes cite it)."""
        self.events: dict[str, Event] = {}
        for label, row in declared_events(self.data).items():
            values = dict(row)
            slug, hosts = values.pop("slug"), values.pop("hosts")
            self.events[label] = self.put(
                Event,
                {"slug": slug},
                {"location": "", **values},
                m2m={"hosts": [self.orgs[h] for h in hosts]},
            )
        self.sources: dict[str, Source] = {}
        for label, row in declared_sources(self.data).items():
            values = dict(row)
            key = {"outlet": self.orgs[values.pop("outlet")]}
            key.update({name: values.pop(name) for name in ("title", "published_on")})
            self.sources[label] = self.put(Source, key, values)
        self.source = next(iter(self.sources.values()))

    def load_topics(self):
        for slug, name, parent in self.data.TOPICS:
            self.topics[slug] = self.put(
                Topic,
                {"slug": slug},
                {"name": name, "parent": self.topics.get(parent), "description": ""},
            )

    def load_positions_and_notes(self):
        for topic, summary, labels in self.data.POSITIONS:
            # Whose position it is and as of when follow from the statements it rests on.
            statements = [self.statements[s] for s in labels]
            speakers = {s.speaker for s in statements}
            if len(speakers) != 1:
                raise ValueError(f"A position rests on one person's statements: {labels!r}")
            self.put(
                Position,
                {
                    "person": speakers.pop(),
                    "topic": self.topics[topic],
                    "as_of": max(s.said_on for s in statements),
                },
                {"summary": summary},
                m2m={"statements": statements, "sources": [self.source]},
            )
        for row in self.data.BACKGROUND_NOTES:
            values = dict(row)
            title, topics = values.pop("title"), values.pop("topics")
            orgs = values.pop("organizations")
            self.put(
                BackgroundNote,
                {"title": title},
                values,
                m2m={
                    "topics": [self.topics[t] for t in topics],
                    "organizations": [self.orgs[o] for o in orgs],
                    "sources": [self.source],
                },
            )


@transaction.atomic
def load_demo(data_sets: Iterable[ModuleType] | None = None) -> LoadReport:
    """Create or update the demo data set (DATA_SETS, or the modules given, in order), as
    the loader account, through the editorial services. Safe to run any number of times."""
    data_sets = tuple(DATA_SETS if data_sets is None else data_sets)
    loader = _Loader(loader_account(), data_sets)
    for data in data_sets:
        loader.load(data)
    return loader.report
