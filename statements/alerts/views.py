"""The pages under /alerts/: ask for an alert, confirm it, manage or stop it.

None is served from the anonymous page cache (settings.PAGE_CACHE_EXCLUDED_PATHS): they
answer one person, and the links carry tokens. Only /alerts/new/ uses a CSRF token; the
other forms post back to their own signed link, and the signature is their authority
(which RFC 8058's one-click unsubscribe, a POST from a mail client, needs anyway). Bad
links get a 400 page, expired ones a 410 page, never an error.
"""

from __future__ import annotations

import functools
import logging

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tracker.security import client_ip

from ..caching.shared import UNREACHABLE
from . import mail, searches, subscriptions, throttle, tokens
from .forms import SubscribeForm
from .models import SavedSearch, Subscriber

logger = logging.getLogger(__name__)


def private_page(view):
    """Never cached, never indexed, and the token in the address is not passed on to
    other sites its links lead to. (Not "no-referrer": browsers then send "Origin: null"
    with the form, which the CSRF check of /alerts/new/ refuses.)"""

    @functools.wraps(view)
    @never_cache
    @require_http_methods(["GET", "HEAD", "POST"])
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapped


def message(request, title: str, text: str, *, status: int = 200, **extra) -> HttpResponse:
    return render(
        request, "alerts/message.html", {"title": title, "text": text, **extra}, status=status
    )


def link_problem(request, problem: tokens.BadToken) -> HttpResponse:
    if isinstance(problem, tokens.ExpiredToken):
        return message(
            request,
            "This link has expired",
            "Confirmation links work for a limited time. Ask for the alert again from the "
            "statements page, and follow the new link.",
            status=410,
        )
    return message(
        request,
        "This link does not work",
        "It may have been cut short or changed on the way. Copy the whole link from the "
        "mail, or ask for the alert again from the statements page.",
        status=400,
    )


@private_page
def new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        checked = searches.check(QueryDict(request.POST.get("query", "")))
    else:
        checked = searches.check(request.GET)
        form = SubscribeForm(initial={"query": checked.query})
    context = {"form": form, "search": checked}
    if checked.errors:
        return render(request, "alerts/new.html", context, status=400)
    if request.method != "POST" or not form.is_valid():
        return render(request, "alerts/new.html", context)
    try:
        allowed = throttle.client_allowed(client_ip(request))
        address_allowed = throttle.address_allowed(form.cleaned_data["email"]) if allowed else False
    except UNREACHABLE:  # nothing to count the requests with: none is taken
        logger.exception("The alerts' request counts could not be read")
        return message(
            request,
            "Alerts cannot be taken just now",
            "Nothing was sent. Try again in a few minutes.",
            status=503,
        )
    if not allowed:
        response = message(
            request,
            "Too many requests",
            "This connection has asked for many alerts in a short time. Try again later.",
            status=429,
        )
        response["Retry-After"] = "3600"
        return response
    email = form.cleaned_data["email"]
    # Within the limit for the address, the mail goes; beyond it, nothing is sent. The
    # page is the same either way, and the same for any address: it does not tell
    # whether an address is subscribed already.
    if address_allowed:
        request_ = tokens.Request(
            email=email, query=checked.query, label=form.cleaned_data["label"]
        )
        try:
            mail.confirmation(request_, base_url=request.build_absolute_uri("/")).send()
        except Exception:
            logger.exception("The confirmation mail could not be sent")
            return message(
                request,
                "The mail could not be sent",
                "Our mail server did not take the message. Try again in a few minutes.",
                status=503,
            )
    return message(
        request,
        "Check your inbox",
        f"If {email} can receive mail, a message is on its way with a link to confirm "
        "the alert. Nothing is sent until you follow it.",
    )


@csrf_exempt
@private_page
def confirm(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("token", "")
    try:
        asked = tokens.read_confirm_token(token)
    except tokens.BadToken as problem:
        return link_problem(request, problem)
    checked = searches.check(QueryDict(asked.query))
    if checked.errors:
        return message(
            request,
            "This search no longer works",
            "Something it names is no longer published. Make the search again on the "
            "statements page.",
            status=400,
        )
    if request.method != "POST":
        return render(
            request, "alerts/confirm.html", {"asked": asked, "search": checked, "token": token}
        )
    search = subscriptions.confirm(asked)
    return render(
        request,
        "alerts/confirmed.html",
        {"search": checked, "manage_url": search.subscriber.get_absolute_url()},
    )


@csrf_exempt
@private_page
def manage(request: HttpRequest) -> HttpResponse:
    """The address's alerts, with a button to stop each and one to delete everything.
    A POST (the button, or a mail client's one-click unsubscribe) deletes everything."""
    token = request.GET.get("token", "")
    try:
        key = tokens.read_manage_token(token)
    except tokens.BadToken as problem:
        return link_problem(request, problem)
    if request.method == "POST":
        subscriptions.delete_subscriber(key=key)
        return message(
            request,
            "Deleted",
            "Your address and all its alerts are deleted. No more mail will come from them.",
        )
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        return message(
            request,
            "Nothing stored",
            "There are no alerts for this link: the address was deleted.",
            status=404,
        )
    rows = [
        {
            "search": search,
            "summary": searches.summary(search.query),
            "unsubscribe_token": tokens.unsubscribe_token(search),
        }
        for search in subscriber.searches.order_by("id")
    ]
    return render(
        request, "alerts/manage.html", {"subscriber": subscriber, "rows": rows, "token": token}
    )


@csrf_exempt
@private_page
def unsubscribe(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("token", "")
    try:
        key = tokens.read_unsubscribe_token(token)
    except tokens.BadToken as problem:
        return link_problem(request, problem)
    if request.method == "POST":
        subscriptions.unsubscribe(search_key=key)
        return message(request, "Alert stopped", "You will get no more mail for this search.")
    search = SavedSearch.objects.filter(key=key).first()
    if search is None:
        return message(
            request, "Already stopped", "This alert was stopped or deleted before.", status=404
        )
    return render(
        request,
        "alerts/unsubscribe.html",
        {"search": search, "summary": searches.summary(search.query), "token": token},
    )
