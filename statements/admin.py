"""The editors' desk: enter a whole article (statements, sources, topics, reactions,
requests for comment) from the statement form, and publish only with a publisher's right.

People, organizations, events, topics and sources are picked by autocomplete everywhere,
which also gives the "add another" (+) link. Every changelist runs a fixed number of
queries whatever its length: relations it shows are joined (`list_select_related`),
prefetched or counted in the query (`get_queryset`).

Every save goes through statements/editorial.py, which decides who may do what:

- change forms carry the version they were loaded at (a hidden field); a save that
  would overwrite someone else's is refused with what they changed, on the re-rendered
  form (status 200), and nothing is written;
- add forms carry a one-time token, so a double submit creates one record;
- the state moves only through the workflow (submit for review, publish, withdraw,
  return to draft): the actions, the "Save and submit for review" button, and for
  publishers the state field, all call the services;
- changing the words, attribution, date or kind of a published statement or reaction
  needs a correction note (or "not material" for a typo);
- every model keeps its history (django-simple-history): the History page lists each
  version with a diff of what changed, and a publisher can revert to one;
- publishers merge duplicate people, organizations and topics ("Merge into…").
"""

import uuid
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import is_historic
from simple_history.template_utils import HistoricalRecordContextHelper

from . import editorial
from .models import (
    Affiliation,
    BackgroundNote,
    Candidacy,
    CommentRequest,
    EditorialModel,
    Election,
    Event,
    Organization,
    Person,
    Position,
    PublicationState,
    Race,
    Reaction,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)

PUBLISH_PERMISSION = editorial.PUBLISH

# Editors paste addresses without a scheme; assume https (Django 6's default) now.
URLS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}

# How many broader topics the topic changelist joins in its one query.
TOPIC_PATH_DEPTH = 3


def excerpt(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def count_of(model, field: str):
    """How many `model` rows point at each listed row through `field`.

    A correlated subquery rather than Count() over a JOIN: it is computed for the page's
    rows only, and it leaves out the GROUP BY that would drop the model's Meta.ordering
    (which autocomplete results, built on get_queryset, rely on).
    """
    counts = (
        model._default_manager.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts), 0)


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
        if refusal is not None:
            field = getattr(refusal, "field", None)
            if isinstance(refusal, editorial.EditConflict):
                message = "Not saved: someone else saved this record first (see the message above)."
            else:
                message = refusal_text(refusal)
            self.add_error(field if field in self.fields else None, message)
        return cleaned

    def _is_text_field(self, name: str) -> bool:
        try:
            return isinstance(self._meta.model._meta.get_field(name), models.TextField)
        except FieldDoesNotExist:
            return False


def without_controls(fields, keep=()) -> list:
    return [f for f in fields if not (isinstance(f, str) and f in CONTROL_FIELDS and f not in keep)]


