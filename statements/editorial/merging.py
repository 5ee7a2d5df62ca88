"""Merging duplicate people, organizations or topics into one, in one transaction."""

from __future__ import annotations

import dataclasses

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError

from ..caching import charts
from ..models import (
    Organization,
    Person,
    SlugRedirect,
    Topic,
)
from .errors import MergeRefused, Record
from .locking import claim_version
from .records import (
    PUBLISHED,
    STATE_PHRASE,
    User,
    content_fields,
    describe,
    forget_slug_redirect,
    fresh,
    is_versioned,
    record_slug_redirect,
    save,
    stamp,
    validate,
)
from .rights import require, rights_for

MERGEABLE = (Person, Organization, Topic)


@dataclasses.dataclass
class MergeReport:
    moved: dict[str, int] = dataclasses.field(default_factory=dict)
    combined: dict[str, int] = dataclasses.field(default_factory=dict)

    def count(self, kind: dict[str, int], model) -> None:
        name = str(model._meta.verbose_name_plural)
        kind[name] = kind.get(name, 0) + 1

    def summary(self) -> str:
        parts = [f"{n} {name}" for name, n in sorted(self.moved.items())]
        combined = [f"{n} {name}" for name, n in sorted(self.combined.items())]
        text = "moved " + (", ".join(parts) if parts else "nothing")
        if combined:
            text += "; combined duplicates among " + ", ".join(combined)
        return text


def _unique_sets(model: type[models.Model]) -> list[tuple[str, ...]]:
    opts = model._meta
    sets = [tuple(constraint.fields) for constraint in opts.total_unique_constraints]
    sets += [tuple(fields) for fields in opts.unique_together]
    sets += [
        (field.name,) for field in opts.concrete_fields if field.unique and not field.primary_key
    ]
    return sets


def _clash(row: Record, field_name: str) -> Record | None:
    """Another row that `row` would duplicate (a unique constraint over `field_name`).
    Empty values count as equal: two affiliations without a start date are the same."""
    model = type(row)
    for fields in _unique_sets(model):
        if field_name not in fields:
            continue
        lookup = {}
        for name in fields:
            field = model._meta.get_field(name)
            value = getattr(row, field.attname)
            lookup[f"{field.attname}__isnull" if value is None else field.attname] = (
                True if value is None else value
            )
        other = model._default_manager.filter(**lookup).exclude(pk=row.pk).first()
        if other is not None:
            return other
    return None


def _save_moved(row: Record, user: User, reason: str) -> None:
    try:
        validate(row)
    except ValidationError as error:
        raise MergeRefused(
            f"Cannot merge: {type(row)._meta.verbose_name} {describe(row)}: "
            + "; ".join(error.messages)
        ) from None
    if is_versioned(type(row)):
        claim_version(row, row.version)
    save(row, user, reason)


def _absorb(kept: Record, dropped: Record, user: User, reason: str) -> None:
    """Two rows became one: fill what `kept` lacks from `dropped`, then delete `dropped`."""
    for field in content_fields(type(kept)):
        mine, theirs = getattr(kept, field.attname), getattr(dropped, field.attname)
        if isinstance(field, models.BooleanField):
            setattr(kept, field.attname, mine or theirs)  # incumbent, repeated: either says so
        elif mine in field.empty_values and theirs not in field.empty_values:
            setattr(kept, field.attname, theirs)
    stamp(kept, user, reason)
    for field in kept._meta.many_to_many:
        if field.remote_field.through._meta.auto_created:
            getattr(kept, field.name).add(*getattr(dropped, field.name).all())
    _save_moved(kept, user, reason)
    # Rows that point at the dropped row point at the kept one (a statement's candidacy:
    # the duplicate's statements are then moved, and saved with history, by merge()).
    for relation in dropped._meta.related_objects:
        if not relation.many_to_many:
            relation.related_model._base_manager.filter(**{relation.field.name: dropped}).update(
                **{relation.field.name: kept}
            )
    stamp(dropped, user, reason)
    try:
        dropped.delete()
    except ProtectedError as error:
        raise MergeRefused(
            f"Cannot merge: {describe(dropped)} is still used by {error.protected_objects}"
        ) from None


