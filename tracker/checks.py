"""System checks of the proxy settings that sign-in throttling depends on.

``manage.py check`` reports settings that cannot work (tracker.E001, tracker.E002);
``manage.py check --deploy`` also warns when the proxy settings disagree with each other
(tracker.W001 to tracker.W003). The same disagreement seen in live traffic is logged once
per process by ``tracker.security.check_forwarding_headers``.
"""

import ipaddress
import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

GUNICORN_DEFAULT_FORWARDED_ALLOW_IPS = "127.0.0.1,::1"


def _network_set(entries) -> set | None:
    """The entries as a set of networks; None if one of them is not an address or network."""
    networks = set()
    for entry in entries:
        try:
            networks.add(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            return None
    return networks


@register(Tags.security)
def check_proxy_settings(app_configs, **kwargs):
    errors = []
    bad = []
    for entry in settings.TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            bad.append(entry)
    if bad:
        errors.append(
            Error(
                f"TRUSTED_PROXIES holds entries that are neither an address nor a network: "
                f"{', '.join(map(repr, bad))}.",
                hint="List your proxies' addresses or networks, e.g. 127.0.0.1,::1 or "
                "10.0.0.0/8; a wildcard is not accepted.",
                id="tracker.E001",
            )
        )
    if settings.TRUSTED_PROXY_COUNT < 0:
        errors.append(
            Error(
                "TRUSTED_PROXY_COUNT is negative.",
                hint="Set it to the number of proxies of yours that append to "
                "X-Forwarded-For (nginx alone: 1), or 0 for none.",
                id="tracker.E002",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_proxy_settings_agree(app_configs, **kwargs):
    warnings = []
    count = settings.TRUSTED_PROXY_COUNT
    if not settings.DEBUG and settings.SECURE_PROXY_SSL_HEADER and count == 0:
        warnings.append(
            Warning(
                "SECURE_PROXY_SSL_HEADER says a proxy stands in front of the app, but "
                "TRUSTED_PROXY_COUNT is 0: every client would be counted as the proxy's "
                "address, and a few wrong passwords from anyone would lock the real "
                "editor out of the admin.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies of yours that append "
                "to X-Forwarded-For (nginx alone: 1; load balancer and nginx: 2).",
                id="tracker.W001",
            )
        )
    if count > 0 and not settings.TRUSTED_PROXIES:
        warnings.append(
            Warning(
                f"TRUSTED_PROXY_COUNT is {count} but TRUSTED_PROXIES is empty: "
                "X-Forwarded-For is never read, and clients behind a proxy share its address.",
                hint="Set TRUSTED_PROXIES to the address(es) the proxy connects from.",
                id="tracker.W002",
            )
        )
    # gunicorn believes X-Forwarded-Proto from FORWARDED_ALLOW_IPS; the sign-in throttle
    # believes X-Forwarded-For from TRUSTED_PROXIES. They name the same proxy.
    forwarded_allow = os.environ.get("FORWARDED_ALLOW_IPS", GUNICORN_DEFAULT_FORWARDED_ALLOW_IPS)
    gunicorn_trusts = _network_set(part for part in forwarded_allow.split(",") if part.strip())
    we_trust = _network_set(settings.TRUSTED_PROXIES)
    # (A wildcard, which gunicorn accepts, parses as None here: a disagreement too.)
    if count > 0 and we_trust is not None and gunicorn_trusts != we_trust:
        warnings.append(
            Warning(
                f"gunicorn's FORWARDED_ALLOW_IPS ({forwarded_allow!r}) and TRUSTED_PROXIES "
                f"({','.join(settings.TRUSTED_PROXIES)!r}) name different proxies.",
                hint="Set both to the address(es) your proxy connects from.",
                id="tracker.W003",
            )
        )
    return warnings
