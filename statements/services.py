"""Every editorial write: create, edit, submit, publish, withdraw, correct, revert, merge.

The admin, management commands and anything else that changes records call these
functions; they are the authority on who may do what. Each one:

- checks the user's rights itself (hiding a button is not enough);
- runs in one transaction, validates with ``full_clean()`` before saving;
- records who did it and when: the history row (django-simple-history) carries the
  user and a change reason; state changes also get a ``StateChange`` row and
  ``published_by``/``published_at``; corrections a ``Correction`` row;
- raises an ``EditorialRefusal`` (with a message written for the editor) instead of
  writing anything it should not.

Optimistic locking: every versioned record carries a ``version``. An update names the
version it was loaded at, and the write is ``UPDATE … WHERE pk = … AND version = loaded``
(raising the version by one); if no row matches, someone else saved first and the
update is refused with what they changed (``EditConflict``). Nothing is overwritten
silently.

Rights (see migrations 0003 and 0006): editors add and change drafts and submit them for
review; publishers also publish, withdraw, return to draft, correct published records,
revert to earlier versions and merge duplicates; administrators hold every right.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Callable, Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone

from .models import (
    BackgroundNote,
    Correction,
    EditorialModel,
    Organization,
    Person,
    Position,
    PublicationState,
    Race,
    Reaction,
    SlugRedirect,
    Source,
    StateChange,
    Statement,
    SubmissionToken,
    Topic,
)

User = AbstractBaseUser | AnonymousUser

DRAFT = PublicationState.DRAFT
REVIEW = PublicationState.REVIEW
PUBLISHED = PublicationState.PUBLISHED
WITHDRAWN = PublicationState.WITHDRAWN

# The workflow rights. Model rights (add_statement, change_person, …) come from Django.
SUBMIT = "statements.submit_for_review"
PUBLISH = "statements.publish_records"
CORRECT = "statements.record_corrections"
MERGE = "statements.merge_records"

# Fields that only the services write: never taken from a caller's instance.
SYSTEM_FIELDS = frozenset(
    {"state", "published_at", "published_by", "created_at", "updated_at", "version"}
)

# Changing one of these on a published record is a correction: it needs a note
# (unless marked not material) and the right to record corrections.
CORRECTABLE: dict[type[models.Model], frozenset[str]] = {
    Statement: frozenset(
        {
            "text",
            "frame",
            "kind",
            "speaker",
            "speaker_role",
            "speaker_party",
            "said_on",
            "date_precision",
        }
    ),
    Reaction: frozenset(
        {
            "text",
            "kind",
            "respondent",
            "respondent_role",
            "respondent_organization",
            "stance",
            "interpretation",
            "reacted_on",
        }
    ),
}

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

MERGEABLE = (Person, Organization, Topic)

STATE_PHRASE = {
    DRAFT: "is a draft",
    REVIEW: "is in review",
    PUBLISHED: "is published",
    WITHDRAWN: "is withdrawn",
}


# Refusals --------------------------------------------------------------------------------


class EditorialRefusal(Exception):
    """A write the services will not make. `message` is written for the editor; `field`
    names the form field it concerns, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionRefused(EditorialRefusal, PermissionDenied):
    pass


class TransitionRefused(EditorialRefusal):
    pass


class CorrectionNeeded(EditorialRefusal):
    pass


class MergeRefused(EditorialRefusal):
    pass


class DuplicateSubmission(EditorialRefusal):
    """The same add form was submitted twice. `record` is what the first one created."""

    def __init__(self, message: str, *, record: models.Model | None):
        super().__init__(message)
        self.record = record


@dataclasses.dataclass(frozen=True)
class FieldChange:
    """One field someone else changed since a form was loaded."""

    field: str
    before: str
    after: str
    by: str
    at: datetime.datetime | None

    def describe(self) -> str:
        when = f" at {format_moment(self.at)}" if self.at else ""
        return f"{self.field} was changed by {self.by}{when} (from {self.before} to {self.after})"


