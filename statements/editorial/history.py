"""Reverting a record to an earlier version (its history is django-simple-history's)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .edits import update_record
from .errors import Record, TransitionRefused, format_moment
from .records import User, content_fields, fresh, history_m2m_fields
from .rights import require, rights_for


@transaction.atomic
def revert(
    *,
    record: Record,
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
    m2m: dict[str, Any] = {}
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
