"""Optimistic locking: a save names the version it was loaded at, and is refused (with
what changed, by whom and when) if someone else saved since. Never a silent overwrite."""

from __future__ import annotations

from django.db.models import F

from ..models import (
    EditorialModel,
)
from .errors import EditConflict, FieldChange, Record
from .records import content_fields, display_value, fresh, is_versioned, label


def claim_version(record: Record, loaded_version: int | None) -> None:
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


def changes_since(record: Record, loaded_version: int) -> list[FieldChange]:
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


def conflict(record: Record, loaded_version: int) -> EditConflict:
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
