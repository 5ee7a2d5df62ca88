"""Shared pieces: publication state, dates that know their precision."""

from django.db import models
from django.db.models import Q


class PublicationState(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class EditorialQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=PublicationState.PUBLISHED)

    def visible_to(self, user):
        """Everything for staff, only published records for everyone else."""
        if user is not None and user.is_active and user.is_staff:
            return self
        return self.published()


class EditorialModel(models.Model):
    """A record that readers see only once a publisher has published it."""

    state = models.CharField(
        max_length=12,
        choices=PublicationState,
        default=PublicationState.DRAFT,
        db_index=True,
        help_text="Only published records are visible to the public.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EditorialQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.state == PublicationState.PUBLISHED


def format_partial_date(value, precision: str) -> str:
    """Show a date no more precisely than it is known: 'May 30, 2020', 'June 2020', '2020'."""
    if value is None:
        return "date unknown"
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.MONTH:
        return value.strftime("%B %Y")
    return f"{value.strftime('%B')} {value.day}, {value.year}"


class DatedMixin(models.Model):
    """A date with its precision, and whether the editor inferred it (and how)."""

    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="How precisely the date is known. A month-precise date is stored as its 1st.",
    )
    date_inferred = models.BooleanField(
        default=False,
        help_text="Tick when the source does not state the date outright (e.g. 'said Saturday').",
    )
    date_inference_note = models.TextField(
        blank=True,
        help_text="How the date was worked out. Required when the date is inferred.",
    )

    class Meta:
        abstract = True

    @classmethod
    def dated_constraints(cls, prefix: str):
        return [
            models.CheckConstraint(
                condition=Q(date_inferred=False) | ~Q(date_inference_note=""),
                name=f"{prefix}_inferred_date_has_note",
                violation_error_message="An inferred date needs a note saying how it was inferred.",
            ),
        ]
