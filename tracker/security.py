"""Sign-in throttling hooks for django-axes: who the client is, and what a lockout says."""

import ipaddress

from django.conf import settings
from django.http import HttpResponse
from django.template import engines

LOCKOUT_PAGE = """{% extends "base.html" %}
{% block title %}Too many sign-in attempts | {{ site_name }}{% endblock title %}
{% block content %}
<h1>Too many sign-in attempts</h1>
<p>{{ message }}</p>
{% endblock content %}"""


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address the request came from.

    With no proxy of ours in front (TRUSTED_PROXY_COUNT=0, the default) that is
    REMOTE_ADDR. Behind N proxies that each append the address they were reached from to
    X-Forwarded-For (nginx: ``$proxy_add_x_forwarded_for``), it is the N-th entry from the
    right: entries further left were written by the client and prove nothing.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            found = _valid_ip(forwarded[-count])
            if found:
                return found
    return _valid_ip(remote) or remote or None


def cooloff_minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    minutes = cooloff_minutes()
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed sign-in attempts; try again in {minutes} {unit}."


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets: 429, with the wait in words and in Retry-After."""
    template = engines["django"].from_string(LOCKOUT_PAGE)
    body = template.render({"message": lockout_message()}, request)
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
