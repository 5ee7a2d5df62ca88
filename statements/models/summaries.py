"""What editors summarise: a person's position on a topic, resting on statements, and
background notes that give context."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .base import (
    DatedMixin,
    EditorialModel,
    bounded_text,
    editorial_history,
)
from .events import Source
from .people import Organization, Person
from .statements import Statement
from .topics import Topic


class Position(EditorialModel):
    """An editor's one-line summary of where a person stands on a topic, as of a date."""

    public_requires = ("person", "topic")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="positions")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="positions")
    summary = models.CharField(
        max_length=300, help_text="One line, in the editor's words, e.g. 'Opposes …'."
    )
    as_of = models.DateField(help_text="The date of the newest statement it rests on.")
    statements = models.ManyToManyField(
        Statement, related_name="positions", help_text="The statements this summary rests on."
    )
    sources = models.ManyToManyField(Source, related_name="positions")

    history = editorial_history(m2m_fields=["statements", "sources"])

    class Meta:
        ordering = ["person", "topic", "-as_of"]
        indexes = [
            models.Index(fields=["person", "topic", "-as_of"], name="position_person_topic_idx"),
            models.Index(fields=["topic", "person"], name="position_topic_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(summary=""), name="position_summary_not_empty"),
            models.UniqueConstraint(
                fields=["person", "topic", "as_of"], name="position_unique_as_of"
            ),
        ]

    def __str__(self):
        return f"{self.person} on {self.topic}: {self.summary}"


class BackgroundNote(EditorialModel, DatedMixin):
    """A sourced fact that gives context, e.g. what the 287(g) program is."""

    title = models.CharField(max_length=200)
    text = bounded_text("note")
    as_of = models.DateField(null=True, blank=True, help_text="When the fact held, if dated.")
    topics = models.ManyToManyField(Topic, related_name="background_notes", blank=True)
    organizations = models.ManyToManyField(
        Organization, related_name="background_notes", blank=True
    )
    sources = models.ManyToManyField(Source, related_name="background_notes")

    history = editorial_history(m2m_fields=["topics", "organizations", "sources"])

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["title", "id"], name="background_note_title_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="background_note_text_not_empty"),
            *DatedMixin.dated_constraints("background_note"),
        ]

    def __str__(self):
        return self.title
