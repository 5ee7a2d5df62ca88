"""Admin sign-in throttling (django-axes): per username AND address, with a cool-off."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.test import RequestFactory, override_settings

from tracker import checks, security
from tracker.security import client_ip

pytestmark = pytest.mark.django_db

RIGHT = "the-right-password-42"
LOCKED_MESSAGE = "Too many failed sign-in attempts; try again in 15 minutes"


@pytest.fixture(autouse=True)
def _fresh_forwarding_warnings():
    security.reset_forwarding_warnings()
    yield
    security.reset_forwarding_warnings()


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

PROXY = "127.0.0.1"  # nginx on the same host, as the README sets it up
DIRECT = "192.0.2.66"  # someone reaching gunicorn directly, not through nginx


def request_from(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/admin/login/", REMOTE_ADDR=remote, **extra)


def test_trusted_proxies_default_to_loopback_as_gunicorn_does():
    assert settings.TRUSTED_PROXIES == ["127.0.0.1", "::1"]


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_x_forwarded_for_is_ignored():
    assert client_ip(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"
    assert client_ip(request_from(PROXY, "203.0.113.1")) == PROXY


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.1", "203.0.113.1"),
        # The client wrote the left part itself: only the proxy's entry counts.
        ("1.2.3.4, 203.0.113.1", "203.0.113.1"),
        ("2001:db8::1", "2001:db8::1"),
        ("", PROXY),
        ("not-an-address", PROXY),
    ],
)
def test_behind_one_proxy_the_rightmost_forwarded_address_is_the_client(forwarded, expected):
    assert client_ip(request_from(PROXY, forwarded)) == expected


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize("proxy", ["::1", "::ffff:127.0.0.1"])
def test_loopback_over_ipv6_is_a_trusted_proxy_too(proxy):
    assert client_ip(request_from(proxy, "203.0.113.1")) == "203.0.113.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize("forwarded", ["203.0.113.1", "1.2.3.4, 203.0.113.1", "127.0.0.1"])
def test_x_forwarded_for_from_an_untrusted_address_is_ignored(forwarded):
    assert client_ip(request_from(DIRECT, forwarded)) == DIRECT


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_unix_socket_is_a_trusted_proxy_as_for_gunicorn():
    # gunicorn bound to a unix socket leaves REMOTE_ADDR empty; only nginx can reach it.
    assert client_ip(request_from("", "203.0.113.1")) == "203.0.113.1"
    assert client_ip(request_from("")) is None


@override_settings(TRUSTED_PROXY_COUNT=1, TRUSTED_PROXIES=["10.0.0.0/8", "fd00::/8"])
def test_trusted_proxies_may_be_networks():
    assert client_ip(request_from("10.1.2.3", "203.0.113.1")) == "203.0.113.1"
    assert client_ip(request_from("fd00::5", "203.0.113.1")) == "203.0.113.1"
    assert client_ip(request_from(PROXY, "203.0.113.1")) == PROXY


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_second_from_the_right_is_the_client():
    request = request_from(PROXY, "6.6.6.6, 203.0.113.1, 10.0.0.9")
    assert client_ip(request) == "203.0.113.1"
    assert client_ip(request_from(PROXY, "10.0.0.9")) == PROXY


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_each_reader_is_throttled_on_their_own_address(client, editor):
    fail_until_locked(client, address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert_locked(sign_in(client, RIGHT, address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1"))
    # Spoofing a left-hand entry does not help the locked-out client ...
    assert_locked(
        sign_in(client, RIGHT, address=PROXY, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.1")
    )
    # ... and another reader behind the same proxy is not locked out.
    assert signed_in(sign_in(client, RIGHT, address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.2"))


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forged_x_forwarded_for_sent_straight_to_gunicorn_does_not_dodge_the_lockout(
    client, editor
):
    """Each guess claims another client address, but comes from the same REMOTE_ADDR,
    which is no proxy of ours: the fifth locks that address out, and the other seven of
    twelve guesses are refused without their password being checked."""
    responses = [
        sign_in(client, f"wrong-{n}", address=DIRECT, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        for n in range(1, 12)
    ]
    responses.append(sign_in(client, RIGHT, address=DIRECT, HTTP_X_FORWARDED_FOR="203.0.113.12"))
    statuses = [response.status_code for response in responses]
    assert statuses == [200] * 4 + [429] * 8
    assert_locked(responses[-1])
    assert "_auth_user_id" not in client.session


# Strangers behind the same proxy as the editor -------------------------------------


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_strangers_behind_the_proxy_cannot_lock_the_editor_out(client, editor):
    """All traffic comes through nginx on loopback: five bad passwords from one stranger
    lock out that stranger only, and four more strangers' guesses change nothing."""
    fail_until_locked(client, address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1")
    for n in range(2, 6):
        response = sign_in(
            client, f"wrong-{n}", address=PROXY, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        )
        assert response.status_code == 200
    assert signed_in(sign_in(client, RIGHT, address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"))


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_behind_a_proxy_with_trusted_proxy_count_0_strangers_lock_the_editor_out_and_it_is_logged(
    client, editor, caplog
):
    """The misconfiguration the deploy check and the runtime warning are for: every client
    is the proxy's address, so five strangers lock the editor out."""
    for n in range(1, 6):
        sign_in(client, f"wrong-{n}", address=PROXY, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert_locked(sign_in(client, RIGHT, address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"))

    [warning] = [record for record in caplog.records if record.name == "tracker.security"]
    assert warning.levelname == "WARNING"
    assert warning.exc_info is None
    assert warning.getMessage().startswith(
        "X-Forwarded-For arrived from 127.0.0.1, one of TRUSTED_PROXIES, but "
        "TRUSTED_PROXY_COUNT is 0: every client is counted as the proxy's address"
    )


# The deploy check -------------------------------------------------------------------

BEHIND_A_PROXY = {"DEBUG": False, "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}


def deploy_warnings():
    return [message.id for message in checks.check_proxy_settings_agree(None)]


def setting_errors():
    return [message.id for message in checks.check_proxy_settings(None)]


@pytest.fixture
def gunicorn_env(monkeypatch):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    return monkeypatch


@override_settings(**BEHIND_A_PROXY, TRUSTED_PROXY_COUNT=0)
def test_deploy_check_warns_when_a_proxy_is_assumed_but_no_proxy_is_counted(gunicorn_env):
    assert deploy_warnings() == ["tracker.W001"]


@override_settings(**BEHIND_A_PROXY, TRUSTED_PROXY_COUNT=1)
def test_deploy_check_is_quiet_for_nginx_on_the_same_host(gunicorn_env):
    assert deploy_warnings() == []
    assert setting_errors() == []


@override_settings(DEBUG=True, SECURE_PROXY_SSL_HEADER=None, TRUSTED_PROXY_COUNT=0)
def test_deploy_check_is_quiet_in_development(gunicorn_env):
    assert deploy_warnings() == []


@override_settings(**BEHIND_A_PROXY, TRUSTED_PROXY_COUNT=1, TRUSTED_PROXIES=[])
def test_deploy_check_warns_when_no_proxy_is_trusted_but_some_are_counted(gunicorn_env):
    assert deploy_warnings() == ["tracker.W002", "tracker.W003"]


@override_settings(**BEHIND_A_PROXY, TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize(
    ("forwarded_allow_ips", "expected"),
    [("::1, 127.0.0.1", []), ("10.0.0.5", ["tracker.W003"]), ("*", ["tracker.W003"])],
)
def test_deploy_check_warns_when_gunicorn_trusts_another_proxy(
    gunicorn_env, forwarded_allow_ips, expected
):
    gunicorn_env.setenv("FORWARDED_ALLOW_IPS", forwarded_allow_ips)
    assert deploy_warnings() == expected


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "*", "nginx.internal"], TRUSTED_PROXY_COUNT=-1)
def test_unusable_proxy_settings_are_errors():
    assert setting_errors() == ["tracker.E001", "tracker.E002"]
    # Meanwhile the entries that are addresses still work, the others are skipped.
    assert security.is_trusted_proxy("127.0.0.1")
    assert not security.is_trusted_proxy("10.0.0.5")


# The runtime warning ----------------------------------------------------------------


def proxy_warnings(caplog):
    return [r for r in caplog.records if r.name == "tracker.security"]


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_forwarded_for_from_the_proxy_while_no_proxy_is_counted_is_logged_once(client, caplog):
    for n in range(3):
        client.get("/healthz", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    [warning] = proxy_warnings(caplog)
    assert warning.levelname == "WARNING"
    assert warning.exc_info is None
    assert "TRUSTED_PROXY_COUNT is 0" in warning.getMessage()
    assert "203.0.113" not in warning.getMessage()  # only the proxy's own address


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_forwarded_for_from_an_untrusted_address_is_logged_once(client, caplog):
    for n in range(3):
        client.get("/healthz", REMOTE_ADDR=DIRECT, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    [warning] = proxy_warnings(caplog)
    assert warning.levelname == "WARNING"
    assert warning.exc_info is None
    assert warning.getMessage().startswith(
        "X-Forwarded-For arrived from 192.0.2.66, which is not in TRUSTED_PROXIES, while "
        "TRUSTED_PROXY_COUNT is 1: the header is ignored"
    )


@pytest.mark.parametrize(
    ("count", "remote", "headers"),
    [
        (1, PROXY, {"HTTP_X_FORWARDED_FOR": "203.0.113.1"}),  # nginx, counted: as meant
        (1, PROXY, {}),  # `make serve`: gunicorn alone on loopback
        (1, DIRECT, {}),
        (0, DIRECT, {"HTTP_X_FORWARDED_FOR": "203.0.113.1"}),  # no proxy trusted, none used
        (0, "198.51.100.7", {}),
    ],
)
def test_agreeing_traffic_is_not_logged(client, caplog, settings, count, remote, headers):
    settings.TRUSTED_PROXY_COUNT = count
    client.get("/healthz", REMOTE_ADDR=remote, **headers)
    assert proxy_warnings(caplog) == []
