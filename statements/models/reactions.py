"""What others made of a statement: reactions (findings and retorts among them), and
requests for comment, whose silence is data too."""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .base import (
    DatedMixin,
    EditorialModel,
    PublicQuerySet,
    PublicRule,
    bounded_text,
    editorial_history,
    format_partial_date,
)
from .events import Source
from .people import Organization, Person
from .statements import QuoteKind, Statement


class Rating(models.TextChoices):
    """An outlet's finding on a claim, from a controlled list, truest first."""

    TRUE = "true", "True"
    MOSTLY_TRUE = "mostly-true", "Mostly true"
    HALF_TRUE = "half-true", "Half true"
    MISLEADING = "misleading", "Misleading"
    FALSE = "false", "False"
    UNSUPPORTED = "unsupported", "Unsupported"

    @classmethod
    def label_of(cls, rating: str) -> str:
        """The finding's label; empty for no rating (or one not on the list)."""
        try:
            return cls(rating).label
        except ValueError:
            return ""

    @classmethod
    def scale(cls, rating: str) -> int | None:
        """The rating as a number for schema.org (5 = true … 1 = false); None for
        'unsupported', which says the claim could not be checked, not how true it is."""
        values = {"true": 5, "mostly-true": 4, "half-true": 3, "misleading": 2, "false": 1}
        return values.get(rating)


class Reaction(EditorialModel):
    """A third party's response to a statement. Never the speaker's own position.

    Two special cases share the record:

    - a *finding*: an organization's reaction (an outlet's, without a person) carrying a
      ``rating`` from a controlled list, the reporter's wording kept as its text;
    - a *retort*: a reaction that is also the respondent's own statement
      (``response_statement``). Its words are that statement's, read from it and never
      stored twice; it shows on both statements' pages and is counted once (as a
      statement of its speaker, and as a reaction on the statement it answers).
    """

    public_requires = ("statement", "respondent", "source", "response_statement")

    class Stance(models.TextChoices):
        AGREES = "agrees", "Agrees"
        DISAGREES = "disagrees", "Disagrees"
        INTERPRETS = "interprets", "Interprets"
        ADDS_CONTEXT = "adds_context", "Adds context"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="reactions")
    respondent = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reactions",
        help_text="Who reacted. Leave empty for an organization's own finding (an outlet's).",
    )
    respondent_role = models.CharField(
        max_length=200, blank=True, help_text="Their role when they reacted, e.g. 'president'."
    )
    respondent_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reactions",
        help_text="The organization they spoke for when they reacted.",
    )
    stance = models.CharField(max_length=12, choices=Stance)
    interpretation = models.CharField(
        max_length=500,
        blank=True,
        help_text=(
            "What the respondent took the statement to mean, in their terms (e.g. 'an "
            "endorsement of so-called sanctuary cities'). Shown as their reading, never "
            "as the speaker's position."
        ),
    )
    rating = models.CharField(
        max_length=12,
        choices=Rating,
        blank=True,
        help_text=(
            "An organization's finding on the claim (an outlet's fact check), e.g. 'false'. "
            "Only for a reaction by an organization; its wording goes in the text."
        ),
    )
    kind = models.CharField(max_length=10, choices=QuoteKind, default=QuoteKind.DIRECT)
    text = bounded_text(
        "quote",
        blank=True,
        help_text=(
            "Their words, byte for byte. Separate fragments that the source quotes apart "
            "with a blank line. For a finding: the reporter's own wording of it. Leave "
            "empty when the reaction is the respondent's own statement: its words are read "
            "from that statement."
        ),
    )
    response_statement = models.ForeignKey(
        Statement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name="their own statement",
        help_text=(
            "When the reaction is also a statement of the respondent's (a retort in a "
            "debate): that statement. It is recorded once and shown in both places."
        ),
    )
    channel = models.CharField(
        max_length=300,
        blank=True,
        help_text="How it reached the source, e.g. 'email to the Washington Free Beacon'.",
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="reactions")
    reacted_on = models.DateField(null=True, blank=True)

    history = editorial_history()

    class Meta:
        ordering = ["statement", "stance", "id"]
        indexes = [
            models.Index(fields=["statement", "stance", "id"], name="reaction_statement_idx"),
            models.Index(fields=["respondent", "id"], name="reaction_respondent_idx"),
            # A person's reactions to others, newest first (the person page).
            models.Index(
                fields=["respondent", "-reacted_on", "-id"], name="reaction_respondent_date_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(response_statement__isnull=True) & ~Q(text="")
                | Q(response_statement__isnull=False, text=""),
                name="reaction_words_recorded_once",
                violation_error_message=(
                    "Give the reaction's words, unless it is the respondent's own statement: "
                    "then its words are that statement's."
                ),
            ),
            models.CheckConstraint(
                condition=Q(respondent__isnull=False) | Q(respondent_organization__isnull=False),
                name="reaction_names_who_reacted",
                violation_error_message="Say who reacted: a person or an organization.",
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(respondent_organization__isnull=False),
                name="reaction_rating_by_organization",
                violation_error_message="Only an organization's reaction carries a rating.",
            ),
            models.CheckConstraint(
                condition=Q(rating__in=["", *Rating.values]), name="reaction_rating_valid"
            ),
            models.CheckConstraint(
                condition=Q(stance__in=["agrees", "disagrees", "interprets", "adds_context"]),
                name="reaction_stance_valid",
            ),
            models.CheckConstraint(
                condition=~Q(stance="interprets") | ~Q(interpretation=""),
                name="reaction_interpretation_stated",
                violation_error_message=(
                    "A reaction that interprets must say what it reads into the statement."
                ),
            ),
        ]

    def __str__(self):
        who = self.respondent or self.respondent_organization
        return f"{who} ({self.get_stance_display().lower()}) on {self.statement_id}"

    @classmethod
    def public_condition(cls, prefix: str = "", known_public: Collection[str] = ()) -> Q:
        """PublicRule's, and: a reaction with no person, or with a rating, is the
        organization's own, so that organization must be public too."""
        condition = super().public_condition(prefix, known_public)
        own = Q(**{f"{prefix}respondent__isnull": False, f"{prefix}rating": ""})
        organization = Organization.public_condition(f"{prefix}respondent_organization__")
        return condition & (own | organization)

    def clean(self):
        super().clean()
        errors: dict[str, str] = {}
        if self.rating and self.respondent_organization_id is None:
            errors["rating"] = (
                "Only an organization's reaction carries a rating: choose the organization "
                "(the outlet) that made the finding."
            )
        if self.respondent_id is None and self.respondent_organization_id is None:
            errors["respondent"] = "Say who reacted: a person or an organization."
        answer = self.response_statement
        if answer is not None:
            if self.respondent_id is not None and answer.speaker_id != self.respondent_id:
                errors["response_statement"] = (
                    "Choose a statement by the respondent: the reaction is their own words."
                )
            elif self.respondent_id is None:
                errors["response_statement"] = (
                    "Only a person's reaction can be their own statement: choose the respondent."
                )
            if answer.pk is not None and answer.pk == self.statement_id:
                errors["response_statement"] = "A statement cannot answer itself."
            if self.text:
                errors["text"] = (
                    "Leave the words empty: they are read from the respondent's own statement."
                )
        elif not self.text:
            errors["text"] = "Give the reaction's words."
        if errors:
            raise ValidationError(errors)

    @property
    def is_finding(self) -> bool:
        return bool(self.rating)

    @property
    def by(self) -> str:
        """Who reacted, for the pages: the person, else the organization."""
        if self.respondent_id is not None and self.respondent is not None:
            return self.respondent.name
        organization = self.respondent_organization
        return organization.name if organization is not None else ""

    @property
    def words(self) -> str:
        """The reaction's words: its own, or those of the statement it is."""
        if self.response_statement_id is not None and self.response_statement is not None:
            return self.response_statement.text
        return self.text

    @property
    def words_kind(self) -> str:
        if self.response_statement_id is not None and self.response_statement is not None:
            return self.response_statement.kind
        return self.kind

    @property
    def stances(self) -> list[str]:
        """Every stance this reaction takes: an agreement can also carry an interpretation."""
        found = [self.stance]
        if self.interpretation and self.stance != self.Stance.INTERPRETS:
            found.append(self.Stance.INTERPRETS)
        return found

    @property
    def fragments(self) -> list[str]:
        return [part for part in self.words.split("\n\n") if part.strip()]


