"""The article's forms: its source, its event and the rows' shared defaults."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist

from ...editorial import intake
from ...models import (
    CommentRequest,
    DatePrecision,
    Event,
    Reaction,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)
from .fields import model_field, picker, statement_field


class DeskForm(forms.Form):
    """A form of the page: keeps CRLF out of text, and shows the service's problems
    beside the fields they concern."""

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str) and "\r\n" in value:
                cleaned[name] = value.replace("\r\n", "\n")
        return cleaned

    def show_problems(self, problems: dict[str | None, list[str]]) -> None:
        for name, found in problems.items():
            for message in found:
                target = name if name in self.fields else None
                if target is None and name:
                    label = self._label_of(name)
                    message = f"{label}: {message}" if label else message
                self.add_error(target, message)

    @staticmethod
    def _label_of(name: str) -> str:
        for model in (Statement, Source, Event, Reaction, CommentRequest):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            return str(getattr(field, "verbose_name", name)).capitalize()
        return ""


# The source ----------------------------------------------------------------------------


class SourceForm(DeskForm):
    source = forms.ModelChoiceField(
        Source.objects.select_related("outlet"),
        required=False,
        label="The article",
        widget=picker(StatementSource, "source"),
        help_text="Already recorded? Choose it. Otherwise describe it below.",
    )
    outlet = model_field(Source, "outlet")
    new_outlet = forms.CharField(
        required=False,
        max_length=200,
        label="Or a new outlet",
        help_text="Its name, e.g. Associated Press: it is created with the article.",
    )
    title = model_field(Source, "title", label="Headline")
    author = model_field(Source, "author")
    published_on = model_field(Source, "published_on")
    url = model_field(Source, "url", label="Web address")
    archive_url = model_field(Source, "archive_url", label="Archived copy's address")
    text = model_field(Source, "text", label="Full text", widget=forms.Textarea(attrs={"rows": 6}))

    NEW = ("outlet", "new_outlet", "title", "author", "published_on", "url", "archive_url", "text")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") is None:
            if not cleaned.get("title"):
                self.add_error(
                    "source",
                    "Choose the article these statements come from, or give its headline "
                    "below: every statement needs a source.",
                )
            if not cleaned.get("published_on") and cleaned.get("title"):
                self.add_error("published_on", "When was the article published?")
            if not cleaned.get("outlet") and not cleaned.get("new_outlet", "").strip():
                if cleaned.get("title"):
                    self.add_error("outlet", "Which outlet published it? Choose or name one.")
        return cleaned


# The event -------------------------------------------------------------------------------


class EventForm(DeskForm):
    event = forms.ModelChoiceField(
        Event.objects.all(),
        required=False,
        label="The event",
        widget=picker(Statement, "event"),
        help_text="Already recorded? Choose it. Otherwise describe it below (or leave both "
        "empty if the article does not say where it was said).",
    )
    name = model_field(Event, "name", help_text="e.g. Second Perdue–Ossoff debate.")
    kind = model_field(Event, "kind")
    date = model_field(Event, "date")
    date_precision = model_field(Event, "date_precision")
    date_inferred = model_field(Event, "date_inferred")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An event has a date: "not given in the source" is for a statement only.
        precision = self.fields["date_precision"]
        assert isinstance(precision, forms.ChoiceField)
        precision.choices = [
            (value, label) for value, label in precision.choices if value != DatePrecision.NONE
        ]

    date_inference_note = model_field(
        Event, "date_inference_note", widget=forms.Textarea(attrs={"rows": 2})
    )
    location = model_field(Event, "location", help_text="e.g. Savannah, Georgia.")
    online = model_field(
        Event, "online", label="Online", help_text="Tick if it took place online, not in person."
    )
    hosts = model_field(Event, "hosts")
    new_hosts = forms.CharField(
        required=False,
        max_length=600,
        label="Or new hosts",
        help_text="Names of hosts not yet recorded, separated by commas, e.g. WTOC-TV.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("event") is None and cleaned.get("name") and not cleaned.get("date"):
            self.add_error("date", "When did the event take place?")
        if cleaned.get("date_inferred") and not cleaned.get("date_inference_note"):
            self.add_error("date_inference_note", "Say how the date was inferred.")
        return cleaned

    def new_host_names(self) -> list[str]:
        return [
            name.strip()
            for name in self.cleaned_data.get("new_hosts", "").split(",")
            if name.strip()
        ]


# The shared defaults ----------------------------------------------------------------------


class DefaultsForm(DeskForm):
    """What every statement row takes when it leaves a field blank."""

    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(),
        required=False,
        widget=picker(StatementTopic, "topic", multiple=True),
        help_text="The topics of every statement that names none of its own.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in intake.SHARED_FIELDS:
            self.fields[name] = statement_field(name, row=False)
        self.fields["kind"].initial = "direct"
        self.fields["said_on"].help_text = (
            "Leave empty to use the event's date (and its precision and inference). If the "
            "source gives no date, leave it empty and choose “Not given in the source”: the "
            "source's published date is recorded as the day it was reported."
        )
        self.fields[
            "speaker_role"
        ].help_text = "Leave empty to use the speaker's candidacy or affiliation on the day."
        self.order_fields(["speaker", "speaker_role", "speaker_party", "kind", "topics"])

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in intake.SHARED_FIELDS}
