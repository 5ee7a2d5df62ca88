"""What the caches' signal handlers share (charts.py, card_versions.py): which writes they
watch, and whether a save changed the fields that a cache reads of a shared record."""

from __future__ import annotations

from collections.abc import Sequence

from . import generation


def watched(model) -> bool:
    """Whether a write to the model's rows may change what readers see."""
    return model._meta.app_label in generation.WATCHED_APP_LABELS


def remember_stored(sender, instance, fields: Sequence[str], attribute: str) -> None:
    """Before a save of a row with an id: its ``fields`` as stored (None if there is no such
    row yet), kept on the instance under ``attribute`` for ``stored_changed``."""
    stored = sender._base_manager.filter(pk=instance.pk).values_list(*fields).first()
    setattr(instance, attribute, stored)


def stored_changed(instance, fields: Sequence[str], attribute: str) -> bool:
    """After the save: whether it changed ``fields`` from what ``remember_stored`` kept. A
    row saved without an id is new: nothing refers to it yet, so it changed nothing."""
    if attribute not in instance.__dict__:
        return False
    stored = instance.__dict__.pop(attribute)
    return stored != tuple(getattr(instance, field) for field in fields)