class EditConflict(EditorialRefusal):
    """Someone else saved the record after it was loaded: nothing was written."""

    def __init__(self, message: str, *, record: models.Model, changes: list[FieldChange]):
        super().__init__(message)
        self.record = record
        self.changes = changes


# Rights ----------------------------------------------------------------------------------


def model_permission(action: str, model: type[models.Model]) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def has_rights(user: User | None, *permissions: str) -> bool:
    return user is not None and user.is_active and all(user.has_perm(p) for p in permissions)


def require(user: User | None, *permissions: str, doing: str) -> None:
    if not has_rights(user, *permissions):
        who = "A publisher" if set(permissions) & {PUBLISH, CORRECT, MERGE} else "An editor"
        raise PermissionRefused(f"You may not {doing}. {who} can.")


def rights_for(action: str, model: type[models.Model] = Statement) -> tuple[str, ...]:
    """The permissions each action of the workflow needs (for the matrix and the admin)."""
    return {
        "create draft": (model_permission("add", model),),
        "edit draft": (model_permission("change", model),),
        "submit for review": (model_permission("change", model), SUBMIT),
        "publish": (model_permission("change", model), PUBLISH),
        "withdraw": (model_permission("change", model), PUBLISH),
        "return to draft": (model_permission("change", model), SUBMIT),
        "record correction": (model_permission("change", model), PUBLISH, CORRECT),
        "revert": (model_permission("change", model), PUBLISH),
        "merge": (model_permission("change", model), model_permission("delete", model), MERGE),
    }[action]


def may(user: User | None, action: str, model: type[models.Model] = Statement) -> bool:
    return has_rights(user, *rights_for(action, model))


# Small helpers ---------------------------------------------------------------------------


def format_moment(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)


def is_versioned(model: type[models.Model]) -> bool:
    return any(field.name == "version" for field in model._meta.concrete_fields)


def content_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields an editor writes: everything but the key, derived and system fields."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in SYSTEM_FIELDS
    ]


def history_m2m_fields(model: type[models.Model]) -> list[models.ManyToManyField]:
    history = getattr(model, "history", None)
    return list(getattr(history.model, "_history_m2m_fields", [])) if history else []


def fresh(record: models.Model) -> models.Model:
    return type(record)._default_manager.get(pk=record.pk)


def describe(obj: models.Model) -> str:
    """How a refusal names a record: people and organizations by name, the rest quoted."""
    if isinstance(obj, Person | Organization | Topic):
        return obj.name
    if isinstance(obj, Source):
        return f"'{obj.title}'"
    text = str(obj)
    return f"'{text if len(text) <= 60 else text[:59] + '…'}'"


def display_value(field: models.Field, value) -> str:
    """A field's stored value as an editor would read it."""
    if value in (None, ""):
        return "(empty)"
    if field.choices:
        return f"“{dict(field.flatchoices).get(value, value)}”"
    if field.many_to_one:
        related = field.related_model._base_manager.filter(pk=value).first()
        return f"“{related}”" if related is not None else f"(deleted #{value})"
    text = str(value)
    return f"“{text if len(text) <= 120 else text[:119] + '…'}”"


def is_live(record: models.Model) -> bool:
    """Would a reader see a change to this record right away?

    A published record would. A row without a state of its own (a statement's topic or
    source link, a comment request, an affiliation, a candidacy) is live when the record
    it belongs to (the one it cascades from) is.
    """
    if isinstance(record, EditorialModel):
        return record.state == PUBLISHED
    for field in record._meta.concrete_fields:
        if field.many_to_one and field.remote_field.on_delete is models.CASCADE:
            owner_id = getattr(record, field.attname)
            if owner_id is None:
                continue
            owner = field.related_model._default_manager.filter(pk=owner_id).first()
            if owner is not None and is_live(owner):
                return True
    return False