@transaction.atomic
def merge(*, survivor: Record, duplicate: Record, user: User) -> MergeReport:
    """Merge `duplicate` into `survivor` (two people, organizations or topics), in one
    transaction: every row that points at the duplicate (found through
    `_meta.related_objects`, so nothing is missed) is moved to the survivor; rows that
    would then be duplicates of the survivor's own (the same affiliation, the same topic
    twice on a statement) are combined; the duplicate's slug redirects to the survivor;
    the duplicate is deleted (its history stays)."""
    model = type(survivor)
    if model not in MERGEABLE or type(duplicate) is not model:
        raise MergeRefused("Only two people, two organizations or two topics can be merged.")
    require(user, *rights_for("merge", model), doing=f"merge {model._meta.verbose_name_plural}")
    if survivor.pk == duplicate.pk:
        raise MergeRefused("Choose two different records to merge.")
    locked = {
        obj.pk: obj
        for obj in model._default_manager.select_for_update()
        .filter(pk__in=[survivor.pk, duplicate.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise MergeRefused("One of the records no longer exists.")
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if duplicate.state == PUBLISHED and survivor.state != PUBLISHED:
        raise MergeRefused(
            f"Cannot merge: {describe(duplicate)} is published but {describe(survivor)} "
            f"{STATE_PHRASE[survivor.state]}; its address would lead nowhere. Publish "
            f"{describe(survivor)} first, or keep the other one."
        )
    reason = f"Merged {model._meta.verbose_name} #{duplicate.pk} into #{survivor.pk}"
    report = MergeReport()
    # Rows are moved below with update(), which sends no signals: whose charts count
    # them is not worked out row by row.
    charts.every_chart_changes()

    if model is Topic and survivor.pk in Topic.objects.descendant_ids([duplicate.pk]):
        # The survivor sits below the duplicate: lift it into the duplicate's place first,
        # so that moving the duplicate's children under it cannot make a loop.
        survivor.parent_id = duplicate.parent_id
        _save_moved(survivor, user, reason)

    for relation in model._meta.related_objects:
        if relation.many_to_many:
            if not relation.through._meta.auto_created:
                continue  # an explicit through model: its foreign key is a relation below
            name = relation.field.name
            for owner in relation.related_model._default_manager.filter(**{name: duplicate}):
                stamp(owner, user, reason)
                getattr(owner, name).remove(duplicate)
                getattr(owner, name).add(survivor)
                report.count(report.moved, relation.related_model)
            continue
        field = relation.field
        for row in relation.related_model._default_manager.filter(**{field.name: duplicate}):
            setattr(row, field.name, survivor)
            other = _clash(row, field.name)
            if other is not None:
                _absorb(other, row, user, reason)
                report.count(report.combined, relation.related_model)
            else:
                _save_moved(row, user, reason)
                report.count(report.moved, relation.related_model)

    for relation in model._meta.related_objects:
        name = relation.field.name
        if relation.related_model._default_manager.filter(**{name: duplicate}).exists():
            what = relation.related_model._meta.verbose_name_plural
            raise MergeRefused(f"Cannot merge: some {what} still point at {describe(duplicate)}.")

    content_type = ContentType.objects.get_for_model(model)
    SlugRedirect.objects.filter(content_type=content_type, target_id=duplicate.pk).update(
        target_id=survivor.pk
    )
    record_slug_redirect(model, duplicate.slug, survivor.pk, user)
    forget_slug_redirect(model, survivor.slug)

    stamp(duplicate, user, reason)
    try:
        duplicate.delete()
    except ProtectedError as error:
        raise MergeRefused(
            f"Cannot merge: {describe(duplicate)} is still used by {list(error.protected_objects)}."
        ) from None

    survivor = fresh(survivor)
    claim_version(survivor, survivor.version)
    save(survivor, user, f"{reason}: {report.summary()}"[:100])
    return report
