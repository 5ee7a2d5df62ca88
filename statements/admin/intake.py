"""The article desk: one admin page to enter a whole article in one sitting.

The page is a set of plain forms (it works without JavaScript; the admin's autocomplete
and "add another" links improve it where JavaScript runs):

- the source: picked, or described (with its outlet picked or named);
- the event: picked, or described (hosts picked or named);
- the shared defaults: what every statement row takes when it leaves a field blank;
- statement rows (more on request), reaction rows and comment-request rows, each
  attached to a row of the page or to a statement already recorded.

"Check" shows every row as it would be saved: the suggested role and party, whether each
quote stands in the source's text, quotes already recorded. "Save as draft" and "Save and
submit for review" save everything in one transaction. The logic is the editorial
service's (statements/editorial/intake/); this module only maps forms to it and back.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import (
    AdminDateWidget,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .. import editorial
from ..editorial import intake
from ..models import (
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
from .forms import URLS_ASSUME_HTTPS

# Statement rows the page starts with, how many "More rows" adds, and the most it shows.
STATEMENT_ROWS = 6
MORE_ROWS = 3
MAX_ROWS = 60
REACTION_ROWS = 2
COMMENT_ROWS = 1

AS_ABOVE = "— as in the defaults —"


def picker(model: type[models.Model], name: str, *, multiple: bool = False, add: bool = True):
    """The admin's autocomplete for the relation ``model.name`` (with its "+" to add a
    record in a popup)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.ForeignKey | models.ManyToManyField), name
    widget_class = AutocompleteSelectMultiple if multiple else AutocompleteSelect
    widget: Any = widget_class(field, admin.site)
    if add:
        widget = RelatedFieldWidgetWrapper(
            widget,
            field.remote_field,  # type: ignore[arg-type]  # a many-to-many's works too
            admin.site,
            can_add_related=True,
            can_change_related=False,
            can_delete_related=False,
            can_view_related=False,
        )
    return widget


def model_field(model: type[models.Model], name: str, **options) -> forms.Field:
    """The model's own form field (label, help text, validators), not required: rows and
    defaults may leave anything blank."""
    db_field = model._meta.get_field(name)
    assert isinstance(db_field, models.Field), name
    if isinstance(db_field, models.URLField):
        options.setdefault("assume_scheme", URLS_ASSUME_HTTPS[models.URLField]["assume_scheme"])
    if isinstance(db_field, models.DateField):
        options.setdefault("widget", AdminDateWidget)
    if db_field.is_relation and "widget" not in options:
        options["widget"] = picker(model, name, multiple=bool(db_field.many_to_many))
    form_field = db_field.formfield(**options)
    assert form_field is not None, name
    form_field.required = False
    return form_field


def blank_choice(field: forms.Field, label: str = AS_ABOVE) -> forms.Field:
    """A choice that may be left blank ("as in the defaults")."""
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
        field.choices = [("", label), *[c for c in choices if c[0] != ""]]
        field.initial = ""
    return field


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


# Shared defaults and the rows ------------------------------------------------------------


def statement_field(name: str, *, row: bool) -> forms.Field:
    options: dict[str, Any] = {}
    if name == "text":
        options["widget"] = forms.Textarea(attrs={"rows": 3})
    elif name in ("context", "date_inference_note"):
        options["widget"] = forms.Textarea(attrs={"rows": 2})
    field = model_field(Statement, name, **options)
    if row and name in intake.SHARED_FIELDS:
        blank_choice(field)
    return field


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


# The page -------------------------------------------------------------------------------


