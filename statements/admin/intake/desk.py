"""The page's forms together: bound or prefilled, turned into an article, problems shown."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from ...editorial import intake
from .forms import DefaultsForm, EventForm, SourceForm
from .rows import (
    COMMENT_ROWS,
    MAX_ROWS,
    MORE_ROWS,
    REACTION_ROWS,
    STATEMENT_ROWS,
    CommentRowForm,
    ReactionRowForm,
    StatementRowForm,
    row_formset,
)


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
