"""The editorial form: the model's fields plus the version, the one-time token, the state
note and the correction note; and the small helpers the admins share."""

import uuid
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from simple_history.models import is_historic

from .. import editorial
from ..models import EditorialModel
from ..models.base import count_per_row

# Editors paste addresses without a scheme; assume https (Django 6's default) now.
URLS_ASSUME_HTTPS: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


def excerpt(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def count_of(model, field: str):
    """How many `model` rows point at each listed row through `field` (a correlated
    subquery: see models.base.count_per_row), e.g. statements per topic."""
    return count_per_row(model._default_manager.all(), field)


def current_state(obj) -> str | None:
    """The state in the database (a revert form's instance carries an old one)."""
    if obj is None or obj.pk is None or not isinstance(obj, EditorialModel):
        return None
    if is_historic(obj):
        return type(obj)._default_manager.filter(pk=obj.pk).values_list("state", flat=True).first()
    return obj.state


def current_version(obj) -> int | None:
    if is_historic(obj):
        return (
            type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
        )
    return obj.version


def refusal_text(refusal) -> str:
    if isinstance(refusal, ValidationError):
        return "Not saved: " + " ".join(refusal.messages)
    return refusal.message


def _last_field(condition) -> str | None:
    """The last field a constraint's condition names: the one an editor fills last
    ('date_inference_note' in "not inferred, or a note")."""
    found = None
    for child in getattr(condition, "children", []):
        if isinstance(child, tuple):
            found = child[0].split("__")[0]
        else:
            found = _last_field(child) or found
    return found


def field_for_message(model: type[models.Model], message: str) -> str | None:
    """The field a model constraint's message is about, so that the form shows it beside
    that field instead of at the top."""
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.CheckConstraint)
            and constraint.get_violation_error_message() == message
        ):
            return _last_field(constraint.condition)
    return None


# Forms: the version, the one-time token, the state note, the correction note ----------

HIDDEN_CONTROLS = ("loaded_version", "form_token")
CORRECTION_CONTROLS = ("correction_note", "correction_not_material")
CONTROL_FIELDS = frozenset({*HIDDEN_CONTROLS, "state_note", *CORRECTION_CONTROLS})


class EditorialForm(forms.ModelForm):
    """The model's fields plus the controls the services need. Each admin keeps only the
    controls that apply (`EditorialAdminMixin.control_fields`)."""

    loaded_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    form_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    state_note = forms.CharField(
        required=False,
        label="Reason for the state change",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when withdrawing. Kept in the record's history and state log.",
    )
    correction_note = forms.CharField(
        required=False,
        label="Correction note",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Required when you change the words, attribution, date or kind of this published "
            "record: say what was wrong and what is right, for readers. Material corrections "
            "are listed on the public corrections page."
        ),
    )
    correction_not_material = forms.BooleanField(
        required=False,
        label="Not material (typo)",
        help_text="A typo-level fix: kept in the history, not listed publicly; no note needed.",
    )

    # Set by the admin on the main form's class: a refused save is shown on the form.
    request = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "loaded_version" in self.fields and self.instance.pk is not None:
            self.fields["loaded_version"].initial = current_version(self.instance)
        if "form_token" in self.fields:
            self.fields["form_token"].initial = uuid.uuid4

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name not in CONTROL_FIELDS]

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            # Browsers post CRLF line breaks: keep the stored text byte for byte.
            if isinstance(value, str) and "\r\n" in value and self._is_text_field(name):
                cleaned[name] = value.replace("\r\n", "\n")
        refusal = getattr(self.request, "_editorial_refusal", None)
        if isinstance(refusal, ValidationError) and hasattr(refusal, "error_dict"):
            for name, errors in refusal.error_dict.items():
                for message in ValidationError(errors).messages:
                    self._add_beside(name, message)
        elif refusal is not None:
            field = getattr(refusal, "field", None)
            if isinstance(refusal, editorial.EditConflict):
                message = "Not saved: someone else saved this record first (see the message above)."
            else:
                message = refusal_text(refusal)
            self.add_error(field if field in self.fields else None, message)
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # The model's constraints report their errors for no field: show each beside the
        # field it is about.
        errors = self._errors.get(NON_FIELD_ERRORS) if self._errors else None
        if not errors:
            return
        kept = self.error_class(error_class="nonfield", renderer=self.renderer)
        for message in errors:
            field = field_for_message(self._meta.model, message)
            if field in self.fields and field not in self._errors:
                self._errors[field] = self.error_class(renderer=self.renderer)
            if field in self.fields:
                self._errors[field].append(message)
                self.cleaned_data.pop(field, None)
            else:
                kept.append(message)
        if kept:
            self._errors[NON_FIELD_ERRORS] = kept
        else:
            del self._errors[NON_FIELD_ERRORS]

    def _add_beside(self, name: str, message: str) -> None:
        if name == NON_FIELD_ERRORS:
            name = field_for_message(self._meta.model, message) or name
        self.add_error(name if name in self.fields else None, message)

    def _is_text_field(self, name: str) -> bool:
        try:
            return isinstance(self._meta.model._meta.get_field(name), models.TextField)
        except FieldDoesNotExist:
            return False


def without_controls(fields, keep=()) -> list:
    return [f for f in fields if not (isinstance(f, str) and f in CONTROL_FIELDS and f not in keep)]
