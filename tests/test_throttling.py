"""Admin sign-in throttling (django-axes): per username AND address, with a cool-off."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
import time_machine
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db import connection
from django.test import RequestFactory, override_settings
from django.utils import timezone

from tracker import checks, security
from tracker.models import KnownSignInAddress, SignInFailure
from tracker.security import client_ip
from tracker.signin import admit, backoff_seconds

pytestmark = pytest.mark.django_db

RIGHT = "the-right-password-42"
LOCKED_MESSAGE = "Too many failed sign-in attempts; try again in 15 minutes"


@pytest.fixture(autouse=True)
def _fresh_forwarding_warnings():
    security.reset_forwarding_warnings()
    yield
    security.reset_forwarding_warnings()


@pytest.fixture
def staff_account():
    """A staff account with a known password (the role makes no difference to sign-in)."""
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
    assert settings.AXES_HANDLER == "tracker.signin.SignInHandler"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_the_nth_failure_locks_out_even_the_right_password(client, staff_account):
    fail_until_locked(client)

    response = sign_in(client, RIGHT)
    assert_locked(response)
    assert "_auth_user_id" not in client.session


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, staff_account):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, f"wrong-{attempt}").status_code == 200
    assert signed_in(sign_in(client, RIGHT))
    client.logout()
    # A success resets the count: the same number of failures is allowed again.
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, f"wrong-again-{attempt}").status_code == 200
    assert signed_in(sign_in(client, RIGHT))


def test_another_address_is_not_locked(client, staff_account):
    fail_until_locked(client, address="198.51.100.7")
    assert signed_in(sign_in(client, RIGHT, address="203.0.113.20"))


def test_another_username_from_the_same_address_is_not_locked(client, staff_account):
    User.objects.create_user("publisher", password=RIGHT, is_staff=True)
    fail_until_locked(client)
    assert signed_in(sign_in(client, RIGHT, username="publisher"))


def test_the_lockout_ends_after_the_cool_off(client, staff_account):
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


def test_xhr_lockout_is_also_a_429(client, staff_account):
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
def test_behind_a_proxy_each_reader_is_throttled_on_their_own_address(client, staff_account):
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
    client, staff_account
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


# Per username, across addresses: backoff for new addresses -------------------------

HOME = "198.51.100.7"  # where the editor signs in from
CAFE = "198.51.100.99"  # somewhere the editor has never signed in from
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
BACKOFF_MESSAGE = "Too many failed sign-in attempts for this username from new addresses"


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def known_editor(client, staff_account):
    """The editor has signed in from HOME before."""
    assert signed_in(sign_in(client, RIGHT, address=HOME))
    client.logout()
    assert KnownSignInAddress.objects.filter(username="editor", ip_address=HOME).exists()
    return staff_account


@pytest.fixture
def password_checks():
    """Counts the passwords actually checked (ModelBackend runs only when axes and the
    backoff let an attempt through)."""
    calls = []
    original = ModelBackend.authenticate

    def counting(backend, request, username=None, password=None, **kwargs):
        calls.append(username)
        return original(backend, request, username=username, password=password, **kwargs)

    with mock.patch.object(ModelBackend, "authenticate", counting):
        yield calls


def assert_backoff(response, seconds):
    assert response.status_code == 429
    assert response["Retry-After"] == str(seconds)
    body = response.content.decode()
    assert BACKOFF_MESSAGE in body
    assert "<h1>Too many sign-in attempts</h1>" in body


def test_guesses_spread_over_ten_addresses_hit_the_backoff_but_not_the_owner_at_home(
    client, known_editor, frozen, password_checks
):
    """50 guesses, 5 from each of 10 addresses: the first two addresses use up the 10
    unfamiliar failures; every later guess must wait, and is refused unchecked."""
    responses = [
        sign_in(client, f"wrong-{a}-{n}", address=f"203.0.113.{a}")
        for a in range(1, 11)
        for n in range(5)
    ]
    statuses = [response.status_code for response in responses]
    assert statuses == ([200] * 4 + [429]) * 2 + [429] * 40
    assert len(password_checks) == 10
    assert SignInFailure.objects.filter(username="editor").count() == 10
    for response in responses[10:]:
        assert_backoff(response, 1)
    # The refused guesses were no failures of their own address either.
    assert not AccessAttempt.objects.filter(ip_address="203.0.113.3").exists()

    # The owner, from where they always sign in, is not delayed ...
    assert signed_in(sign_in(client, RIGHT, address=HOME))
    client.logout()
    # ... and from somewhere new waits like everyone else.
    assert_backoff(sign_in(client, RIGHT, address=CAFE), 1)


def test_the_backoff_doubles_with_each_failure_up_to_the_cool_off():
    limit = settings.SIGNIN_USERNAME_FAILURE_LIMIT
    assert limit == 10
    assert [backoff_seconds(n) for n in range(limit)] == [0] * limit
    assert [backoff_seconds(n) for n in range(10, 20)] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    assert backoff_seconds(20) == backoff_seconds(10_000) == 900


def test_a_guess_after_the_wait_is_checked_and_doubles_the_next_wait(client, staff_account, frozen):
    for a in range(1, 11):
        assert sign_in(client, "wrong", address=f"203.0.113.{a}").status_code == 200
    assert_backoff(sign_in(client, "wrong", address="203.0.113.11"), 1)
    frozen.shift(datetime.timedelta(seconds=1))
    assert sign_in(client, "wrong", address="203.0.113.11").status_code == 200
    assert_backoff(sign_in(client, "wrong", address="203.0.113.12"), 2)
    frozen.shift(datetime.timedelta(seconds=1))
    assert_backoff(sign_in(client, "wrong", address="203.0.113.12"), 1)
    frozen.shift(datetime.timedelta(seconds=1))
    assert sign_in(client, "wrong", address="203.0.113.12").status_code == 200
    assert_backoff(sign_in(client, RIGHT, address=CAFE), 4)
    # Refused attempts do not count: the wait is still 4 s after the 12th failure.
    frozen.shift(datetime.timedelta(seconds=4))
    assert signed_in(sign_in(client, RIGHT, address=CAFE))


def test_the_wait_is_capped_at_the_cool_off(client, staff_account, frozen):
    SignInFailure.objects.bulk_create(
        SignInFailure(username="editor", ip_address="203.0.113.1", attempted_at=START)
        for _ in range(40)
    )
    response = sign_in(client, RIGHT, address=CAFE)
    assert_backoff(response, 900)
    assert "try again in 15 minutes" in response.content.decode()
    frozen.shift(datetime.timedelta(minutes=15))
    assert signed_in(sign_in(client, RIGHT, address=CAFE))


def test_failures_older_than_the_window_are_forgotten(client, staff_account, frozen):
    SignInFailure.objects.bulk_create(
        SignInFailure(
            username="editor",
            ip_address="203.0.113.1",
            attempted_at=START - datetime.timedelta(hours=24, seconds=1),
        )
        for _ in range(40)
    )
    assert signed_in(sign_in(client, RIGHT, address=CAFE))
    assert not SignInFailure.objects.exists()


def test_the_backoff_is_the_same_for_a_username_that_does_not_exist(client, frozen):
    for a in range(1, 11):
        assert sign_in(client, "x", username="nobody", address=f"203.0.113.{a}").status_code == 200
    assert_backoff(sign_in(client, "x", username="nobody", address="203.0.113.11"), 1)


def test_failures_from_a_known_address_do_not_count(client, known_editor, frozen):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, f"typo-{n}", address=HOME).status_code == 200
    assert not SignInFailure.objects.exists()


def test_a_known_address_is_still_locked_after_five_failures(client, known_editor, frozen):
    fail_until_locked(client, address=HOME)
    assert_locked(sign_in(client, RIGHT, address=HOME))
    # Other known or new addresses are not locked by that.
    assert signed_in(sign_in(client, RIGHT, address=CAFE))


def test_signing_in_from_a_new_address_makes_it_known_and_clears_its_failures(
    client, staff_account, frozen
):
    sign_in(client, "wrong", address="203.0.113.1")
    for n in range(3):
        assert sign_in(client, f"typo-{n}", address=CAFE).status_code == 200
    assert SignInFailure.objects.count() == 4
    assert signed_in(sign_in(client, RIGHT, address=CAFE))
    assert list(SignInFailure.objects.values_list("ip_address", flat=True)) == ["203.0.113.1"]
    known = KnownSignInAddress.objects.get(username="editor")
    assert (known.ip_address, known.first_seen, known.last_seen) == (CAFE, START, START)

    client.logout()
    frozen.shift(datetime.timedelta(days=3))
    assert signed_in(sign_in(client, RIGHT, address=CAFE))
    known.refresh_from_db()
    assert (known.first_seen, known.last_seen) == (START, START + datetime.timedelta(days=3))


def test_force_login_records_no_address(client, staff_account):
    client.force_login(staff_account)
    assert not KnownSignInAddress.objects.exists()


def test_xhr_backoff_is_also_a_429_with_retry_after(client, staff_account, frozen):
    for a in range(1, 11):
        sign_in(client, "wrong", address=f"203.0.113.{a}")
    response = sign_in(client, RIGHT, address=CAFE, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 429
    assert response["Retry-After"] == "1"


def test_asking_twice_about_one_attempt_admits_it_once(staff_account):
    request = RequestFactory().post("/admin/login/", REMOTE_ADDR=CAFE)
    credentials = {"username": "editor"}
    assert AxesProxyHandler.is_allowed(request, credentials)
    assert AxesProxyHandler.is_allowed(request, credentials)
    assert SignInFailure.objects.count() == 1


def test_an_attempt_without_an_address_is_unfamiliar(staff_account):
    request = RequestFactory().post("/admin/login/", REMOTE_ADDR="")
    assert AxesProxyHandler.is_allowed(request, {"username": "editor"})
    assert SignInFailure.objects.get().ip_address is None


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_cannot_share_the_last_free_slot():
    """Nine failures on record: of eight guesses arriving at once from new addresses,
    exactly one is let through to the password check; the others see its record."""
    if connection.vendor != "postgresql":
        # SQLite serializes writers anyway (BEGIN IMMEDIATE); but the test database is
        # in memory with a shared cache, whose table locks fail instead of waiting.
        pytest.skip("threads on the in-memory SQLite test database fail on table locks")
    now = timezone.now()
    SignInFailure.objects.bulk_create(
        SignInFailure(username="editor", ip_address="203.0.113.1", attempted_at=now)
        for _ in range(settings.SIGNIN_USERNAME_FAILURE_LIMIT - 1)
    )
    barrier = threading.Barrier(8)

    def guess(n):
        try:
            barrier.wait(timeout=10)
            return admit("editor", f"203.0.113.{n}", now)[0]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        waits = list(pool.map(guess, range(10, 18)))
    assert sorted(waits) == [0] + [1] * 7


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(1, "1 second"), (59, "59 seconds"), (60, "1 minute"), (61, "2 minutes"), (900, "15 minutes")],
)
def test_the_wait_in_words(seconds, words):
    assert security.in_words(seconds) == words


# Strangers behind the same proxy as the editor -------------------------------------


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_strangers_behind_the_proxy_cannot_lock_the_editor_out(client, staff_account):
    """All traffic comes through nginx on loopback: five bad passwords from one stranger
    lock out that stranger only, and four more strangers' guesses change nothing."""
    fail_until_locked(client, address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1")
    for n in range(2, 6):
        response = sign_in(
            client, f"wrong-{n}", address=PROXY, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        )
        assert response.status_code == 200
    assert signed_in(sign_in(client, RIGHT, address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"))


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_many_strangers_behind_the_proxy_cannot_keep_the_editor_out_of_home(
    client, frozen, known_editor
):
    """Twelve strangers through nginx: past ten failures the rest wait, but the editor's
    own address, known from earlier sign-ins through the same nginx, is not delayed."""
    statuses = [
        sign_in(client, "wrong", address=PROXY, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(1, 13)
    ]
    assert statuses == [200] * 10 + [429] * 2
    assert signed_in(sign_in(client, RIGHT, address=PROXY, HTTP_X_FORWARDED_FOR=HOME))


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_behind_a_proxy_with_trusted_proxy_count_0_strangers_lock_the_editor_out_and_it_is_logged(
    client, staff_account, caplog
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
    assert not security.is_trusted_proxy("nginx.internal")
    assert not security.is_trusted_proxy(None)


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


def test_administrators_see_and_can_delete_the_backoff_records_but_not_write_them(client):
    admin_user = User.objects.create_superuser("boss", password=RIGHT)
    failure = SignInFailure.objects.create(
        username="editor", ip_address="203.0.113.1", attempted_at=timezone.now()
    )
    KnownSignInAddress.objects.create(
        username="editor", ip_address=HOME, first_seen=timezone.now(), last_seen=timezone.now()
    )
    client.force_login(admin_user)
    for page in ("signinfailure", "knownsigninaddress"):
        response = client.get(f"/admin/tracker/{page}/")
        assert response.status_code == 200
        assert "editor" in response.content.decode()
        assert client.get(f"/admin/tracker/{page}/add/").status_code == 403
    response = client.post(f"/admin/tracker/signinfailure/{failure.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not SignInFailure.objects.exists()
