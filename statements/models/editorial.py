"""The editorial record: corrections, state changes, merged slugs, one-time form tokens.

None of these is written anywhere but statements/services.py. History itself (every
version of every editorial record, with who and when) is django-simple-history's: see
the `history = HistoricalRecords()` line on each model.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .base import PublicationState, bounded_text
from .reactions import Reaction
from .statements import Statement


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Material corrections of records a reader can see, newest first.

        The statement and the reaction (if any) must be public by the one rule
        (models.base.PublicRule) that every public output follows.
        """
        return (
            self.filter(material=True)
            .filter(Statement.public_condition("statement__"))
            .filter(Q(reaction__isnull=True) | Reaction.public_condition("reaction__"))
            .order_by("-created_at", "-id")
        )

    def for_display(self):
        return self.select_related(
            "statement__speaker", "reaction__respondent", "reaction__respondent_organization"
        )


class Correction(models.Model):
    """A change to the words, attribution, date or kind of a published statement or reaction.

    `statement` is always set: for a correction to a reaction it is the reaction's
    statement, so that a statement page finds every correction in one query.
    """

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="corrections")
    reaction = models.ForeignKey(
        Reaction, on_delete=models.CASCADE, null=True, blank=True, related_name="corrections"
    )
    note = bounded_text(
        "note", blank=True, help_text="What was wrong and what was corrected, for readers."
    )
    material = models.BooleanField(
        default=True,
        help_text="Material corrections are listed publicly; a typo fix is kept in history only.",
    )
    fields = models.JSONField(default=list, blank=True, help_text="The fields that changed.")
    record_version = models.PositiveIntegerField(
        help_text="The version of the record that carries the correction."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["statement", "-created_at"], name="correction_statement_idx"),
            models.Index(fields=["material", "-created_at", "-id"], name="correction_public_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(material=False) | ~Q(note=""),
                name="correction_material_has_note",
                violation_error_message="A material correction needs a note for readers.",
            ),
        ]

    def __str__(self):
        return f"Correction to {self.record} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self):
        return self.statement.get_absolute_url() + f"#correction-{self.pk}"

    @property
    def record(self):
        return self.reaction if self.reaction_id else self.statement


class StateChange(models.Model):
    """One step of the workflow: who moved which record from which state to which, when."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField(max_length=12, choices=PublicationState)
    to_state = models.CharField(max_length=12, choices=PublicationState)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = bounded_text("note", blank=True, help_text="Why, e.g. the reason for a withdrawal.")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-at"], name="state_change_record_idx"
            ),
        ]

    def __str__(self):
        return f"{self.from_state} → {self.to_state} by {self.user} at {self.at:%Y-%m-%d %H:%M}"


class SlugRedirect(models.Model):
    """An address that no longer exists (a merged duplicate, a renamed slug) and its record."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    old_slug = models.SlugField(max_length=200)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "target_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["content_type", "old_slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "old_slug"], name="slug_redirect_unique"
            ),
        ]

    def __str__(self):
        return f"{self.content_type.model}/{self.old_slug} → {self.target_id}"


class SubmissionToken(models.Model):
    """A one-time token per add form: a second submission of the same form creates nothing."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True)
    record = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.token)
