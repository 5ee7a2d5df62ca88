"""What was said: a statement, its topics and its sources.

A Statement is what a person said (verbatim, partially quoted, or paraphrased). What others
made of it is in ``reactions``, what editors summarise in ``summaries``: kept apart.
"""

from __future__ import annotations

from typing import ClassVar, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .base import (
    DatedMixin,
    EditorialModel,
    PublicationState,
    PublicQuerySet,
    PublicRule,
    address,
    bounded_text,
    editorial_history,
    format_partial_date,
)
from .elections import Candidacy
from .events import Event, Source
from .people import Organization, Person
from .topics import Topic


class QuoteKind(models.TextChoices):
    DIRECT = "direct", "Direct quote"
    PARTIAL = "partial", "Partial quote"
    PARAPHRASE = "paraphrase", "Paraphrase"

    @classmethod
    def label_of(cls, kind: str) -> str:
        """The kind's label; anything unknown reads as a paraphrase, never as a quote.
        (Not ``kind in cls.values``: Django builds that list anew on every call, and a
        timeline chart asks thousands of times.)"""
        try:
            return cls(kind).label
        except ValueError:
            return cls.PARAPHRASE.label


class StatementQuerySet(PublicQuerySet):
    def on_topic(self, *topics: Topic | int) -> Self:
        """Statements on any of these topics or anything narrower, as readers see the
        tree: through published topics only."""
        ids = Topic.objects.published().descendant_ids(topics)
        return self.filter(
            pk__in=StatementTopic.objects.filter(topic_id__in=ids).values("statement_id")
        )


StatementManager = models.Manager.from_queryset(StatementQuerySet)


class Statement(EditorialModel, DatedMixin):
    public_requires = ("speaker",)
    date_may_be_missing = True

    speaker = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="statements")
    speaker_role = models.CharField(
        max_length=300,
        blank=True,
        help_text="The speaker's role when they spoke, e.g. 'candidate, U.S. Senate, Georgia'.",
    )
    speaker_party = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_statements",
        limit_choices_to={"kind": "party"},
        help_text="The speaker's party when they spoke.",
    )
    speaker_name = models.CharField(
        max_length=200, editable=False, help_text="Copied from the speaker for search."
    )
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, null=True, blank=True, related_name="statements"
    )
    said_on = models.DateField(
        help_text=(
            "When it was said (not when it was reported). When the source does not say, "
            "choose 'Not given in the source' as the precision and enter the day it was "
            "reported: it is only used to sort the statement, and shown as such."
        )
    )
    candidacy = models.ForeignKey(
        Candidacy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name="race",
        help_text=(
            "The race the speaker was running in when they spoke, shown to readers as the "
            "statement's race. Left empty on a new statement, it is suggested: the speaker's "
            "race with the earliest polling day on or after the day said. Clear it if the "
            "speaker was not running."
        ),
    )
    kind = models.CharField(
        max_length=10,
        choices=QuoteKind,
        help_text=(
            "Direct: whole sentences in quotation marks. Partial: a word or phrase in "
            "quotation marks. Paraphrase: reported speech, no quotation marks."
        ),
    )
    text = bounded_text(
        "quote",
        help_text=(
            "For a direct or partial quote: exactly the words inside the quotation marks, "
            "byte for byte (keep ellipses, brackets, curly quotes). For a paraphrase: the "
            "reported speech as the source words it, to follow 'said'."
        ),
    )
    frame = models.CharField(
        max_length=500,
        blank=True,
        help_text=(
            "Partial quotes only: the source's words around the quoted phrase, "
            "e.g. 'called the 287(g) program'."
        ),
    )
    context = bounded_text(
        "note", blank=True, help_text="One or two sentences on what prompted the remark."
    )
    topics: models.ManyToManyField[Topic, StatementTopic] = models.ManyToManyField(
        Topic, through="StatementTopic", related_name="statements"
    )
    sources: models.ManyToManyField[Source, StatementSource] = models.ManyToManyField(
        Source, through="StatementSource", related_name="statements"
    )

    # Empty until the first write (a column added with a default makes SQLite copy the
    # table, which the topic links' triggers forbid).
    card_version = models.BigIntegerField(
        null=True,
        editable=False,
        help_text=(
            "Changed by every write to what the statement's card shows "
            "(caching/card_versions.py): a card is kept under it, so a write redraws only "
            "the cards it changes."
        ),
    )

    objects: ClassVar[StatementManager[Statement]] = StatementManager()
    history = editorial_history(excluded_fields=["card_version"])

    class Meta:
        # Newest day first, a day's statements in the order entered (paging.NEWEST_FIRST).
        ordering = ["-said_on", "id"]
        permissions = [
            ("publish_records", "Can publish, withdraw and correct published records"),
            ("submit_for_review", "Can submit drafts for review"),
            ("record_corrections", "Can record corrections to published records"),
            ("merge_records", "Can merge duplicate people, organizations and topics"),
        ]
        indexes = [
            models.Index(fields=["state", "-said_on", "id"], name="statement_public_order_idx"),
            models.Index(fields=["speaker", "-said_on", "id"], name="statement_speaker_idx"),
            # A person's published statements, newest first, read from the index alone:
            # the start of their newest few, a count that stops at a cap, and (with the
            # included columns, on PostgreSQL) the timeline charts' counts by month and
            # kind, without a visit to the table's rows: half the time for a prolific
            # speaker's chart at a million statements.
            models.Index(
                fields=["speaker", "-said_on", "id"],
                condition=Q(state=PublicationState.PUBLISHED),
                include=["date_precision", "kind"],
                name="statement_public_speaker_idx",
            ),
            models.Index(fields=["event", "said_on", "id"], name="statement_event_idx"),
            # A race's statements, newest first (the race page's window per candidacy).
            models.Index(
                fields=["candidacy", "-said_on", "id"],
                condition=Q(state=PublicationState.PUBLISHED),
                name="statement_public_race_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="statement_text_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=QuoteKind.values), name="statement_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="partial") | Q(frame=""),
                name="statement_frame_only_for_partial",
                violation_error_message="Only a partial quote has a frame around its words.",
            ),
            *DatedMixin.dated_constraints("statement"),
        ]

    def __str__(self):
        words = self.text if len(self.text) <= 60 else self.text[:57] + "…"
        return f"{self.speaker_name or self.speaker}: {words}"

    def get_absolute_url(self):
        return address("statements:statement-detail", "pk", self.pk)

    @property
    def date_display(self) -> str:
        return format_partial_date(self.said_on, self.date_precision)

    def clean(self):
        super().clean()
        if self.candidacy_id is not None and self.speaker_id is not None:
            if self.candidacy.person_id != self.speaker_id:
                raise ValidationError(
                    {"candidacy": "Choose a race the speaker was a candidate in."}
                )

    @property
    def is_quote(self) -> bool:
        return self.kind in (QuoteKind.DIRECT, QuoteKind.PARTIAL)


