"""The workflow: draft → in review → published → withdrawn, and back to draft.

Publishing is refused while anything the record stands on is not published; every step
is recorded as a StateChange and in the history."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from ..models import (
    BackgroundNote,
    EditorialModel,
    Position,
    Race,
    Reaction,
    Source,
    StateChange,
    Statement,
    Topic,
)
from .errors import TransitionRefused
from .locking import claim_version
from .records import (
    DRAFT,
    PUBLISHED,
    REVIEW,
    STATE_PHRASE,
    WITHDRAWN,
    User,
    describe,
    fresh,
    label,
    save,
    validate,
)
from .rights import PUBLISH, require, rights_for

# What must be published before a record may be: what its public page stands on.
DEPENDENCIES: dict[type[models.Model], tuple[str, ...]] = {
    Statement: ("speaker", "speaker_party", "event", "sources"),
    Reaction: ("statement", "respondent", "respondent_organization", "source"),
    Position: ("person", "topic", "statements", "sources"),
    BackgroundNote: ("sources",),
    Race: ("election",),
    Source: ("outlet",),
    Topic: ("parent",),
}
# Every claim has a source (principle 3): these may not be published without one.
NEEDS_A_SOURCE = (Statement, Position, BackgroundNote)


def unpublished_dependencies(record: models.Model) -> list[str]:
    """What `record` stands on that readers could not see: 'speaker Jon Ossoff is a draft'."""
    problems = []
    for name in DEPENDENCIES.get(type(record), ()):
        field = record._meta.get_field(name)
        if field.many_to_many:
            related = list(getattr(record, name).all())
            what = str(field.related_model._meta.verbose_name)
        else:
            value = getattr(record, name)
            related = [] if value is None else [value]
            what = str(field.verbose_name)
        for obj in related:
            if obj.state != PUBLISHED:
                problems.append(f"{what} {describe(obj)} {STATE_PHRASE[obj.state]}")
    if isinstance(record, NEEDS_A_SOURCE) and not record.sources.exists():
        problems.append("it cites no source")
    return problems


def _transition(
    *,
    record: models.Model,
    user: User,
    to_state: str,
    allowed_from: Iterable[str],
    verb: str,
    note: str = "",
    check: Callable[[models.Model], None] | None = None,
) -> models.Model:
    model = type(record)
    if not isinstance(record, EditorialModel):
        raise TransitionRefused(f"A {label(model)} has no publication state.")
    current = fresh(record)
    if current.state not in allowed_from:
        raise TransitionRefused(
            f"Cannot {verb} {describe(current)}: it {STATE_PHRASE[current.state]}.", field="state"
        )
    if check is not None:
        check(current)
    claim_version(current, record.version)
    from_state = current.state
    current.state = to_state
    if to_state == PUBLISHED:
        current.published_at = timezone.now()
        current.published_by = user
    validate(current)
    reason = {DRAFT: "Returned to draft", REVIEW: "Submitted for review"}.get(
        to_state, to_state.capitalize()
    )
    save(current, user, f"{reason}: {note}"[:100] if note else reason)
    StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=current.pk,
        from_state=from_state,
        to_state=to_state,
        user=user,
        at=current.updated_at,
        note=note,
    )
    for name in ("state", "version", "published_at", "published_by_id", "updated_at"):
        setattr(record, name, getattr(current, name))
    return record


@transaction.atomic
def submit_for_review(*, record: EditorialModel, user: User, note: str = "") -> EditorialModel:
    """Draft → in review. Editors and publishers."""
    require(user, *rights_for("submit for review", type(record)), doing="submit records for review")
    return _transition(
        record=record,
        user=user,
        to_state=REVIEW,
        allowed_from={DRAFT},
        verb="submit for review",
        note=note,
    )


@transaction.atomic
def publish(*, record: EditorialModel, user: User, note: str = "") -> EditorialModel:
    """Draft, in review or withdrawn → published. Publishers only; refused while anything
    the record stands on (speaker, event, sources, …) is not published."""
    require(user, *rights_for("publish", type(record)), doing="publish records")

    def check(current):
        problems = unpublished_dependencies(current)
        if problems:
            raise TransitionRefused("Cannot publish: " + "; ".join(problems) + ".")

    return _transition(
        record=record,
        user=user,
        to_state=PUBLISHED,
        allowed_from={DRAFT, REVIEW, WITHDRAWN},
        verb="publish",
        note=note,
        check=check,
    )


@transaction.atomic
def withdraw(*, record: EditorialModel, user: User, reason: str) -> EditorialModel:
    """Published → withdrawn (unpublished), with the reason. Publishers only."""
    require(user, *rights_for("withdraw", type(record)), doing="withdraw records")
    if not reason.strip():
        raise TransitionRefused("Say why the record is withdrawn.", field="state_note")
    return _transition(
        record=record,
        user=user,
        to_state=WITHDRAWN,
        allowed_from={PUBLISHED},
        verb="withdraw",
        note=reason.strip(),
    )


@transaction.atomic
def return_to_draft(*, record: EditorialModel, user: User, reason: str = "") -> EditorialModel:
    """In review → draft (an editor takes it back, a publisher sends it back), or
    withdrawn → draft (publishers only)."""
    require(user, *rights_for("return to draft", type(record)), doing="return records to draft")
    if fresh(record).state == WITHDRAWN:
        require(user, PUBLISH, doing="return a withdrawn record to draft")
    return _transition(
        record=record,
        user=user,
        to_state=DRAFT,
        allowed_from={REVIEW, WITHDRAWN},
        verb="return to draft",
        note=reason.strip(),
    )


def transition(*, record: EditorialModel, user: User, to_state: str, note: str = ""):
    """The workflow step that leads to `to_state` (for a form's state field)."""
    if to_state == REVIEW:
        return submit_for_review(record=record, user=user, note=note)
    if to_state == PUBLISHED:
        return publish(record=record, user=user, note=note)
    if to_state == WITHDRAWN:
        return withdraw(record=record, user=user, reason=note)
    if to_state == DRAFT:
        return return_to_draft(record=record, user=user, reason=note)
    raise TransitionRefused(f"Unknown state: {to_state!r}.", field="state")
