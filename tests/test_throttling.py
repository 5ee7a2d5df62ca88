"""Admin sign-in throttling (django-axes): per username AND address, with a cool-off."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.test import RequestFactory, override_settings

from tracker.security import client_ip

pytestmark = pytest.mark.django_db

RIGHT = "the-right-password-42"
LOCKED_MESSAGE = "Too many failed sign-in attempts; try again in 15 minutes"


@pytest.fixture
def editor():
    return User.objects.create_user("editor", password=RIGHT, is_staff=True)


def sign_in(client, password, *, username="editor", address="198.51.100.7", **extra):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **extra,
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def assert_locked(response):
    assert response.status_code == 429
    body = response.content.decode()
    assert LOCKED_MESSAGE in body
    assert response["Retry-After"] == "900"
    assert "<h1>Too many sign-in attempts</h1>" in body


def fail_until_locked(client, **kwargs):
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response = sign_in(client, f"wrong-{attempt}", **kwargs)
        assert response.status_code == 200, f"attempt {attempt} should still be allowed"
        assert "Please enter the correct username and password" in response.content.decode()
    assert_locked(sign_in(client, f"wrong-{limit}", **kwargs))


def test_settings_lock_by_username_and_address_together():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_the_nth_failure_locks_out_even_the_right_password(client, editor):
    fail_until_locked(client)

    response = sign_in(client, RIGHT)
    assert_locked(response)
    assert "_auth_user_id" not in client.session


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, editor):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, f"wrong-{attempt}").status_code == 200
    assert signed_in(sign_in(client, RIGHT))
    client.logout()
    # A success resets the count: the same number of failures is allowed again.
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, f"wrong-again-{attempt}").status_code == 200
    assert signed_in(sign_in(client, RIGHT))


def test_another_address_is_not_locked(client, editor):
    fail_until_locked(client, address="198.51.100.7")
    assert signed_in(sign_in(client, RIGHT, address="203.0.113.20"))


def test_another_username_from_the_same_address_is_not_locked(client, editor):
    User.objects.create_user("publisher", password=RIGHT, is_staff=True)
    fail_until_locked(client)
    assert signed_in(sign_in(client, RIGHT, username="publisher"))


def test_the_lockout_ends_after_the_cool_off(client, editor):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        fail_until_locked(client)
        traveller.shift(datetime.timedelta(minutes=14))
        # Still locked; and a try during the lockout starts the 15 minutes again.
        assert_locked(sign_in(client, RIGHT))
        traveller.shift(datetime.timedelta(minutes=14))
        assert_locked(sign_in(client, RIGHT))
        traveller.shift(datetime.timedelta(minutes=16))
        assert signed_in(sign_in(client, RIGHT))


def test_xhr_lockout_is_also_a_429(client, editor):
    fail_until_locked(client)
    response = sign_in(client, RIGHT, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 429


# The client's address, with and without proxies we trust --------------------------


def request_from(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/admin/login/", REMOTE_ADDR=remote, **extra)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_x_forwarded_for_is_ignored():
    assert client_ip(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.1", "203.0.113.1"),
        # The client wrote the left part itself: only the proxy's entry counts.
        ("1.2.3.4, 203.0.113.1", "203.0.113.1"),
        ("2001:db8::1", "2001:db8::1"),
        ("", "10.0.0.5"),
        ("not-an-address", "10.0.0.5"),
    ],
)
def test_behind_one_proxy_the_rightmost_forwarded_address_is_the_client(forwarded, expected):
    assert client_ip(request_from("10.0.0.5", forwarded)) == expected


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_second_from_the_right_is_the_client():
    request = request_from("10.0.0.5", "6.6.6.6, 203.0.113.1, 10.0.0.9")
    assert client_ip(request) == "203.0.113.1"
    assert client_ip(request_from("10.0.0.5", "10.0.0.9")) == "10.0.0.5"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_each_reader_is_throttled_on_their_own_address(client, editor):
    proxy = "10.0.0.5"
    fail_until_locked(client, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert_locked(sign_in(client, RIGHT, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.1"))
    # Spoofing a left-hand entry does not help the locked-out client ...
    assert_locked(
        sign_in(client, RIGHT, address=proxy, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.1")
    )
    # ... and another reader behind the same proxy is not locked out.
    assert signed_in(sign_in(client, RIGHT, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.2"))