class CommentRequest(PublicRule, DatedMixin):
    """Silence is data: who was asked for comment, by whom, about what, and what came back."""

    public_requires = ("statement", "source", "requested_by", "asked_person", "asked_organization")

    class Outcome(models.TextChoices):
        NO_RESPONSE = "no_response", "Did not respond"
        DECLINED = "declined", "Declined to comment"
        RESPONDED = "responded", "Responded"

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="comment_requests"
    )
    asked_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="comment_requests"
    )
    asked_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comment_requests",
        help_text="Who was asked, e.g. the campaign.",
    )
    requested_by = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="comment_requests_made",
        help_text="Who asked, e.g. the outlet.",
    )
    subject = models.CharField(max_length=300, help_text="What they were asked about.")
    requested_on = models.DateField(null=True, blank=True)
    repeated = models.BooleanField(default=False, help_text="Asked more than once.")
    outcome = models.CharField(max_length=12, choices=Outcome, default=Outcome.NO_RESPONSE)
    response = bounded_text("quote", blank=True, help_text="What came back, verbatim, if anything.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="comment_requests")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PublicQuerySet.as_manager()
    history = editorial_history()

    class Meta:
        ordering = ["statement", "requested_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(asked_person__isnull=False) | Q(asked_organization__isnull=False),
                name="comment_request_names_who_was_asked",
                violation_error_message="Say who was asked: a person or an organization.",
            ),
            *DatedMixin.dated_constraints("comment_request"),
        ]

    def __str__(self):
        return f"{self.asked} asked by {self.requested_by}: {self.get_outcome_display()}"

    @property
    def asked(self):
        return self.asked_person or self.asked_organization

    @property
    def date_display(self) -> str:
        return format_partial_date(self.requested_on, self.date_precision)
