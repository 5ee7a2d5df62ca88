"""Sign-in throttling per username across addresses, on top of django-axes' lockout of a
username + address pair.

django-axes locks a username at one address after AXES_FAILURE_LIMIT failures. Someone
who guesses from many addresses gets that many guesses per address; this adds a limit per
username whatever the address:

- An attempt for a username from an address that has never signed in as that username
  (not a ``KnownSignInAddress``) is an unfamiliar attempt. It is written down as a
  ``SignInFailure`` when it is let through to the password check, and deleted if the
  password was right.
- Once SIGNIN_USERNAME_FAILURE_LIMIT of them are on record within SIGNIN_USERNAME_WINDOW,
  the next unfamiliar attempt must wait 1 second after the latest one, then 2, 4, 8 …
  seconds as more are on record, at most SIGNIN_BACKOFF_MAX. An attempt that comes too
  early gets the 429 page with Retry-After, and its password is not checked: it is not a
  guess, and is not counted.
- Attempts from a known address are never delayed by this rule (only by the lockout of
  their own username + address pair), so the owner is never locked out from where they
  usually sign in, however many strangers try their username. A successful sign-in makes
  its address known for the username, and deletes the failures on record from it.

The check and the write happen under one per-username lock (an advisory lock on
PostgreSQL; SQLite's transactions here take the write lock at BEGIN), so parallel
requests cannot all slip into one free slot.
"""

import hashlib
import logging
import math
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Count, Max

from .models import USERNAME_LENGTH, KnownSignInAddress, SignInFailure

log = logging.getLogger("tracker.signin")

# Beyond 2**20 seconds the cap applies anyway; keeps the exponent small.
MAX_DOUBLINGS = 20


def backoff_seconds(failures: int) -> int:
    """How long an unfamiliar attempt must wait after the latest one, with ``failures``
    unfamiliar attempts on record for the username within the window."""
    excess = failures - settings.SIGNIN_USERNAME_FAILURE_LIMIT
    if excess < 0:
        return 0
    cap = int(settings.SIGNIN_BACKOFF_MAX.total_seconds())
    return min(2 ** min(excess, MAX_DOUBLINGS), cap)


def is_known_address(username: str, ip_address: str | None) -> bool:
    if not ip_address:
        return False
    return KnownSignInAddress.objects.filter(username=username, ip_address=ip_address).exists()


def _lock_username(using: str, username: str) -> None:
    """Serialize admissions for one username until the transaction ends."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        digest = hashlib.sha256(f"tracker.signin:{username}".encode()).digest()
        with connection.cursor() as cursor:
            key = int.from_bytes(digest[:8], "big", signed=True)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def admit(username: str, ip_address: str | None, now: datetime) -> tuple[int, int | None]:
    """Whether an unfamiliar attempt may go on to the password check: ``(0, id)`` with the
    id of the ``SignInFailure`` written for it, or ``(seconds to wait, None)``."""
    using = router.db_for_write(SignInFailure)
    since = now - settings.SIGNIN_USERNAME_WINDOW
    SignInFailure.objects.using(using).filter(attempted_at__lt=since).delete()
    with transaction.atomic(using=using):
        _lock_username(using, username)
        recent = (
            SignInFailure.objects.using(using)
            .filter(username=username, attempted_at__gte=since)
            .aggregate(count=Count("pk"), latest=Max("attempted_at"))
        )
        wait = backoff_seconds(recent["count"])
        if wait and recent["latest"] is not None:
            remaining = (recent["latest"] - now).total_seconds() + wait
            if remaining > 0:
                return math.ceil(remaining), None
        failure = SignInFailure.objects.using(using).create(
            username=username, ip_address=ip_address, attempted_at=now
        )
    return 0, failure.pk


def username_key(request, credentials) -> str | None:
    username = get_client_username(request, credentials)
    return username[:USERNAME_LENGTH] if username else None


class SignInHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus the per-username backoff described above.

    A refusal sets ``request.signin_backoff_seconds``, which the lockout page
    (tracker.security.lockout_response) turns into its message and Retry-After."""

    def is_allowed(self, request, credentials=None) -> bool:
        if not super().is_allowed(request, credentials):
            return False
        if hasattr(request, "signin_backoff_seconds"):  # asked twice for one request
            return not request.signin_backoff_seconds
        wait = 0
        username = username_key(request, credentials)
        ip_address = request.axes_ip_address
        if username and not is_known_address(username, ip_address):
            wait, request.signin_failure_id = admit(username, ip_address, request.axes_attempt_time)
        request.signin_backoff_seconds = wait
        if wait:  # the 429 is in the access log too; this says why
            log.info(
                "Sign-in for a username with too many recent failures from new addresses, "
                "from a new address: refused for %d s.",
                wait,
            )
        return not wait

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None and getattr(request, "signin_backoff_seconds", None):
            # Refused before the password check: not a guess, so not one more failure for
            # the username + address pair either. Only the 429 page is left to show.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            return
        super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        username = user.get_username()[:USERNAME_LENGTH]
        ip_address = request.axes_ip_address
        failure_id = getattr(request, "signin_failure_id", None)
        if failure_id is not None:
            SignInFailure.objects.filter(pk=failure_id).delete()
        if not ip_address:
            return
        now = request.axes_attempt_time
        KnownSignInAddress.objects.update_or_create(
            username=username,
            ip_address=ip_address,
            defaults={"last_seen": now},
            create_defaults={"first_seen": now, "last_seen": now},
        )
        SignInFailure.objects.filter(username=username, ip_address=ip_address).delete()
