"""The statement, reaction and comment-request rows, and the formsets that repeat them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from ...editorial import intake
from ...models import (
    CommentRequest,
    Reaction,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)
from .fields import blank_choice, model_field, picker, statement_field
from .forms import DeskForm

# Statement rows the page starts with, how many "More rows" adds, and the most it shows.
STATEMENT_ROWS = 6
MORE_ROWS = 3
MAX_ROWS = 60
REACTION_ROWS = 2
COMMENT_ROWS = 1


def row_choices(count: int) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(i), f"Statement {i + 1} on this page") for i in range(count)]


class StatementRowForm(DeskForm):
    """One statement. Blank fields take the defaults."""

    reprint = forms.CharField(required=False, widget=forms.HiddenInput)
    keep_unverified = forms.BooleanField(
        required=False,
        label="Keep these words",
        help_text="The source's stored text is not the one quoted (e.g. another outlet's copy).",
    )
    replies_to = forms.ChoiceField(
        required=False,
        label="Answers",
        help_text=(
            "If it answers another statement: it is recorded once, as this statement and as "
            "a reaction to the other."
        ),
    )
    replies_to_statement = forms.ModelChoiceField(
        Statement.objects.all(),
        required=False,
        label="Or answers a recorded statement",
        widget=picker(Reaction, "statement", add=False),
    )
    stance = blank_choice(model_field(Reaction, "stance"), "—")
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(),
        required=False,
        widget=picker(StatementTopic, "topic", multiple=True),
        help_text="Leave empty for the default topics.",
    )
    source = forms.ModelChoiceField(
        Source.objects.select_related("outlet"),
        required=False,
        label="Cites instead",
        widget=picker(StatementSource, "source"),
        help_text="Leave empty: it cites the article above.",
    )

    # Shown in the row's first lines; the rest are under "This statement only".
    MAIN = ("speaker", "text", "kind", "frame", "replies_to", "stance")

    def __init__(self, *args, rows: int = STATEMENT_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        for name in intake.STATEMENT_FIELDS:
            self.fields[name] = statement_field(name, row=True)
        self.fields["replies_to"].choices = row_choices(rows)  # type: ignore[attr-defined]
        self.fields["speaker"].help_text = "Leave empty for the default speaker."
        self.fields["text"].help_text = (
            "Exactly the words inside the quotation marks, byte for byte (a paraphrase: the "
            "reported speech)."
        )
        self.fields["speaker_role"].help_text = "Leave empty: suggested from the speaker's roles."

    def main_fields(self):
        return [self[name] for name in self.MAIN]

    def other_fields(self):
        hidden = {"reprint", "keep_unverified", *self.MAIN}
        return [self[name] for name in self.fields if name not in hidden]

    def entry(self) -> intake.StatementEntry:
        data = self.cleaned_data
        replies = data.get("replies_to_statement") or (
            int(data["replies_to"]) if data.get("replies_to") else None
        )
        return intake.StatementEntry(
            values={name: data.get(name) for name in intake.STATEMENT_FIELDS},
            topics=list(data.get("topics") or []),
            source=data.get("source"),
            reprint=data.get("reprint", ""),
            keep_unverified=bool(data.get("keep_unverified")),
            replies_to=replies,
            stance=data.get("stance") or "",
        )


class AttachedRowForm(DeskForm):
    """A reaction or request for comment: to a row of the page or a recorded statement."""

    to_row = forms.ChoiceField(required=False, label="About")
    to_statement = forms.ModelChoiceField(
        Statement.objects.all(),
        required=False,
        label="Or about a recorded statement",
        widget=picker(Reaction, "statement", add=False),
    )
    model: type[models.Model] = Reaction
    FIELDS: tuple[str, ...] = ()

    def __init__(self, *args, rows: int = STATEMENT_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_row"].choices = row_choices(rows)  # type: ignore[attr-defined]
        for name in self.FIELDS:
            options: dict[str, Any] = {}
            if name in ("text", "response"):
                options["widget"] = forms.Textarea(attrs={"rows": 3})
            field = model_field(self.model, name, **options)
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                blank_choice(field, "—")
            self.fields[name] = field

    def target(self):
        data = self.cleaned_data
        if data.get("to_statement") is not None:
            return data["to_statement"]
        return int(data["to_row"]) if data.get("to_row") else None

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.FIELDS}


class ReactionRowForm(AttachedRowForm):
    model = Reaction
    FIELDS = intake.REACTION_FIELDS
    keep_unverified = forms.BooleanField(
        required=False,
        label="Keep these words",
        help_text="The source's stored text is not the one quoted.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].help_text = (
            "Leave “—” for a direct quote; an outlet's own finding takes the reporter's "
            "wording, as a paraphrase."
        )
        self.fields["channel"].help_text = "e.g. in an email to the outlet."
        self.fields["respondent"].help_text = "Leave empty for an outlet's own finding."
        self.fields["rating"].help_text = (
            "An outlet's finding only. Leave the respondent and the organization empty for "
            "the article's outlet's own finding."
        )

    def entry(self) -> intake.ReactionEntry:
        values = self.values()
        values["kind"] = values.get("kind") or intake.reaction_kind(values)
        return intake.ReactionEntry(
            to=self.target(),
            values=values,
            keep_unverified=bool(self.cleaned_data.get("keep_unverified")),
        )


class CommentRowForm(AttachedRowForm):
    model = CommentRequest
    FIELDS = intake.COMMENT_REQUEST_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_by"].help_text = "Leave empty: the article's outlet."
        self.fields["outcome"].initial = ""

    def entry(self) -> intake.CommentRequestEntry:
        values = self.values()
        values["outcome"] = values.get("outcome") or CommentRequest.Outcome.NO_RESPONSE
        values["repeated"] = bool(values.get("repeated"))
        return intake.CommentRequestEntry(to=self.target(), values=values)


class RowFormSet(forms.BaseFormSet):
    def __init__(self, *args, rows: int = STATEMENT_ROWS, **kwargs):
        self.rows = rows
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "rows": self.rows}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            rows=self.rows,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


def row_formset(form, extra: int):
    return forms.formset_factory(
        form, formset=RowFormSet, extra=extra, max_num=MAX_ROWS, absolute_max=MAX_ROWS
    )