class ReadableChanges(HistoricalRecordContextHelper):
    """History diffs with choice labels ('In review', not 'review') and '(empty)'."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.choices and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        value = super().prepare_delta_change_value(change, value)
        return "(empty)" if value in (None, "") else value


class EditorialAdminMixin:
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


class EditorialInlineMixin:
    """Inline rows carry their version too (a reaction edited on its statement's page)."""

    form = EditorialForm

    def wanted_controls(self) -> set[str]:
        return {"loaded_version"} if editorial.is_versioned(self.model) else set()

    def get_formset(self, request, obj=None, **kwargs):
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


# Publication --------------------------------------------------------------------------


class PublishRightMixin:
    """Only a user with the publish right may set a record's publication state.

    For everyone else `state` is read-only, so a crafted POST cannot set it either (and
    the services refuse it anyway). Works for model admins and inlines alike.
    """

    def has_publish_permission(self, request) -> bool:
        return editorial.has_rights(request.user, PUBLISH_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "published_at", "published_by"]
        if not self.has_publish_permission(request):
            readonly.append("state")
        return readonly


class PublicationAdminMixin(PublishRightMixin):
    """The workflow for every admin of an EditorialModel (a model with a `state`).

    - `state` is read-only without the publish right; with it, a changed state is carried
      out by the services after the save (publish, withdraw with the reason in "Reason
      for the state change", submit for review, return to draft);
    - actions: "Submit for review" and "Return to draft" (editors and publishers),
      "Publish" and "Withdraw" (publishers; withdrawing asks for the reason).
    Each action calls the service per record: a refusal names the record and why.
    """

    actions = [
        "submit_selected",
        "return_to_draft_selected",
        "publish_selected",
        "withdraw_selected",
    ]

    def has_submit_permission(self, request) -> bool:
        return editorial.may(request.user, "submit for review", self.model)

    @admin.action(
        permissions=["submit"], description="Submit selected %(verbose_name_plural)s for review"
    )
    def submit_selected(self, request, queryset):
        self.step(
            request,
            queryset.filter(state=PublicationState.DRAFT),
            editorial.submit_for_review,
            "Submitted {} record(s) for review.",
        )

    @admin.action(
        permissions=["submit"], description="Return selected %(verbose_name_plural)s to draft"
    )
    def return_to_draft_selected(self, request, queryset):
        self.step(
            request,
            queryset.filter(state__in=[PublicationState.REVIEW, PublicationState.WITHDRAWN]),
            editorial.return_to_draft,
            "Returned {} record(s) to draft.",
        )

    @admin.action(permissions=["publish"], description="Publish selected %(verbose_name_plural)s")
    def publish_selected(self, request, queryset):
        self.step(
            request,
            queryset.exclude(state=PublicationState.PUBLISHED),
            editorial.publish,
            "Published {} record(s).",
        )

    @admin.action(permissions=["publish"], description="Withdraw selected %(verbose_name_plural)s")
    def withdraw_selected(self, request, queryset):
        """Asks for the reason on an intermediate page, then withdraws."""
        reason = request.POST.get("reason", "").strip()
        if "apply" in request.POST and reason:
            self.step(
                request,
                queryset.filter(state=PublicationState.PUBLISHED),
                editorial.withdraw,
                "Withdrew {} record(s).",
                reason=reason,
            )
            return None
        return TemplateResponse(
            request,
            "admin/statements/withdraw_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Withdraw {self.opts.verbose_name_plural}",
                "opts": self.opts,
                "records": list(queryset),
                "reason": reason,
                "missing_reason": "apply" in request.POST,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def step(self, request, queryset, service, done: str, **kwargs) -> None:
        count, refused = 0, []
        for obj in queryset:
            try:
                with transaction.atomic():
                    service(record=obj, user=request.user, **kwargs)
            except editorial.EditorialRefusal as refusal:
                refused.append(f"{obj}: {refusal.message}")
                continue
            self.log_change(request, obj, f"Set state to {obj.get_state_display()}.")
            count += 1
        self.message_user(
            request, done.format(count), messages.SUCCESS if count else messages.WARNING
        )
        for message in refused:
            self.message_user(request, message, messages.ERROR)


class MergeAdminMixin:
    """ "Merge into…" for people, organizations and topics: select exactly two, choose the
    one to keep on the next page. Publishers only; editorial.merge does the work."""

    actions = [*PublicationAdminMixin.actions, "merge_selected"]

    def has_merge_permission(self, request) -> bool:
        return editorial.may(request.user, "merge", self.model)

    @admin.action(permissions=["merge"], description="Merge into…")
    def merge_selected(self, request, queryset):
        records = list(queryset.order_by("pk")[:3])
        if len(records) != 2:
            self.message_user(request, "Select exactly two records to merge.", messages.WARNING)
            return None
        error = ""
        if "apply" in request.POST:
            chosen = request.POST.get("survivor", "")
            keep = [record for record in records if str(record.pk) == chosen]
            if not keep:
                error = "Choose the record to keep."
            else:
                survivor = keep[0]
                duplicate = next(record for record in records if record.pk != survivor.pk)
                try:
                    report = editorial.merge(
                        survivor=survivor, duplicate=duplicate, user=request.user
                    )
                except editorial.EditorialRefusal as refusal:
                    error = refusal.message
                else:
                    self.log_change(
                        request, survivor, f"Merged “{duplicate}” into it: {report.summary()}."
                    )
                    self.message_user(
                        request,
                        f"Merged “{duplicate}” into “{survivor}”: {report.summary()}. "
                        f"The address /{duplicate.slug}/ now leads to “{survivor}”.",
                        messages.SUCCESS,
                    )
                    return None
        return TemplateResponse(
            request,
            "admin/statements/merge_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Merge two {self.opts.verbose_name_plural}",
                "opts": self.opts,
                "records": records,
                "error": error,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


# Inlines ------------------------------------------------------------------------------


class AffiliationInline(EditorialInlineMixin, admin.TabularInline):
    """On a person's page (pick the organization) and an organization's (pick the person)."""

    model = Affiliation
    extra = 0
    autocomplete_fields = ["person", "organization"]


class CandidacyInline(EditorialInlineMixin, admin.TabularInline):
    """On a person's page (pick the race) and a race's (pick the person)."""

    model = Candidacy
    extra = 0
    autocomplete_fields = ["person", "race", "party"]


class StatementSourceInline(EditorialInlineMixin, admin.TabularInline):
    model = StatementSource
    min_num = 1
    extra = 0
    autocomplete_fields = ["source"]
    verbose_name_plural = "sources (at least one)"

    def get_formset(self, request, obj=None, **kwargs):
        # The admin shows min_num forms but does not enforce them: a statement whose
        # source row was removed or deleted must still be refused.
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class StatementTopicInline(EditorialInlineMixin, admin.TabularInline):
    model = StatementTopic
    extra = 1
    autocomplete_fields = ["topic"]


class ReactionInline(PublishRightMixin, EditorialInlineMixin, admin.StackedInline):
    model = Reaction
    extra = 0
    autocomplete_fields = ["respondent", "respondent_organization", "source"]
    fields = [
        ("respondent", "respondent_role", "respondent_organization"),
        ("stance", "interpretation"),
        "kind",
        "text",
        ("channel", "source", "reacted_on"),
        "state",
    ]


class CommentRequestInline(EditorialInlineMixin, admin.StackedInline):
    model = CommentRequest
    extra = 0
    autocomplete_fields = ["asked_person", "asked_organization", "requested_by", "source"]
    fields = [
        ("asked_person", "asked_organization"),
        ("requested_by", "source"),
        "subject",
        ("requested_on", "date_precision", "repeated"),
        ("date_inferred", "date_inference_note"),
        ("outcome", "response"),
    ]


# People and organizations -------------------------------------------------------------


@admin.register(Organization)
class OrganizationAdmin(MergeAdminMixin, PublicationAdminMixin, EditorialAdmin):
    list_display = ["name", "abbreviation", "kind", "state"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "abbreviation", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = URLS_ASSUME_HTTPS
    inlines = [AffiliationInline]


@admin.register(Person)
class PersonAdmin(MergeAdminMixin, PublicationAdminMixin, EditorialAdmin):
    list_display = ["name", "sort_name", "roles", "statement_count", "state"]
    list_filter = ["state"]
    search_fields = ["name", "sort_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AffiliationInline, CandidacyInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "affiliations", queryset=Affiliation.objects.select_related("organization")
                )
            )
            .annotate(statement_count=count_of(Statement, "speaker"))
        )

    @admin.display(description="Roles")
    def roles(self, person):
        return "; ".join(
            f"{a.role}, {a.organization}" if a.role else str(a.organization)
            for a in person.affiliations.all()
        )

    @admin.display(description="Statements", ordering="statement_count")
    def statement_count(self, person):
        return person.statement_count


@admin.register(Affiliation)
class AffiliationAdmin(EditorialAdmin):
    list_display = ["person", "role", "organization", "start_date", "end_date"]
    list_select_related = ["person", "organization"]
    list_filter = ["organization__kind"]
    search_fields = ["person__name", "organization__name", "organization__abbreviation", "role"]
    autocomplete_fields = ["person", "organization"]


# Elections ----------------------------------------------------------------------------


@admin.register(Election)
class ElectionAdmin(PublicationAdminMixin, EditorialAdmin):
    list_display = ["name", "office", "jurisdiction", "year", "race_count", "state"]
    list_filter = ["year", "state"]
    search_fields = ["name", "office", "jurisdiction"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(race_count=count_of(Race, "election"))

    @admin.display(description="Races", ordering="race_count")
    def race_count(self, election):
        return election.race_count


@admin.register(Race)
class RaceAdmin(PublicationAdminMixin, EditorialAdmin):
    list_display = ["name", "election", "stage", "party", "date", "candidate_count", "state"]
    list_filter = ["stage", "election", "state"]
    search_fields = ["name", "election__name", "party__name"]
    autocomplete_fields = ["election", "party"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "date"
    inlines = [CandidacyInline]

    def get_queryset(self, request):
        # Joined here, not in list_select_related (which the changelist ignores once the
        # queryset has a select_related): a race's name includes its election's, in
        # autocomplete results as well.
        return (
            super()
            .get_queryset(request)
            .select_related("election", "party")
            .annotate(candidate_count=count_of(Candidacy, "race"))
        )

    @admin.display(description="Candidates", ordering="candidate_count")
    def candidate_count(self, race):
        return race.candidate_count


@admin.register(Candidacy)
class CandidacyAdmin(EditorialAdmin):
    list_display = ["person", "race", "party", "incumbent", "result"]
    list_select_related = ["person", "race__election", "party"]
    list_filter = ["result", "incumbent", "race__stage", "race__election"]
    search_fields = ["person__name", "race__name", "race__election__name"]
    autocomplete_fields = ["person", "race", "party"]


# Events and sources -------------------------------------------------------------------


@admin.register(Event)
class EventAdmin(PublicationAdminMixin, EditorialAdmin):
    list_display = ["name", "kind", "when", "online", "location", "host_names", "state"]
    list_filter = ["kind", "online", "date_inferred", "state"]
    search_fields = ["name", "location", "hosts__name"]
    autocomplete_fields = ["hosts"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "date"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("hosts")

    @admin.display(description="Date", ordering="date")
    def when(self, event):
        return event.date_display

    @admin.display(description="Hosts")
    def host_names(self, event):
        return ", ".join(host.name for host in event.hosts.all())


@admin.register(Source)
class SourceAdmin(PublicationAdminMixin, EditorialAdmin):
    list_display = ["title", "outlet", "author", "published_on", "state"]
    list_filter = ["state"]
    search_fields = ["title", "author", "url", "outlet__name"]
    autocomplete_fields = ["outlet"]
    date_hierarchy = "published_on"
    formfield_overrides = URLS_ASSUME_HTTPS
    fieldsets = [
        ("Publication", {"fields": ["outlet", "title", "author", "published_on"]}),
        ("Where to find it", {"fields": ["url", "archive_url"]}),
        ("Text", {"fields": ["text"], "classes": ["collapse"]}),
        ("State", {"fields": ["state", "published_at", "published_by"]}),
    ]

    def get_queryset(self, request):
        # A source's name includes its outlet's, in autocomplete results as well.
        return super().get_queryset(request).select_related("outlet")


# Topics -------------------------------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(MergeAdminMixin, PublicationAdminMixin, EditorialAdmin):
    list_display = ["path", "slug", "statement_count", "state"]
    list_select_related = ["__".join(["parent"] * TOPIC_PATH_DEPTH)]
    list_filter = ["state", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "parent__name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(statement_count=count_of(StatementTopic, "topic"))
        )

    @admin.display(description="Topic", ordering="name")
    def path(self, topic):
        """'Immigration › 287(g) program', from the parents joined in the changelist query.

        Deeper than TOPIC_PATH_DEPTH broader topics, the rest shows as '…'.
        """
        names, node = [topic.name], topic
        for _ in range(TOPIC_PATH_DEPTH):
            if node.parent_id is None:
                break
            node = node.parent
            names.append(node.name)
        else:
            if node.parent_id is not None:
                names.append("…")
        return " › ".join(reversed(names))

    @admin.display(description="Statements", ordering="statement_count")
    def statement_count(self, topic):
        return topic.statement_count


# Statements and what is said about them -----------------------------------------------


@admin.register(Statement)
class StatementAdmin(PublicationAdminMixin, EditorialAdmin):
    list_display = [
        "quote",
        "speaker_name",
        "kind",
        "said",
        "event",
        "topic_names",
        "reaction_count",
        "state",
    ]
    list_select_related = ["event"]
    list_filter = ["state", "kind", "date_inferred", ("topics", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["text", "speaker_name", "speaker__name", "context", "event__name"]
    autocomplete_fields = ["speaker", "speaker_party", "event"]
    date_hierarchy = "said_on"
    save_on_top = True
    fieldsets = [
        ("Who", {"fields": ["speaker", "speaker_role", "speaker_party"]}),
        (
            "Where and when",
            {
                "fields": [
                    "event",
                    ("said_on", "date_precision"),
                    ("date_inferred", "date_inference_note"),
                ],
                "description": "The day it was said, not the day it was reported.",
            },
        ),
        ("What was said", {"fields": ["kind", "text", "frame", "context"]}),
        ("Publication", {"fields": ["state", "published_at", "published_by"]}),
    ]
    inlines = [StatementSourceInline, StatementTopicInline, ReactionInline, CommentRequestInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("topics")
            .annotate(reaction_count=count_of(Reaction, "statement"))
        )

    @admin.display(description="Statement", ordering="text")
    def quote(self, statement):
        return excerpt(statement.text)

    @admin.display(description="Said", ordering="said_on")
    def said(self, statement):
        return statement.date_display

    @admin.display(description="Topics")
    def topic_names(self, statement):
        return ", ".join(topic.name for topic in statement.topics.all())

    @admin.display(description="Reactions", ordering="reaction_count")
    def reaction_count(self, statement):
        return statement.reaction_count


@admin.register(Reaction)
class ReactionAdmin(PublicationAdminMixin, EditorialAdmin):
    list_display = ["respondent", "stance", "quote", "statement", "source", "state"]
    list_select_related = ["respondent", "statement", "source__outlet"]
    list_filter = ["stance", "kind", "state"]
    search_fields = ["text", "interpretation", "respondent__name", "statement__text"]
    autocomplete_fields = ["statement", "respondent", "respondent_organization", "source"]
    date_hierarchy = "reacted_on"
    fieldsets = [
        ("To what", {"fields": ["statement"]}),
        ("Who", {"fields": ["respondent", "respondent_role", "respondent_organization"]}),
        ("What they said", {"fields": ["stance", "interpretation", "kind", "text"]}),
        (
            "Publication",
            {
                "fields": [
                    "channel",
                    "source",
                    "reacted_on",
                    "state",
                    "published_at",
                    "published_by",
                ]
            },
        ),
    ]

    @admin.display(description="Reaction", ordering="text")
    def quote(self, reaction):
        return excerpt(reaction.text)


@admin.register(CommentRequest)
class CommentRequestAdmin(EditorialAdmin):
    list_display = ["asked", "requested_by", "subject", "outcome", "when", "statement"]
    list_select_related = ["asked_person", "asked_organization", "requested_by", "statement"]
    list_filter = ["outcome", "repeated"]
    search_fields = [
        "subject",
        "asked_person__name",
        "asked_organization__name",
        "requested_by__name",
    ]
    autocomplete_fields = [
        "statement",
        "asked_person",
        "asked_organization",
        "requested_by",
        "source",
    ]
    date_hierarchy = "requested_on"

    @admin.display(description="Asked")
    def asked(self, request_for_comment):
        return request_for_comment.asked

    @admin.display(description="Asked on", ordering="requested_on")
    def when(self, request_for_comment):
        return request_for_comment.date_display


# Editorial summaries ------------------------------------------------------------------


@admin.register(Position)
class PositionAdmin(PublicationAdminMixin, EditorialAdmin):
    list_display = ["person", "topic", "summary", "as_of", "statement_count", "state"]
    list_select_related = ["person", "topic"]
    list_filter = ["state"]
    search_fields = ["summary", "person__name", "topic__name"]
    autocomplete_fields = ["person", "topic", "statements", "sources"]
    date_hierarchy = "as_of"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(statement_count=count_of(Position.statements.through, "position"))
        )

    @admin.display(description="Statements", ordering="statement_count")
    def statement_count(self, position):
        return position.statement_count


@admin.register(BackgroundNote)
class BackgroundNoteAdmin(PublicationAdminMixin, EditorialAdmin):
    list_display = ["title", "as_of", "topic_names", "state"]
    list_filter = ["state"]
    search_fields = ["title", "text"]
    autocomplete_fields = ["topics", "organizations", "sources"]
    date_hierarchy = "as_of"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    @admin.display(description="Topics")
    def topic_names(self, note):
        return ", ".join(topic.name for topic in note.topics.all())
