"""Corrections: changing the words, attribution, date or kind of a published statement
or reaction is a correction, with a note for readers unless it is marked not material."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from ..models import (
    Correction,
    Reaction,
    Statement,
)
from . import edits
from .errors import TransitionRefused
from .records import PUBLISHED, STATE_PHRASE, User, fresh, label
from .rights import require, rights_for

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
    changed = edits.update_record(
        record=record, user=user, loaded_version=record.version, note=note, material=material
    )
    if not set(changed) & CORRECTABLE[model]:
        raise TransitionRefused(
            "Nothing to correct: the changes leave the words, attribution, date and kind "
            "as they were."
        )
    mine: dict[str, Any] = (
        {"reaction": record} if model is Reaction else {"statement": record, "reaction": None}
    )
    return Correction.objects.filter(**mine).latest("created_at", "id")
