"""Saving through the editorial services, for every admin and inline of the app:

- change forms carry the version they were loaded at (a hidden field); a save that
  would overwrite someone else's is refused with what they changed, on the re-rendered
  form (status 200), and nothing is written;
- add forms carry a one-time token, so a double submit creates one record;
- the state moves only through the workflow: the "Save and submit for review" button,
  and for publishers the state field, call the services (the actions are in actions.py);
- changing the words, attribution, date or kind of a published statement or reaction
  needs a correction note (or "not material" for a typo);
- every model keeps its history (django-simple-history): the History page lists each
  version with a diff of what changed, and a publisher can revert to one.
"""

from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .. import editorial
from ..models import EditorialModel, PublicationState
from .forms import (
    CONTROL_FIELDS,
    CORRECTION_CONTROLS,
    HIDDEN_CONTROLS,
    EditorialForm,
    current_state,
    refusal_text,
    without_controls,
)

if TYPE_CHECKING:
    # What the mixins of this package are mixed into, so that their methods may use its
    # attributes (self.model, self.message_user…). At run time they derive from object,
    # and the admin classes put them before the Django class they extend.
    from django.contrib.admin import ModelAdmin
    from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin

    AdminBase = BaseModelAdmin[Any]
    ModelAdminBase = ModelAdmin[Any]
    InlineAdminBase = InlineModelAdmin[Any, Any]
else:
    AdminBase = ModelAdminBase = InlineAdminBase = object


INLINE_ROWS = 100


