"""A record created through the editorial services, or refused with where on the page."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ..edits import create_record
from ..errors import EditorialRefusal
from ..records import User
from .article import Part


class IntakeRefused(EditorialRefusal):
    """A service refused part of the article: nothing was saved."""

    def __init__(self, message: str, *, part: Part, field: str | None = None):
        super().__init__(message, field=field)
        self.part = part


def create(record, user: User, part: Part, field: str | None = None):
    try:
        return create_record(record=record, user=user)
    except ValidationError as error:
        raise refused(error, part, field) from None
    except EditorialRefusal as refusal:
        raise IntakeRefused(refusal.message, part=part, field=field or refusal.field) from None


def refused(error: ValidationError, part: Part, field: str | None = None) -> IntakeRefused:
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.error_dict.items()))
        message = ValidationError(errors).messages[0]
        return IntakeRefused(
            message, part=part, field=field or (None if name == "__all__" else name)
        )
    return IntakeRefused(error.messages[0], part=part, field=field)
