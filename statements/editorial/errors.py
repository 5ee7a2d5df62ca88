"""Refusals: every write the editorial layer will not make, with a message for the editor."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

# --------------------------------------------------------------------------------


# Any record the layer writes. The services work on every model through its _meta: a
# record's state, version, slug and the like are looked up by field name, on the models
# that have them, and checked at run time rather than by the type checker.
Record = Any


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


class UnpublishedDependency(EditorialRefusal):
    """A record readers see would point at one they cannot see."""


class CorrectionNeeded(EditorialRefusal):
    pass


class MergeRefused(EditorialRefusal):
    pass


class DuplicateSubmission(EditorialRefusal):
    """The same add form was submitted twice. `record` is what the first one created."""

    def __init__(self, message: str, *, record: Record | None):
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

    def __init__(self, message: str, *, record: Record, changes: list[FieldChange]):
        super().__init__(message)
        self.record = record
        self.changes = changes


def format_moment(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"
