"""Sign-in throttling hooks for django-axes: who the client is, and what a lockout says;
and a warning when the proxy settings disagree with the traffic."""

import functools
import ipaddress
import logging
import math
import threading

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


@functools.lru_cache(maxsize=8)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """TRUSTED_PROXIES as networks; an entry that is neither an address nor a network is
    skipped here and reported by the system check (tracker.checks)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def is_trusted_proxy(address: str | None) -> bool:
    """Whether ``address`` (REMOTE_ADDR) is one of TRUSTED_PROXIES, our own proxies.

    An empty REMOTE_ADDR is a unix socket, which only the processes allowed to open the
    socket file can reach (nginx): gunicorn trusts it too, whatever FORWARDED_ALLOW_IPS."""
    if address == "":
        return True
    if address is None:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 when gunicorn listens on [::]
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def forwarded_for(request) -> list[str]:
    return [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]


def client_ip(request) -> str | None:
    """The address the request came from.

    REMOTE_ADDR, unless REMOTE_ADDR is one of our proxies (TRUSTED_PROXIES, default
    loopback: nginx on the same host) and TRUSTED_PROXY_COUNT > 0. Then the client is the
    TRUSTED_PROXY_COUNT-th entry of X-Forwarded-For from the right: each of our proxies
    appends the address it was reached from (nginx: ``$proxy_add_x_forwarded_for``), and
    entries further left were written by the client and prove nothing. A request that
    reaches the app server directly from anywhere else is counted by its REMOTE_ADDR,
    whatever X-Forwarded-For it carries.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    remote_ip = _valid_ip(remote)
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0 and is_trusted_proxy(remote_ip if remote else ""):
        forwarded = forwarded_for(request)
        if len(forwarded) >= count:
            found = _valid_ip(forwarded[-count])
            if found:
                return found
    return remote_ip or remote or None


# Proxy settings that disagree with the traffic: said once per process, per kind.
log = logging.getLogger("tracker.security")
_warned: set[str] = set()
_warned_lock = threading.Lock()
UNREAD_FORWARDED_FOR = (
    "X-Forwarded-For arrived from %s, one of TRUSTED_PROXIES, but TRUSTED_PROXY_COUNT is 0: "
    "every client is counted as the proxy's address, and a few wrong passwords from anyone "
    "lock the real editor out. Set TRUSTED_PROXY_COUNT to the number of proxies that append "
    "to X-Forwarded-For (nginx alone: 1). Logged once per process."
)
UNTRUSTED_FORWARDED_FOR = (
    "X-Forwarded-For arrived from %s, which is not in TRUSTED_PROXIES, while "
    "TRUSTED_PROXY_COUNT is %d: the header is ignored and the request is counted by its own "
    "address. If that is your proxy, add it to TRUSTED_PROXIES; if not, the app server is "
    "reachable without going through the proxy. Logged once per process."
)


def _warn_once(kind: str, message: str, *args) -> None:
    with _warned_lock:
        if kind in _warned:
            return
        _warned.add(kind)
    log.warning(message, *args)


def reset_forwarding_warnings() -> None:
    """Forget which warnings were logged (for tests)."""
    with _warned_lock:
        _warned.clear()


def check_forwarding_headers(request) -> None:
    """Log, once per process, a request whose X-Forwarded-For disagrees with the settings:
    sent by a trusted proxy while TRUSTED_PROXY_COUNT is 0 (the header is wasted and all
    clients share the proxy's address), or sent from an untrusted address while
    TRUSTED_PROXY_COUNT > 0 (a misnamed proxy, or someone bypassing it)."""
    if len(_warned) == 2 or "HTTP_X_FORWARDED_FOR" not in request.META:
        return
    remote = request.META.get("REMOTE_ADDR", "")
    remote_ip = _valid_ip(remote)
    where = remote_ip or ("a unix socket" if remote == "" else "an unparsable address")
    count = settings.TRUSTED_PROXY_COUNT
    trusted = is_trusted_proxy(remote_ip if remote else "")
    if trusted and count <= 0:
        _warn_once("unread", UNREAD_FORWARDED_FOR, where)
    elif not trusted and count > 0:
        _warn_once("untrusted", UNTRUSTED_FORWARDED_FOR, where, count)


def cooloff_minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    minutes = cooloff_minutes()
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed sign-in attempts; try again in {minutes} {unit}."


def in_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second" + ("" if seconds == 1 else "s")
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute" + ("" if minutes == 1 else "s")


def backoff_message(seconds: int) -> str:
    return (
        "Too many failed sign-in attempts for this username from new addresses; "
        f"try again in {in_words(seconds)}. Signing in from where you have signed in "
        "before is not delayed."
    )


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets: 429, with the wait in words and in Retry-After.

    Either the username + address pair is locked out for the cool-off (django-axes), or
    the username is in backoff for sign-ins from new addresses (tracker.signin)."""
    backoff = getattr(request, "signin_backoff_seconds", 0)
    if backoff:
        message, retry_after = backoff_message(backoff), backoff
    else:
        message = lockout_message()
        retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    template = engines["django"].from_string(LOCKOUT_PAGE)
    body = template.render({"message": message}, request)
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    return response
