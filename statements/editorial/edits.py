"""Creating, changing and deleting records, with the rights, the lock, the one-time form
token and the correction rules applied."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from ..models import (
    Correction,
    EditorialModel,
    Reaction,
    Statement,
    SubmissionToken,
)
from . import corrections
from .dependencies import unpublished_related
from .errors import (
    CorrectionNeeded,
    DuplicateSubmission,
    Record,
    TransitionRefused,
    UnpublishedDependency,
)
from .locking import claim_version
from .records import (
    DRAFT,
    SYSTEM_FIELDS,
    User,
    content_fields,
    forget_slug_redirect,
    fresh,
    is_live,
    is_versioned,
    label,
    m2m_changes,
    record_slug_redirect,
    save,
    set_m2m,
    stamp,
    validate,
)
from .rights import CORRECT, PUBLISH, model_permission, require


@transaction.atomic
def create_record(
    *,
    record: Record,
    user: User,
    token: uuid.UUID | None = None,
    m2m: dict[str, Iterable] | None = None,
) -> Record:
    """Save a new record, as a draft. `token` (a one-time form token) makes a second
    submission of the same form raise DuplicateSubmission instead of creating a copy."""
    model = type(record)
    require(user, model_permission("add", model), doing=f"add {model._meta.verbose_name_plural}")
    if isinstance(record, EditorialModel) and record.state != DRAFT:
        raise TransitionRefused(
            f"A new {label(model)} starts as a draft: save it, then submit it for review "
            "or publish it.",
            field="state",
        )
    if is_live(record):
        require(user, PUBLISH, doing=f"add a {label(model)} to a published record")
        refuse_unpublished(record, m2m)
    claim = claim_token(token, user, model) if token is not None else None
    validate(record)
    if is_versioned(model):
        record.version = 1
    save(record, user, "Created")
    set_m2m(record, m2m)
    if "slug" in {field.name for field in model._meta.concrete_fields}:
        forget_slug_redirect(model, record.slug)
    if claim is not None:
        claim.object_id = record.pk
        claim.save(update_fields=["object_id"])
    return record


def submitted_record(*, token: str | uuid.UUID, user: User, model) -> Record | None:
    """The record an earlier submission of the form with this token created, if any (so
    that a repeated submission can be answered before the form is even validated)."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    earlier = SubmissionToken.objects.filter(
        token=token, user_id=user.pk, content_type=ContentType.objects.get_for_model(model)
    ).first()
    if earlier is None or earlier.object_id is None:
        return None
    return model._default_manager.filter(pk=earlier.object_id).first()


def claim_token(token: uuid.UUID, user: User, model) -> SubmissionToken:
    """Claim a one-time form token for a record of ``model`` (set its object_id once the
    record exists); a second claim raises DuplicateSubmission with the first one's."""
    content_type = ContentType.objects.get_for_model(model)
    try:
        with transaction.atomic():
            return SubmissionToken.objects.create(token=token, user=user, content_type=content_type)
    except IntegrityError:
        earlier = SubmissionToken.objects.filter(token=token).first()
        record = None
        if earlier and earlier.user_id == user.pk and earlier.content_type_id == content_type.pk:
            record = model._default_manager.filter(pk=earlier.object_id).first()
        raise DuplicateSubmission(
            f"This form was already submitted: the {label(model)} it created was not created "
            "a second time.",
            record=record,
        ) from None


def refuse_unpublished(record: Record, m2m: dict[str, Iterable] | None) -> None:
    """Readers see this record: it may point only at published records."""
    found = unpublished_related(record, m2m)
    if found:
        raise UnpublishedDependency(
            f"Readers see this {label(type(record))}, so it can only point at published "
            f"records: {'; '.join(item.describe() for item in found)}. Publish "
            f"{'it' if len(found) == 1 else 'them'} first, or choose a published one.",
            field=found[0].field,
        )


@transaction.atomic
def update_record(
    *,
    record: Record,
    user: User,
    loaded_version: int | None,
    m2m: dict[str, Iterable] | None = None,
    note: str = "",
    material: bool = True,
    related_changed: str = "",
    reason: str = "",
) -> list[str]:
    """Save the editor's changes to `record` if nobody saved it since `loaded_version`.

    Returns the names of the fields that changed ([] when nothing did: then nothing is
    written). The state is not changed here: use the workflow functions below.
    `related_changed` names rows saved with the record (a form's inlines): the record's
    version is raised for them too, so that two editors' inline changes cannot cross.
    On a published statement or reaction, changing what CORRECTABLE lists is a
    correction: it needs the right to record corrections and, if material, a `note`.
    """
    model = type(record)
    current = fresh(record)
    if isinstance(record, EditorialModel) and record.state != current.state:
        raise TransitionRefused(
            "The state changes only by submitting for review, publishing, withdrawing or "
            "returning to draft.",
            field="state",
        )
    changed = [
        field.name
        for field in content_fields(model)
        if getattr(record, field.attname) != getattr(current, field.attname)
    ] + m2m_changes(current, m2m)
    if not changed and not related_changed:
        return []
    require(
        user, model_permission("change", model), doing=f"change {model._meta.verbose_name_plural}"
    )
    claim_version(record, loaded_version)

    corrected = sorted(set(changed) & corrections.CORRECTABLE.get(model, frozenset()))
    live = is_live(current) or is_live(record)
    if live:
        require(user, PUBLISH, doing=f"change a published {label(model)}")
        refuse_unpublished(record, m2m)
        if corrected:
            require(user, CORRECT, doing=f"correct a published {label(model)}")
            if material and not note.strip():
                raise CorrectionNeeded(
                    f"This {label(model)} is published: changing its "
                    f"{', '.join(str(model._meta.get_field(n).verbose_name) for n in corrected)} "
                    "is a correction. Write a correction note for readers, or tick "
                    "'not material' for a typo.",
                    field="correction_note",
                )

    for name in SYSTEM_FIELDS - {"version"}:
        if hasattr(current, name):
            field = model._meta.get_field(name)
            setattr(record, field.attname, getattr(current, field.attname))
    validate(record)
    if not reason:
        names = [str(model._meta.get_field(n).verbose_name) for n in changed]
        reason = "Changed " + ", ".join(names or [related_changed])
        if live and corrected:
            reason = ("Correction: " if material else "Typo fix: ") + (note.strip() or reason)
    save(record, user, reason[:100])
    set_m2m(record, {name: values for name, values in (m2m or {}).items() if name in changed})

    if "slug" in changed:
        record_slug_redirect(model, current.slug, record.pk, user)
        forget_slug_redirect(model, record.slug)
    if live and corrected:
        Correction.objects.create(
            statement=record if model is Statement else record.statement,
            reaction=record if model is Reaction else None,
            note=note.strip(),
            material=material,
            fields=corrected,
            record_version=getattr(record, "version", 1),
            created_by=user,
        )
    return changed


@transaction.atomic
def delete_record(*, record: Record, user: User) -> None:
    model = type(record)
    require(
        user, model_permission("delete", model), doing=f"delete {model._meta.verbose_name_plural}"
    )
    if is_live(fresh(record)):
        require(user, PUBLISH, doing=f"delete a published {label(model)}")
    stamp(record, user, "Deleted")
    record.delete()
