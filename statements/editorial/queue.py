"""The review queue: everything waiting for a publisher, grouped by the article it comes
from, oldest first; what each record needs published with it; publishing them together.

Reads here cost a fixed number of queries however long the queue (one per kind of
record, and a few to find each record's article and who submitted it). Publishing goes
through ``workflow.publish(..., with_dependencies=True)``, in one transaction.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from ..models import (
    BackgroundNote,
    EditorialModel,
    Event,
    Organization,
    Person,
    Position,
    Reaction,
    Source,
    StateChange,
    Statement,
    StatementSource,
)
from .dependencies import unpublished_related
from .errors import EditorialRefusal, Record
from .records import DRAFT, PUBLISHED, REVIEW, User, describe, fresh, label
from .workflow import NEEDS_A_SOURCE, publish


def queued_models() -> list[type[EditorialModel]]:
    """Every kind of record with a publication state, in the order an article needs them
    published: what others stand on first."""
    order = [Organization, Person, Event, Source, Statement, Reaction]
    found = [
        model
        for model in apps.get_app_config("statements").get_models()
        if issubclass(model, EditorialModel)
    ]
    return sorted(found, key=lambda m: order.index(m) if m in order else len(order))


@dataclass
class QueueItem:
    record: Any
    submitted_by: Any = None  # the account that submitted it last, if recorded
    submitted_at: datetime.datetime | None = None
    source_id: int | None = None

    @property
    def kind(self) -> str:
        return label(type(self.record))

    @property
    def key(self) -> str:
        return record_key(self.record)


@dataclass
class QueueGroup:
    source: Source | None  # the article; None: records not tied to one
    items: list[QueueItem] = field(default_factory=list)

    @property
    def oldest(self) -> datetime.datetime | None:
        times = [item.submitted_at for item in self.items if item.submitted_at]
        return min(times) if times else None

    @property
    def keys(self) -> list[str]:
        return [item.key for item in self.items]


@dataclass
class Returned:
    """A submission a publisher sent back to draft, with the reason."""

    record: Any
    by: Any
    at: datetime.datetime
    reason: str


def record_key(record: Record) -> str:
    return f"{record._meta.model_name}.{record.pk}"


def records_from_keys(keys: Iterable[str]) -> list[Record]:
    """The records named by ``record_key`` strings (unknown ones left out)."""
    by_model: dict[type[models.Model], list[int]] = defaultdict(list)
    models_by_name = {model._meta.model_name: model for model in queued_models()}
    wanted = []
    for key in keys:
        name, _, pk = key.partition(".")
        if name in models_by_name and pk.isdigit():
            by_model[models_by_name[name]].append(int(pk))
            wanted.append((models_by_name[name], int(pk)))
    found = {
        (model, record.pk): record
        for model, pks in by_model.items()
        for record in model._default_manager.filter(pk__in=pks)
    }
    return [found[item] for item in dict.fromkeys(wanted) if item in found]


# The queue ------------------------------------------------------------------------------


def review_queue(*, submitted_by: User | None = None) -> list[QueueGroup]:
    """Everything in review, grouped by article, the group waiting longest first. With
    ``submitted_by``: only what that account submitted."""
    items: list[QueueItem] = []
    for model in queued_models():
        queryset = model._default_manager.filter(state=REVIEW)
        if model is Source:
            queryset = queryset.select_related("outlet")
        elif model is Reaction:
            queryset = queryset.select_related(
                "respondent", "respondent_organization", "source__outlet"
            )
        elif model is Statement:
            queryset = queryset.select_related("speaker")
        items += [QueueItem(record=record) for record in queryset]
    _attach_submissions(items)
    if submitted_by is not None:
        items = [item for item in items if item.submitted_by == submitted_by]
    _attach_articles(items)
    sources = {
        source.pk: source
        for source in Source.objects.filter(
            pk__in={item.source_id for item in items if item.source_id}
        ).select_related("outlet")
    }
    groups: dict[int | None, QueueGroup] = {}
    for item in items:
        key = item.source_id if item.source_id in sources else None
        groups.setdefault(key, QueueGroup(source=sources.get(key) if key else None))
        groups[key].items.append(item)
    far_future = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    for group in groups.values():
        group.items.sort(key=lambda item: item.submitted_at or far_future)
    return sorted(groups.values(), key=lambda g: (g.source is None, g.oldest or far_future))


def _attach_submissions(items: list[QueueItem]) -> None:
    """Who submitted each record for review last, and when: one query."""
    if not items:
        return
    types = ContentType.objects.get_for_models(*{type(item.record) for item in items})
    changes = (
        StateChange.objects.filter(
            to_state=REVIEW,
            content_type__in=types.values(),
            object_id__in={item.record.pk for item in items},
        )
        .select_related("user")
        .order_by("at", "id")
    )
    latest = {(change.content_type_id, change.object_id): change for change in changes}
    for item in items:
        change = latest.get((types[type(item.record)].pk, item.record.pk))
        if change is not None:
            item.submitted_by, item.submitted_at = change.user, change.at


def _attach_articles(items: list[QueueItem]) -> None:
    """The article each record comes from: a source itself, a reaction's source, a
    statement's first source; an event, a speaker or an outlet through the first
    statement or source that names them (an outlet its sources, a host its events'
    statements). A fixed number of queries."""
    ids: dict[type, set[int]] = defaultdict(set)
    for item in items:
        ids[type(item.record)].add(item.record.pk)
    first: dict[tuple[type, int], int] = {}
    links = StatementSource.objects.order_by("-id")
    for model, lookup in [
        (Statement, "statement_id"),
        (Event, "statement__event_id"),
        (Person, "statement__speaker_id"),
    ]:
        if ids[model]:
            for owner, source_id in links.filter(**{f"{lookup}__in": ids[model]}).values_list(
                lookup, "source_id"
            ):
                first[(model, owner)] = source_id  # newest first: the oldest link wins
    if ids[Organization]:
        hosts = links.filter(statement__event__hosts__in=ids[Organization])
        for host, source_id in hosts.values_list("statement__event__hosts", "source_id"):
            first[(Organization, host)] = source_id
        for outlet, source_id in (
            Source.objects.filter(outlet_id__in=ids[Organization])
            .order_by("-id")
            .values_list("outlet_id", "id")
        ):
            first[(Organization, outlet)] = source_id
    for model in (Position, BackgroundNote):
        if ids[model]:
            through = model.sources.through
            owner = f"{model._meta.model_name}_id"
            for record_id, source_id in (
                through.objects.filter(**{f"{owner}__in": ids[model]})
                .order_by("-id")
                .values_list(owner, "source_id")
            ):
                first[(model, record_id)] = source_id
    for item in items:
        record = item.record
        if isinstance(record, Source):
            item.source_id = record.pk
        elif isinstance(record, Reaction):
            item.source_id = record.source_id
        else:
            item.source_id = first.get((type(record), record.pk))


def returned_to(user: User, *, limit: int = 50) -> list[Returned]:
    """Submissions of ``user``'s that a publisher sent back to draft and that are still
    drafts, newest first, with the reason given."""
    returns = list(
        StateChange.objects.filter(from_state=REVIEW, to_state=DRAFT)
        .exclude(user=user)
        .select_related("user")
        .order_by("-at", "-id")[: limit * 4]
    )
    if not returns:
        return []
    submitted = {
        (change.content_type_id, change.object_id)
        for change in StateChange.objects.filter(
            to_state=REVIEW,
            user=user,
            object_id__in={change.object_id for change in returns},
        )
    }
    wanted = [c for c in returns if (c.content_type_id, c.object_id) in submitted]
    by_type: dict[int, set[int]] = defaultdict(set)
    for change in wanted:
        by_type[change.content_type_id].add(change.object_id)
    records = {}
    for type_id, pks in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for record in model._default_manager.filter(pk__in=pks, state=DRAFT):
            records[(type_id, record.pk)] = record
    found, seen = [], set()
    for change in wanted:
        key = (change.content_type_id, change.object_id)
        if key in records and key not in seen:
            seen.add(key)
            found.append(
                Returned(record=records[key], by=change.user, at=change.at, reason=change.note)
            )
    return found[:limit]


# Publishing with what it needs ---------------------------------------------------------


@dataclass
class Need:
    """A record that must be published for another to be: ``what`` names the relation."""

    record: Any
    what: str
    of: Any

    def describe(self) -> str:
        return f"{self.what} {describe(self.record)}"


@dataclass
class Blocker:
    """Something publishing with dependencies cannot fix: the editor must."""

    record: Any
    problem: str


@dataclass
class PublishPlan:
    records: list[Any]
    needs: list[Need] = field(default_factory=list)
    blockers: list[Blocker] = field(default_factory=list)


def plan_publication(records: Sequence[Record]) -> PublishPlan:
    """What publishing ``records`` with what they need would publish, and what would stop
    it (a record that cites no source, one that fails validation)."""
    plan = PublishPlan(records=list(records))
    seen = {(type(record), record.pk) for record in records}
    queue = list(records)
    while queue:
        record = queue.pop(0)
        for found in unpublished_related(record, with_owned_rows=True):
            key = (type(found.record), found.record.pk)
            if key in seen:
                continue
            seen.add(key)
            plan.needs.append(Need(record=found.record, what=found.what, of=record))
            queue.append(found.record)
    for record in [*plan.records, *(need.record for need in plan.needs)]:
        if record.state == PUBLISHED:
            continue
        if isinstance(record, NEEDS_A_SOURCE) and not record.sources.exists():
            plan.blockers.append(Blocker(record, "cites no source"))
        try:
            record.full_clean(exclude=["speaker_name"] if isinstance(record, Statement) else [])
        except ValidationError as error:
            plan.blockers.append(Blocker(record, " ".join(error.messages)))
    return plan


class PublishRefused(EditorialRefusal):
    """Publishing the records together was refused: nothing was published."""

    def __init__(self, message: str, *, blockers: list[Blocker]):
        super().__init__(message)
        self.blockers = blockers


@transaction.atomic
def publish_together(*, records: Sequence[Record], user: User, note: str = "") -> list[Record]:
    """Publish every record with what it needs, all or nothing."""
    published = []
    for record in records:
        current = fresh(record)
        if current.state == PUBLISHED:
            continue  # published just now, as something another record needed
        try:
            published.append(publish(record=current, user=user, note=note, with_dependencies=True))
        except (EditorialRefusal, ValidationError) as refusal:
            message = (
                refusal.message
                if isinstance(refusal, EditorialRefusal)
                else ("Not saved: " + " ".join(refusal.messages))
            )
            blockers = plan_publication([current]).blockers or [Blocker(current, message)]
            raise PublishRefused(
                f"Nothing was published: {describe(current)} could not be. {message}",
                blockers=blockers,
            ) from None
    return published
