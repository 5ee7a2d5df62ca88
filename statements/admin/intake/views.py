"""The desk's page: shows, checks, adds rows to or saves an article, and links to it."""

from __future__ import annotations

import uuid

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from ... import editorial
from ...editorial import intake
from ...models import Source
from .desk import Desk


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
