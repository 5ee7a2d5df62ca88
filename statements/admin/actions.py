"""The workflow actions (submit for review, return to draft, publish, withdraw) and
"Merge into…" for people, organizations and topics (publishers only)."""

from collections.abc import Sequence

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse

from .. import editorial
from ..models import PublicationState
from .forms import refusal_text
from .mixins import AdminBase, ModelAdminBase

PUBLISH_PERMISSION = editorial.PUBLISH


class PublishRightMixin(AdminBase):
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


class PublicationAdminMixin(PublishRightMixin, ModelAdminBase):
    """The workflow for every admin of an EditorialModel (a model with a `state`).

    - `state` is read-only without the publish right; with it, a changed state is carried
      out by the services after the save (publish, withdraw with the reason in "Reason
      for the state change", submit for review, return to draft);
    - actions: "Submit for review" and "Return to draft" (editors and publishers),
      "Publish", "Publish with what they need" (the drafts they point at, in the same
      transaction) and "Withdraw" (publishers; withdrawing asks for the reason and lists
      the published records that still show each one, to withdraw with it or not).
    Each action calls the service per record: a refusal names the record and why.
    """

    actions: Sequence[str] = [
        "submit_selected",
        "return_to_draft_selected",
        "publish_selected",
        "publish_with_dependencies_selected",
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

    @admin.action(
        permissions=["publish"],
        description="Publish selected %(verbose_name_plural)s with what they need",
    )
    def publish_with_dependencies_selected(self, request, queryset):
        self.step(
            request,
            queryset.exclude(state=PublicationState.PUBLISHED),
            editorial.publish,
            "Published {} record(s) with what they need.",
            with_dependencies=True,
        )

    @admin.action(permissions=["publish"], description="Withdraw selected %(verbose_name_plural)s")
    def withdraw_selected(self, request, queryset):
        """Asks for the reason on an intermediate page (which lists what still shows each
        record), then withdraws."""
        reason = request.POST.get("reason", "").strip()
        if "apply" in request.POST and reason:
            self.step(
                request,
                queryset.filter(state=PublicationState.PUBLISHED),
                editorial.withdraw,
                "Withdrew {} record(s).",
                reason=reason,
                with_dependents=request.POST.get("with_dependents") == "1",
            )
            return None
        records = [
            (
                record,
                [f"{other._meta.verbose_name}: {other}" for other in editorial.dependents(record)],
            )
            for record in queryset
        ]
        return TemplateResponse(
            request,
            "admin/statements/withdraw_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Withdraw {self.opts.verbose_name_plural}",
                "opts": self.opts,
                "records": records,
                "any_showing": any(showing for _, showing in records),
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
            except (editorial.EditorialRefusal, ValidationError) as refusal:
                # A ValidationError: the stored record fails full_clean() (the services
                # validate before every save), e.g. a link the validators now refuse.
                refused.append(f"{obj}: {refusal_text(refusal)}")
                continue
            self.log_change(request, obj, f"Set state to {obj.get_state_display()}.")
            count += 1
        self.message_user(
            request, done.format(count), messages.SUCCESS if count else messages.WARNING
        )
        for message in refused:
            self.message_user(request, message, messages.ERROR)


class MergeAdminMixin(ModelAdminBase):
    """ "Merge into…" for people, organizations and topics: select exactly two, choose the
    one to keep on the next page. Publishers only; editorial.merge does the work."""

    actions: Sequence[str] = [*PublicationAdminMixin.actions, "merge_selected"]

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
