"""The workflow: draft → in review → published → withdrawn, and back to draft.

Publishing is refused while anything the record stands on is not published, and
withdrawing while published records still show it (dependencies.py); every step is
recorded as a StateChange and in the history."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from ..models import (
    BackgroundNote,
    EditorialModel,
    Position,
    StateChange,
    Statement,
)
from .dependencies import dependents, unpublished_related
from .errors import Record, TransitionRefused
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

# Every claim has a source (principle 3): these may not be published without one.
NEEDS_A_SOURCE = (Statement, Position, BackgroundNote)


def publishing_problems(record: Record) -> list[str]:
    """Why ``record`` may not be published yet: 'speaker Jon Ossoff is a draft'."""
    problems = [found.describe() for found in unpublished_related(record, with_owned_rows=True)]
    if isinstance(record, NEEDS_A_SOURCE) and not record.sources.exists():
        problems.append("it cites no source")
    return problems


def _transition(
    *,
    record: Record,
    user: User,
    to_state: str,
    allowed_from: Iterable[str],
    verb: str,
    note: str = "",
    check: Callable[[models.Model], None] | None = None,
) -> Record:
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
    reasons: dict[str, str] = {DRAFT: "Returned to draft", REVIEW: "Submitted for review"}
    reason = reasons.get(to_state, to_state.capitalize())
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
def submit_for_review(*, record: Record, user: User, note: str = "") -> Record:
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
def publish(
    *, record: Record, user: User, note: str = "", with_dependencies: bool = False
) -> Record:
    """Draft, in review or withdrawn → published. Publishers only.

    Refused while anything the record (or a row that belongs to it) points at is not
    published, naming each; with ``with_dependencies`` those are published first, in the
    same transaction ("publish with what it needs")."""
    require(user, *rights_for("publish", type(record)), doing="publish records")
    if with_dependencies:
        _publish_what_it_needs(record, user, note, seen={(type(record), record.pk)})

    def check(current):
        problems = publishing_problems(current)
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


def _publish_what_it_needs(record: Record, user: User, note: str, seen: set) -> None:
    for found in unpublished_related(fresh(record), with_owned_rows=True):
        needed = found.record
        key = (type(needed), needed.pk)
        if key in seen:
            continue
        seen.add(key)
        _publish_what_it_needs(needed, user, note, seen)
        publish(record=fresh(needed), user=user, note=note)


@transaction.atomic
def withdraw(*, record: Record, user: User, reason: str, with_dependents: bool = False) -> Record:
    """Published → withdrawn (unpublished), with the reason. Publishers only.

    Refused while published records still show it (a person's statements, an outlet's
    sources, the statements filed under a topic), naming them; with ``with_dependents``
    those are withdrawn first, with the same reason."""
    require(user, *rights_for("withdraw", type(record)), doing="withdraw records")
    if not reason.strip():
        raise TransitionRefused("Say why the record is withdrawn.", field="state_note")
    showing = dependents(record)
    if showing and not with_dependents:
        listed = "; ".join(f"{label(type(d))} {describe(d)}" for d in showing[:10])
        more = f" and {len(showing) - 10} more" if len(showing) > 10 else ""
        raise TransitionRefused(
            f"Cannot withdraw {describe(record)}: published records still show it: "
            f"{listed}{more}. Withdraw them too, or change them first."
        )
    for dependent in showing:
        withdraw(record=fresh(dependent), user=user, reason=reason, with_dependents=True)
    return _transition(
        record=record,
        user=user,
        to_state=WITHDRAWN,
        allowed_from={PUBLISHED},
        verb="withdraw",
        note=reason.strip(),
    )


@transaction.atomic
def return_to_draft(*, record: Record, user: User, reason: str = "") -> Record:
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


def transition(*, record: Record, user: User, to_state: str, note: str = ""):
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
