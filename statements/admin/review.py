"""The review queue in the admin: what waits for a publisher, by article, oldest first.

Publishers see everything in review and publish an article's records "with what they
need" (after a page listing those drafts and anything that blocks them), or send them
back to draft with a reason. Editors see their own submissions and what came back to
them. The reads and the publishing are the editorial service's
(statements/editorial/queue.py).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from .. import editorial
from ..editorial import queue
from ..models import PublicationState
from .forms import refusal_text


def change_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def record_link(record):
    return format_html(
        '<a href="{}">{} {}</a>',
        change_url(record),
        queue.label(type(record)),
        queue.describe(record),
    )


def publish_url(keys) -> str:
    return reverse("admin:statements_review_publish") + "?" + urlencode({"r": keys}, doseq=True)


def review_queue_view(request):
    user = request.user
    may_publish = editorial.has_rights(user, editorial.PUBLISH)
    if not (may_publish or editorial.has_rights(user, editorial.SUBMIT)):
        raise PermissionDenied
    groups = queue.review_queue(submitted_by=None if may_publish else user)
    for group in groups:
        group.publish_url = publish_url(group.keys)
        for item in group.items:
            item.change_url = change_url(item.record)
            item.publish_url = publish_url([item.key])
    returned = queue.returned_to(user)
    for back in returned:
        back.change_url = change_url(back.record)
    context = {
        **admin.site.each_context(request),
        "title": "Review queue" if may_publish else "Your submissions",
        "groups": groups,
        "returned": returned,
        "may_publish": may_publish,
        "waiting": sum(len(group.items) for group in groups),
    }
    return TemplateResponse(request, "admin/statements/review_queue.html", context)


def review_publish_view(request):
    """GET: what publishing these records with what they need would publish, and what
    blocks it, as links. POST: publish them all (one transaction), or send them back."""
    if not editorial.has_rights(request.user, editorial.PUBLISH):
        raise PermissionDenied
    keys = request.POST.getlist("r") if request.method == "POST" else request.GET.getlist("r")
    records = queue.records_from_keys(keys[:500])
    refusal = None
    if request.method == "POST" and records:
        if "_return" in request.POST:
            return _send_back(request, records)
        try:
            published = queue.publish_together(
                records=records, user=request.user, note=request.POST.get("note", "").strip()
            )
        except queue.PublishRefused as refused:
            refusal = refused
        except (editorial.EditorialRefusal, ValidationError) as refused:
            refusal = queue.PublishRefused(refusal_text(refused), blockers=[])
        else:
            messages.success(
                request,
                f"Published {len(published)} record(s) with what they needed.",
            )
            return HttpResponseRedirect(reverse("admin:statements_review_queue"))
    plan = queue.plan_publication(records)
    blockers = refusal.blockers if refusal is not None else plan.blockers
    context = {
        **admin.site.each_context(request),
        "title": "Publish with what it needs",
        "records": [(record, change_url(record)) for record in records],
        "needs": [(need, change_url(need.record), change_url(need.of)) for need in plan.needs],
        "blockers": [(b, change_url(b.record)) for b in blockers],
        "refusal": refusal,
        "keys": [queue.record_key(record) for record in records],
        "total": len(records) + len(plan.needs),
    }
    return TemplateResponse(request, "admin/statements/review_publish.html", context)


def _send_back(request, records):
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, "Say why they go back, so that the editor knows what to fix.")
        return HttpResponseRedirect(publish_url([queue.record_key(r) for r in records]))
    sent = []
    try:
        with transaction.atomic():
            for record in records:
                if record.state == PublicationState.REVIEW:
                    editorial.return_to_draft(record=record, user=request.user, reason=reason)
                    sent.append(record)
    except editorial.EditorialRefusal as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(publish_url([queue.record_key(r) for r in records]))
    messages.success(
        request,
        format_html(
            "Sent back to draft: {}.",
            format_html_join(", ", "{}", ((record_link(r),) for r in sent)),
        ),
    )
    return HttpResponseRedirect(reverse("admin:statements_review_queue"))