def validate(record: models.Model) -> None:
    """full_clean(), leaving out the fields the model derives itself (speaker_name)."""
    derived = [
        field.name
        for field in record._meta.concrete_fields
        if not field.editable and getattr(record, field.attname) in field.empty_values
    ]
    record.full_clean(exclude=derived)


def _stamp(record: models.Model, user: User, reason: str) -> None:
    """Who and why, for the history row that the next save() writes."""
    record._history_user = user
    record._change_reason = reason


def _claim_version(record: models.Model, loaded_version: int | None) -> None:
    """The optimistic lock: raise the version in the database only if it is still the one
    the caller loaded. In one statement, so two saves can never both succeed."""
    model = type(record)
    if not is_versioned(model):
        return
    if loaded_version is None:
        raise EditConflict(
            f"This form did not say which version of the {label(model)} it was loaded from, "
            "so it could overwrite someone else's changes. Open the current version and make "
            "your changes again.",
            record=record,
            changes=[],
        )
    claimed = (
        model._default_manager.filter(pk=record.pk, version=loaded_version)
        .order_by()
        .update(version=F("version") + 1)
    )
    if claimed != 1:
        raise conflict(record, loaded_version)
    record.version = loaded_version + 1


def changes_since(record: models.Model, loaded_version: int) -> list[FieldChange]:
    """Fields whose current value differs from the version the editor loaded, each with
    who changed it last and when (read from the history)."""
    model = type(record)
    current = fresh(record)
    history = getattr(model, "history", None)
    if history is None:
        return []
    rows = list(
        history.filter(**{model._meta.pk.attname: record.pk})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    loaded_at = None
    for index, row in enumerate(rows):
        if row.version == loaded_version:
            loaded_at = index
    if loaded_at is None:
        return []
    loaded, later = rows[loaded_at], rows[loaded_at + 1 :]
    fields = [model._meta.get_field("state")] if issubclass(model, EditorialModel) else []
    found = []
    for field in [*fields, *content_fields(model)]:
        before, after = getattr(loaded, field.attname), getattr(current, field.attname)
        if before == after:
            continue
        by, at, previous = "someone", None, before
        for row in later:
            value = getattr(row, field.attname)
            if value != previous:
                by = row.history_user.get_username() if row.history_user else "someone"
                at = row.history_date
            previous = value
        found.append(
            FieldChange(
                field=str(field.verbose_name),
                before=display_value(field, before),
                after=display_value(field, after),
                by=by,
                at=at,
            )
        )
    return found


def conflict(record: models.Model, loaded_version: int) -> EditConflict:
    changes = changes_since(record, loaded_version)
    what = label(type(record))
    if changes:
        detail = "; ".join(change.describe() for change in changes)
        message = (
            f"Someone else saved this {what} while you were editing: {detail}. "
            "Your changes were not saved: open the current version and make them again."
        )
    else:
        message = (
            f"Someone else saved this {what} while you were editing. Your changes were not "
            "saved: open the current version and make them again."
        )
    return EditConflict(message, record=record, changes=changes)


def _set_m2m(record: models.Model, m2m: dict[str, Iterable] | None) -> None:
    for name, values in (m2m or {}).items():
        getattr(record, name).set(list(values))


def _m2m_changes(current: models.Model, m2m: dict[str, Iterable] | None) -> list[str]:
    changed = []
    for name, values in (m2m or {}).items():
        wanted = {getattr(value, "pk", value) for value in values}
        if wanted != set(getattr(current, name).values_list("pk", flat=True)):
            changed.append(name)
    return changed


def _record_slug_redirect(model, old_slug: str, target_pk: int, user: User) -> None:
    content_type = ContentType.objects.get_for_model(model)
    SlugRedirect.objects.update_or_create(
        content_type=content_type,
        old_slug=old_slug,
        defaults={"target_id": target_pk, "created_by": user if user.is_authenticated else None},
    )


def _forget_slug_redirect(model, slug: str) -> None:
    """A live record has (re)taken this slug: it wins over any redirect."""
    SlugRedirect.objects.filter(
        content_type=ContentType.objects.get_for_model(model), old_slug=slug
    ).delete()


# Create, update, delete ------------------------------------------------------------------


@transaction.atomic
def create_record(
    *,
    record: models.Model,
    user: User,
    token: uuid.UUID | None = None,
    m2m: dict[str, Iterable] | None = None,
) -> models.Model:
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
    claim = _claim_token(token, user, model) if token is not None else None
    validate(record)
    if is_versioned(model):
        record.version = 1
    _stamp(record, user, "Created")
    record.save()
    _set_m2m(record, m2m)
    if "slug" in {field.name for field in model._meta.concrete_fields}:
        _forget_slug_redirect(model, record.slug)
    if claim is not None:
        claim.object_id = record.pk
        claim.save(update_fields=["object_id"])
    return record


def submitted_record(*, token: str | uuid.UUID, user: User, model) -> models.Model | None:
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


def _claim_token(token: uuid.UUID, user: User, model) -> SubmissionToken:
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


@transaction.atomic
def update_record(
    *,
    record: models.Model,
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
    ] + _m2m_changes(current, m2m)
    if not changed and not related_changed:
        return []
    require(
        user, model_permission("change", model), doing=f"change {model._meta.verbose_name_plural}"
    )
    _claim_version(record, loaded_version)

    corrected = sorted(set(changed) & CORRECTABLE.get(model, frozenset()))
    live = is_live(current) or is_live(record)
    if live:
        require(user, PUBLISH, doing=f"change a published {label(model)}")
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
    _stamp(record, user, reason[:100])
    record.save()
    _set_m2m(record, {name: values for name, values in (m2m or {}).items() if name in changed})

    if "slug" in changed:
        _record_slug_redirect(model, current.slug, record.pk, user)
        _forget_slug_redirect(model, record.slug)
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
def correct(
    *,
    record: Statement | Reaction,
    user: User,
    changes: dict[str, object],
    note: str,
    material: bool = True,
) -> Correction:
    """Correct a published statement or reaction: apply `changes` (field name → value)
    to the version the caller holds, and record the correction."""
    model = type(record)
    require(user, *rights_for("record correction", model), doing=f"correct a {label(model)}")
    if model not in CORRECTABLE:
        raise TransitionRefused(f"A {label(model)} is not corrected; edit it instead.")
    state = fresh(record).state
    if state != PUBLISHED:
        raise TransitionRefused(
            f"Only a published {label(model)} is corrected; this one {STATE_PHRASE[state]}: "
            "edit it instead."
        )
    for name, value in changes.items():
        setattr(record, name, value)
    changed = update_record(
        record=record, user=user, loaded_version=record.version, note=note, material=material
    )
    if not set(changed) & CORRECTABLE[model]:
        raise TransitionRefused(
            "Nothing to correct: the changes leave the words, attribution, date and kind "
            "as they were."
        )
    return Correction.objects.filter(
        **({"reaction": record} if model is Reaction else {"statement": record, "reaction": None})
    ).latest("created_at", "id")


@transaction.atomic
def delete_record(*, record: models.Model, user: User) -> None:
    model = type(record)
    require(
        user, model_permission("delete", model), doing=f"delete {model._meta.verbose_name_plural}"
    )
    if is_live(fresh(record)):
        require(user, PUBLISH, doing=f"delete a published {label(model)}")
    _stamp(record, user, "Deleted")
    record.delete()


# The workflow: draft → review → published → withdrawn ------------------------------------


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
    _claim_version(current, record.version)
    from_state = current.state
    current.state = to_state
    if to_state == PUBLISHED:
        current.published_at = timezone.now()
        current.published_by = user
    validate(current)
    reason = {DRAFT: "Returned to draft", REVIEW: "Submitted for review"}.get(
        to_state, to_state.capitalize()
    )
    _stamp(current, user, f"{reason}: {note}"[:100] if note else reason)
    current.save()
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


# History ---------------------------------------------------------------------------------


@transaction.atomic
def revert(
    *,
    record: models.Model,
    user: User,
    history_id: int,
    loaded_version: int | None,
    note: str = "",
    material: bool = True,
) -> list[str]:
    """Bring back what an earlier version said (its state is left alone: publish or
    withdraw separately). The revert is itself a new version, by `user`, and goes
    through update_record: the lock, the rights and the correction rules apply."""
    model = type(record)
    require(user, *rights_for("revert", model), doing="revert records to an earlier version")
    pk_name = model._meta.pk.attname
    snapshot = model.history.filter(history_id=history_id, **{pk_name: record.pk}).first()
    if snapshot is None:
        raise TransitionRefused("That version does not belong to this record.")
    target = fresh(record)
    for field in content_fields(model):
        setattr(target, field.attname, getattr(snapshot, field.attname))
    m2m = {}
    for field in history_m2m_fields(model):
        target_name = field.m2m_reverse_field_name()
        m2m[field.name] = [
            getattr(row, f"{target_name}_id") for row in getattr(snapshot, field.name).all()
        ]
    when = format_moment(snapshot.history_date)
    return update_record(
        record=target,
        user=user,
        loaded_version=loaded_version,
        m2m=m2m,
        note=note,
        material=material,
        reason=f"Reverted to the version of {when}",
    )


# Merging duplicates ----------------------------------------------------------------------


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


def _clash(row: models.Model, field_name: str) -> models.Model | None:
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


def _save_moved(row: models.Model, user: User, reason: str) -> None:
    try:
        validate(row)
    except ValidationError as error:
        raise MergeRefused(
            f"Cannot merge: {type(row)._meta.verbose_name} {describe(row)}: "
            + "; ".join(error.messages)
        ) from None
    if is_versioned(type(row)):
        _claim_version(row, row.version)
    _stamp(row, user, reason)
    row.save()


def _absorb(kept: models.Model, dropped: models.Model, user: User, reason: str) -> None:
    """Two rows became one: fill what `kept` lacks from `dropped`, then delete `dropped`."""
    for field in content_fields(type(kept)):
        mine, theirs = getattr(kept, field.attname), getattr(dropped, field.attname)
        if isinstance(field, models.BooleanField):
            setattr(kept, field.attname, mine or theirs)  # incumbent, repeated: either says so
        elif mine in field.empty_values and theirs not in field.empty_values:
            setattr(kept, field.attname, theirs)
    _stamp(kept, user, reason)
    for field in kept._meta.many_to_many:
        if field.remote_field.through._meta.auto_created:
            getattr(kept, field.name).add(*getattr(dropped, field.name).all())
    _save_moved(kept, user, reason)
    _stamp(dropped, user, reason)
    try:
        dropped.delete()
    except ProtectedError as error:
        raise MergeRefused(
            f"Cannot merge: {describe(dropped)} is still used by {error.protected_objects}"
        ) from None


@transaction.atomic
def merge(*, survivor: models.Model, duplicate: models.Model, user: User) -> MergeReport:
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
                _stamp(owner, user, reason)
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
    _record_slug_redirect(model, duplicate.slug, survivor.pk, user)
    _forget_slug_redirect(model, survivor.slug)

    _stamp(duplicate, user, reason)
    try:
        duplicate.delete()
    except ProtectedError as error:
        raise MergeRefused(
            f"Cannot merge: {describe(duplicate)} is still used by {list(error.protected_objects)}."
        ) from None

    survivor = fresh(survivor)
    _claim_version(survivor, survivor.version)
    _stamp(survivor, user, f"{reason}: {report.summary()}"[:100])
    survivor.save()
    return report