# A topic link's copy of its statement's speaker, date and state (see StatementTopic).
LINK_COPY_FIELDS = ("said_by", "said_on", "statement_published")


class StatementTopic(PublicRule, models.Model):
    """A statement's link to a topic.

    Each link also keeps a copy of its statement's speaker, date and whether it is
    published, so that one index finds a speaker's newest statements on a topic
    (``reading.said``) without reading every link to that topic. The database keeps the
    copy, by triggers on both tables (migration 0021), whatever writes the rows: the
    ORM, a queryset update, a fixture or COPY. Nothing else writes it, and only the
    queries of ``reading.said`` that use the index read it.
    """

    public_requires = ("statement", "topic")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="statement_links")
    said_by = models.ForeignKey(
        Person,
        on_delete=models.DO_NOTHING,  # the copy follows the statement, whose speaker is kept
        db_constraint=False,
        db_index=False,
        null=True,
        editable=False,
        related_name="+",
    )
    said_on = models.DateField(null=True, editable=False)
    statement_published = models.BooleanField(db_default=False, editable=False)

    objects = PublicQuerySet.as_manager()
    history = editorial_history(excluded_fields=list(LINK_COPY_FIELDS))

    class Meta:
        verbose_name = "topic"
        constraints = [
            models.UniqueConstraint(fields=["statement", "topic"], name="statement_topic_unique"),
        ]
        indexes = [
            models.Index(fields=["topic", "statement"], name="statement_topic_rev_idx"),
            models.Index(
                fields=["said_by", "topic", "-said_on", "statement"],
                condition=Q(statement_published=True),
                name="statement_topic_said_idx",
            ),
        ]

    def __str__(self):
        return str(self.topic)


class StatementSource(PublicRule, models.Model):
    public_requires = ("statement", "source")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="statement_links")
    note = models.CharField(
        max_length=300, blank=True, help_text="Where in the source, if it helps (paragraph…)."
    )

    objects = PublicQuerySet.as_manager()
    history = editorial_history()

    class Meta:
        verbose_name = "source"
        constraints = [
            models.UniqueConstraint(fields=["statement", "source"], name="statement_source_unique"),
        ]

    def __str__(self):
        return str(self.source)