class ReadableChanges(HistoricalRecordContextHelper):
    """History diffs with choice labels ('In review', not 'review') and '(empty)'."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.choices and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        value = super().prepare_delta_change_value(change, value)
        return "(empty)" if value in (None, "") else value


class EditorialAdminMixin(ModelAdminBase):
    """For every admin of the app: saves through the services, the locking and token
    fields, refusals shown on the re-rendered form, readable history, revert for
    publishers."""

    form = EditorialForm

    # Which controls a form carries --------------------------------------------------

    def control_fields(self, request, obj=None) -> list[str]:
        names = []
        if obj is None:
            names.append("form_token")
        elif editorial.is_versioned(self.model):
            names.append("loaded_version")
        if (
            obj is not None
            and issubclass(self.model, EditorialModel)
            and not self.reverting(request)
            and editorial.has_rights(request.user, editorial.PUBLISH)
        ):
            names.append("state_note")
        if self.model in editorial.CORRECTABLE and current_state(obj) == PublicationState.PUBLISHED:
            names.extend(CORRECTION_CONTROLS)
        return names

    @staticmethod
    def reverting(request) -> bool:
        return getattr(request, "_editorial_revert", None) is not None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        unwanted = CONTROL_FIELDS - set(self.control_fields(request, obj))
        for name in unwanted:
            form.base_fields.pop(name, None)
            form.declared_fields.pop(name, None)
        form.request = request
        return form

    def get_fieldsets(self, request, obj=None):
        controls = self.control_fields(request, obj)
        fieldsets = [
            (name, {**options, "fields": without_controls(options.get("fields", ()))})
            for name, options in super().get_fieldsets(request, obj)
        ]
        hidden = [name for name in controls if name in HIDDEN_CONTROLS]
        if hidden and fieldsets:
            fieldsets[0][1]["fields"] = [*fieldsets[0][1]["fields"], *hidden]
        if "state_note" in controls:
            for _, options in fieldsets:
                if "state" in options["fields"]:
                    at = options["fields"].index("state") + 1
                    options["fields"] = [
                        *options["fields"][:at],
                        "state_note",
                        *options["fields"][at:],
                    ]
                    break
            else:
                fieldsets[-1][1]["fields"] = [*fieldsets[-1][1]["fields"], "state_note"]
        if "correction_note" in controls:
            fieldsets.append(
                (
                    "Correction",
                    {
                        "fields": list(CORRECTION_CONTROLS),
                        "description": (
                            "This record is published. Changing its words, attribution, date "
                            "or kind is a correction: readers see the note on the record and "
                            "on the corrections page."
                        ),
                    },
                )
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self.reverting(request) and issubclass(self.model, EditorialModel):
            readonly.append("state")  # a revert brings back content, not a state
        return readonly

    # Saving: everything through the services ------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self.workflow_context(request, object_id)}
        view = partial(super().changeform_view, request, object_id, form_url, extra_context)
        if request.method != "POST":
            return view()
        if object_id is None and request.POST.get("form_token"):
            earlier = editorial.submitted_record(
                token=request.POST["form_token"], user=request.user, model=self.model
            )
            if earlier is not None:
                return self.already_submitted(request, earlier)
        return self.guarded(request, view)

    def already_submitted(self, request, record):
        self.message_user(
            request,
            f"This form was already submitted: here is the {self.opts.verbose_name} it "
            "created (it was not created a second time).",
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse(admin_urlname(self.opts, "change"), args=[record.pk]))

    def workflow_context(self, request, object_id) -> dict:
        if not issubclass(self.model, EditorialModel):
            return {}
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        state = obj.state if obj is not None else PublicationState.DRAFT
        return {
            "can_submit_for_review": state == PublicationState.DRAFT
            and editorial.may(request.user, "submit for review", self.model)
        }

    def guarded(self, request, view):
        """Run a saving view in one transaction. If a service refuses, nothing is kept and
        the form is shown again with the reason (status 200); a repeated add form leads
        to the record the first submission created."""
        try:
            with transaction.atomic():
                return view()
        except editorial.DuplicateSubmission as duplicate:
            if duplicate.record is not None:
                return self.already_submitted(request, duplicate.record)
            refusal = duplicate
        except (editorial.EditorialRefusal, ValidationError) as error:
            refusal = error
        request._editorial_refusal = refusal
        message = refusal_text(refusal)
        if isinstance(refusal, ValidationError) and hasattr(refusal, "error_dict"):
            message = "Not saved: see the notes beside the fields below."
        if isinstance(refusal, editorial.EditConflict):
            current = reverse(admin_urlname(self.opts, "change"), args=[refusal.record.pk])
            message = format_html('{} <a href="{}">Open the current version</a>.', message, current)
        self.message_user(request, message, messages.ERROR)
        return view()

    def queue_state(self, request, obj, form) -> None:
        """Take a requested state off the instance: the services save content, and the
        state changes afterwards through the workflow."""
        if not isinstance(obj, EditorialModel):
            return
        requested = obj.state
        base = (
            type(obj)._default_manager.filter(pk=obj.pk).values_list("state", flat=True).first()
            if obj.pk
            else None
        )
        obj.state = base or PublicationState.DRAFT
        if "state" in form.cleaned_data and requested != obj.state:
            request._editorial_transitions = [
                *getattr(request, "_editorial_transitions", []),
                (obj, requested),
            ]

    @staticmethod
    def correction_of(form) -> dict:
        return {
            "note": form.cleaned_data.get("correction_note", "") or "",
            "material": not form.cleaned_data.get("correction_not_material", False),
        }

    def save_model(self, request, obj, form, change):
        self.queue_state(request, obj, form)
        m2m = {
            field.name: form.cleaned_data[field.name]
            for field in obj._meta.many_to_many
            if field.name in form.cleaned_data
        }
        form.save_m2m = lambda: None  # the services set many-to-many fields themselves
        loaded = form.cleaned_data.get("loaded_version")
        if self.reverting(request):
            changed = editorial.revert(
                record=obj,
                user=request.user,
                history_id=int(request._editorial_revert),
                loaded_version=loaded,
                **self.correction_of(form),
            )
            obj.refresh_from_db()
        elif change:
            changed = editorial.update_record(
                record=obj,
                user=request.user,
                loaded_version=loaded,
                m2m=m2m,
                **self.correction_of(form),
            )
        else:
            changed = editorial.create_record(
                record=obj, user=request.user, token=form.cleaned_data.get("form_token"), m2m=m2m
            )
        request._editorial_saved = bool(changed)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        changed = [formset for formset in formsets if formset.has_changed()]
        if change and changed and not getattr(request, "_editorial_saved", False):
            # Only the inlines changed: the record's version still moves (and is checked),
            # so that two editors' changes to the same inline rows cannot cross.
            editorial.update_record(
                record=obj,
                user=request.user,
                loaded_version=form.cleaned_data.get("loaded_version"),
                related_changed=", ".join(
                    str(formset.model._meta.verbose_name_plural) for formset in changed
                ),
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        if "_submit_for_review" in request.POST and isinstance(obj, EditorialModel):
            request._editorial_transitions = [
                (obj, PublicationState.REVIEW),
                *getattr(request, "_editorial_transitions", []),
            ]
        note = form.cleaned_data.get("state_note", "") or ""
        for record, state in getattr(request, "_editorial_transitions", []):
            editorial.transition(record=record, user=request.user, to_state=state, note=note)
        request._editorial_transitions = []

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        forms_of = {id(inline_form.instance): inline_form for inline_form in formset.forms}
        for obj in formset.deleted_objects:
            editorial.delete_record(record=obj, user=request.user)
        for obj in formset.new_objects:
            self.queue_state(request, obj, forms_of[id(obj)])
            editorial.create_record(record=obj, user=request.user)
        for obj, _ in formset.changed_objects:
            inline_form = forms_of[id(obj)]
            self.queue_state(request, obj, inline_form)
            editorial.update_record(
                record=obj,
                user=request.user,
                loaded_version=inline_form.cleaned_data.get("loaded_version"),
                **self.correction_of(form),
            )
        formset.save_m2m()

    def delete_model(self, request, obj):
        editorial.delete_record(record=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                editorial.delete_record(record=obj, user=request.user)

    # History: readable diffs; revert for publishers only --------------------------------

    def get_history_list_display(self, request):
        return ["version"] if editorial.is_versioned(self.model) else []

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def revert_disabled(self, request, obj=None):
        return not editorial.may(request.user, "revert", self.model) or super().revert_disabled(
            request, obj
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request._editorial_revert = version_id
        # simple_history's submit line expects this variable; give it, empty.
        extra_context = {"onclick_attrib": "", **(extra_context or {})}
        view = partial(super().history_form_view, request, object_id, version_id, extra_context)
        if request.method != "POST":
            return view()
        if not editorial.may(request.user, "revert", self.model):
            raise PermissionDenied
        return self.guarded(request, view)


class EditorialAdmin(EditorialAdminMixin, SimpleHistoryAdmin):
    pass


class EditorialInlineMixin(InlineAdminBase):
    """Inline rows carry their version too (a reaction edited on its statement's page)."""

    form = EditorialForm

    def wanted_controls(self) -> set[str]:
        return {"loaded_version"} if editorial.is_versioned(self.model) else set()

    # Rows one record can hold on its page. A posted form claiming more (TOTAL_FORMS is
    # the client's word) is refused with a message before more forms are built.
    max_num = INLINE_ROWS

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", INLINE_ROWS)
        formset = super().get_formset(request, obj, **kwargs)
        for name in CONTROL_FIELDS - self.wanted_controls():
            formset.form.base_fields.pop(name, None)
            formset.form.declared_fields.pop(name, None)
        return formset

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": without_controls(options.get("fields", ()))})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if self.wanted_controls() and fieldsets:
            fieldsets[0][1]["fields"] = [*fieldsets[0][1]["fields"], "loaded_version"]
        return fieldsets
