"""Form fields for the desk, taken from the models' own, with the admin's autocompletes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import (
    AdminDateWidget,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.db import models

from ...editorial import intake
from ...models import Statement
from ..forms import URLS_ASSUME_HTTPS

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