class Desk:
    """The page's forms, bound to a POST or prefilled from the query string."""

    def __init__(self, request):
        post = request.POST if request.method == "POST" else None
        statement_rows = self._rows(request, post)
        self.token = (post or {}).get("form_token") or str(uuid.uuid4())
        initial = self._initial(request.GET)
        self.source = SourceForm(post, prefix="source", initial=initial["source"])
        self.event = EventForm(post, prefix="event", initial=initial["event"])
        self.defaults = DefaultsForm(post, prefix="shared", initial=initial["shared"])
        self.statements = row_formset(StatementRowForm, statement_rows)(
            post, prefix="statements", rows=statement_rows
        )
        self.reactions = row_formset(ReactionRowForm, REACTION_ROWS)(
            post, prefix="reactions", rows=statement_rows
        )
        self.comments = row_formset(CommentRowForm, COMMENT_ROWS)(
            post, prefix="comments", rows=statement_rows
        )
        if post is not None and "_more_rows" in post:
            self._add_rows(request, statement_rows)

    @staticmethod
    def _rows(request, post) -> int:
        if post is not None:
            try:
                total = int(post.get("statements-TOTAL_FORMS", STATEMENT_ROWS))
            except ValueError:
                total = STATEMENT_ROWS
            if "_more_rows" in post:
                total += MORE_ROWS
            return max(1, min(total, MAX_ROWS))
        return STATEMENT_ROWS

    def _add_rows(self, request, rows: int) -> None:
        """ "More rows": the same page with empty rows added (without JavaScript)."""
        data = request.POST.copy()
        data["statements-TOTAL_FORMS"] = str(rows)
        self.statements = row_formset(StatementRowForm, 0)(data, prefix="statements", rows=rows)
        self.reactions = row_formset(ReactionRowForm, 0)(data, prefix="reactions", rows=rows)
        self.comments = row_formset(CommentRowForm, 0)(data, prefix="comments", rows=rows)

    @staticmethod
    def _initial(query) -> dict[str, dict]:
        """ "Add another statement from this source / from this event": prefilled."""
        initial: dict[str, dict] = {"source": {}, "event": {}, "shared": {}}
        for part, name in [("source", "source"), ("event", "event"), ("shared", "speaker")]:
            value = query.get(name, "")
            if value.isdigit():
                initial[part][name] = int(value)
        return initial

    @property
    def forms(self) -> list[forms.Form]:
        return [self.source, self.event, self.defaults]

    @property
    def formsets(self) -> list[Any]:
        return [self.statements, self.reactions, self.comments]

    def is_valid(self) -> bool:
        # Every form validates, so that every error shows at once.
        results = [form.is_valid() for form in self.forms]
        results += [formset.is_valid() for formset in self.formsets]
        return all(results)

    @property
    def media(self):
        media = forms.Media(
            js=[
                "admin/js/vendor/jquery/jquery.min.js",
                "admin/js/jquery.init.js",
                "admin/js/core.js",
                "admin/js/admin/RelatedObjectLookups.js",
            ]
        )
        for form in self.forms:
            media += form.media
        for formset in self.formsets:
            media += formset.media
        # After the admin's autocompletes are set up (the list orders the merge).
        return media + forms.Media(
            js=[
                "admin/js/vendor/jquery/jquery.min.js",
                "admin/js/jquery.init.js",
                "admin/js/autocomplete.js",
                "js/desk.js",
            ]
        )

    def article(self) -> intake.Article:
        source, event, defaults = (
            self.source.cleaned_data,
            self.event.cleaned_data,
            self.defaults,
        )
        chosen_event = event.get("event")
        return intake.Article(
            source=source.get("source"),
            source_values={
                name: source.get(name)
                for name in SourceForm.NEW
                if name not in ("new_outlet",) and source.get(name) not in (None, "")
            },
            new_outlet=source.get("new_outlet", ""),
            event=chosen_event,
            event_values={}
            if chosen_event is not None
            else {
                name: event.get(name)
                for name in (
                    "name",
                    "kind",
                    "date",
                    "date_precision",
                    "date_inferred",
                    "date_inference_note",
                    "location",
                    "online",
                )
                if event.get(name) not in (None, "")
            },
            hosts=list(event.get("hosts") or []),
            new_hosts=self.event.new_host_names() if chosen_event is None else [],
            defaults=defaults.values(),
            topics=list(defaults.cleaned_data.get("topics") or []),
            statements=[form.entry() for form in self.statements.forms],
            reactions=[form.entry() for form in self.reactions.forms],
            comment_requests=[form.entry() for form in self.comments.forms],
        )

    def show_problems(self, problems) -> None:
        parts = {
            "source": lambda index: self.source,
            "event": lambda index: self.event,
            "defaults": lambda index: self.defaults,
            "statement": lambda index: self.statements.forms[index] if index is not None else None,
            "reaction": lambda index: self.reactions.forms[index],
            "comment": lambda index: self.comments.forms[index],
        }
        for (part, index), fields in problems.items():
            form = parts[part](index)
            if form is None:
                self.statements._non_form_errors = self.statements.error_class(
                    [message for found in fields.values() for message in found]
                )
                continue
            form.show_problems(fields)


