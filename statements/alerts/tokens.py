"""The signed links in the mails. Each purpose has its own salt, so a token made for one
cannot be used for another.

- confirm: carries the address, the query and the label themselves, so that nothing is
  stored until the owner follows it; it expires (ALERTS_CONFIRM_MAX_AGE seconds).
- manage: names a subscriber by its random key; in every digest, never expires (the
  List-Unsubscribe link of old mails must keep working). Deleting the subscriber makes it
  name nothing.
- unsubscribe: names one saved search by its key, likewise.

``read_*`` raise BadToken (forged, or not one of ours) or ExpiredToken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing

if TYPE_CHECKING:
    from .models import SavedSearch, Subscriber

CONFIRM_SALT = "alerts.confirm"
MANAGE_SALT = "alerts.manage"
UNSUBSCRIBE_SALT = "alerts.unsubscribe"


class BadToken(Exception):
    """The link was altered, cut short, or made for another purpose."""


class ExpiredToken(BadToken):
    """The link was ours, but is too old to be followed."""


@dataclass(frozen=True)
class Request:
    email: str
    query: str
    label: str


def confirm_token(request: Request) -> str:
    payload = {"e": request.email, "q": request.query, "l": request.label}
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object(payload, compress=True)


def read_confirm_token(token: str) -> Request:
    try:
        payload = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(
            token, max_age=settings.ALERTS_CONFIRM_MAX_AGE
        )
    except signing.SignatureExpired as expired:
        raise ExpiredToken from expired
    except (signing.BadSignature, ValueError) as bad:
        raise BadToken from bad
    try:
        return Request(email=str(payload["e"]), query=str(payload["q"]), label=str(payload["l"]))
    except (KeyError, TypeError) as bad:
        raise BadToken from bad


def _sign(salt: str, key) -> str:
    return signing.Signer(salt=salt).sign(key.hex)


def _read(salt: str, token: str) -> str:
    try:
        value = signing.Signer(salt=salt).unsign(token)
    except signing.BadSignature as bad:
        raise BadToken from bad
    if len(value) != 32 or any(c not in "0123456789abcdef" for c in value):
        raise BadToken
    return value


def manage_token(subscriber: Subscriber) -> str:
    return _sign(MANAGE_SALT, subscriber.key)


def read_manage_token(token: str) -> str:
    """The subscriber key the token names (it may have been deleted since)."""
    return _read(MANAGE_SALT, token)


def unsubscribe_token(search: SavedSearch) -> str:
    return _sign(UNSUBSCRIBE_SALT, search.key)


def read_unsubscribe_token(token: str) -> str:
    return _read(UNSUBSCRIBE_SALT, token)
