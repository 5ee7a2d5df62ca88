"""How many subscription requests one client address, and one email address, may make:
a fixed window counted in the shared cache (the one every worker reads), so that the
form cannot be used to flood an inbox or the outgoing mail server."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import caches

PREFIX = "alerts-throttle"


def _hit(kind: str, who: str, limit: int, window: int) -> bool:
    """Count one request by ``who``; True while it is within ``limit`` per ``window`` s."""
    cache = caches["default"]
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    key = f"{PREFIX}:{kind}:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def client_allowed(ip: str | None) -> bool:
    return _hit(
        "ip",
        ip or "unknown",
        settings.ALERTS_REQUESTS_PER_CLIENT,
        settings.ALERTS_REQUESTS_CLIENT_WINDOW,
    )


def address_allowed(email: str) -> bool:
    return _hit(
        "email",
        email.lower(),
        settings.ALERTS_REQUESTS_PER_ADDRESS,
        settings.ALERTS_REQUESTS_ADDRESS_WINDOW,
    )