def intake_view(request):
    """The article desk: GET shows the page (prefilled from ?source= / ?event=), POST
    checks it, adds rows, or saves it."""
    if not editorial.has_rights(request.user, "statements.add_statement"):
        raise PermissionDenied
    if request.method == "POST":
        earlier = editorial.submitted_record(
            token=request.POST.get("form_token", ""), user=request.user, model=Source
        )
        if earlier is not None:
            messages.warning(
                request,
                "This article was already saved: nothing was saved a second time. Here it is, "
                "ready for more statements.",
            )
            return HttpResponseRedirect(intake_url(source=earlier.pk))
    desk = Desk(request)
    check = None
    if request.method == "POST" and "_more_rows" not in request.POST and desk.is_valid():
        article = desk.article()
        check = intake.check_article(article)
        desk.show_problems(check.problems)
        saving = "_save" in request.POST or "_submit" in request.POST
        if check.ok and saving:
            try:
                entered = intake.enter_article(
                    article=article,
                    user=request.user,
                    token=uuid.UUID(desk.token) if _is_uuid(desk.token) else None,
                    submit="_submit" in request.POST,
                )
            except editorial.DuplicateSubmission as duplicate:
                messages.warning(request, duplicate.message)
                return HttpResponseRedirect(intake_url())
            except intake.IntakeRefused as refusal:
                desk.show_problems({refusal.part: {refusal.field: [refusal.message]}})
            except editorial.EditorialRefusal as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, saved_message(entered))
                return HttpResponseRedirect(intake_url(source=entered.source.pk))
    elif request.method == "POST" and "_more_rows" not in request.POST:
        messages.error(request, "Not saved: see the fields marked below.")
    if check is not None and not check.ok:
        messages.error(request, "Not saved yet: see the notes beside the fields below.")
    plans = {plan.index: plan for plan in (check.statements if check else [])}
    rows = [
        {"form": form, "number": index + 1, "plan": plans.get(index)}
        for index, form in enumerate(desk.statements.forms)
    ]
    reaction_checks = check.reactions if check else {}
    reaction_rows = [
        {"form": form, "number": index + 1, "checks": reaction_checks.get(index, [])}
        for index, form in enumerate(desk.reactions.forms)
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Enter an article",
        "desk": desk,
        "rows": rows,
        "reaction_rows": reaction_rows,
        "checked": check is not None,
        "media": desk.media,
        "may_submit": editorial.has_rights(request.user, editorial.SUBMIT),
        "statement_fields": intake.STATEMENT_FIELDS,
    }
    return TemplateResponse(request, "admin/statements/intake.html", context)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def intake_url(**query) -> str:
    url = reverse("admin:statements_intake")
    params = "&".join(f"{key}={value}" for key, value in query.items() if value)
    return f"{url}?{params}" if params else url


def saved_message(entered: intake.EnteredArticle):
    what = "submitted for review" if entered.submitted else "saved as drafts"
    links = format_html_join(
        ", ",
        '<a href="{}">statement #{}</a>',
        (
            (reverse("admin:statements_statement_change", args=[s.pk]), s.pk)
            for s in entered.statements
        ),
    )
    again = format_html_join(
        ", ",
        '<a href="{}">statement #{}</a>',
        (
            (reverse("admin:statements_statement_change", args=[s.pk]), s.pk)
            for s in entered.cited_again
        ),
    )
    message = format_html(
        "{} new records {}: {}.", len(entered.created), what, links or "no new statements"
    )
    if entered.cited_again:
        message = format_html("{} The article is now also a source of {}.", message, again)
    return format_html(
        '{} <a href="{}">The article</a> is chosen below: add more statements from it.',
        message,
        reverse("admin:statements_source_change", args=[entered.source.pk]),
    )
