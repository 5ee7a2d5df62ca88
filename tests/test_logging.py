"""Request logs: one line per request with its id, secrets never written, errors traceable.

The lines are read from stdout as the configured handler writes them (capsys), so these
tests check the real format and filter from settings.LOGGING, not a test double.
"""

import logging
import re

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from tracker.logging import redact_query

pytestmark = pytest.mark.django_db


def access_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if " tracker.access " in line]


def test_a_request_writes_exactly_one_access_line_carrying_its_id(client, capsys):
    capsys.readouterr()
    response = client.get("/healthz")

    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    lines = access_lines(capsys.readouterr().out)
    assert len(lines) == 1, lines
    assert f"request_id={request_id} " in lines[0]
    assert re.search(r"method=GET path=/healthz status=200 duration_ms=\d+\.\d$", lines[0])


def test_each_request_gets_its_own_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second


def test_a_sane_incoming_request_id_is_kept(client, capsys):
    capsys.readouterr()
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-5f2b9c-0001")
    assert response["X-Request-ID"] == "edge-5f2b9c-0001"
    assert "request_id=edge-5f2b9c-0001 " in access_lines(capsys.readouterr().out)[0]


@pytest.mark.parametrize(
    "incoming",
    ["", "a" * 65, "has space", "semi;colon", "new\nline", "x=1", "ünïcode", "abc\n"],
)
def test_an_unsafe_incoming_request_id_is_replaced(client, capsys, incoming):
    capsys.readouterr()
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    output = capsys.readouterr().out
    if incoming.strip():
        assert incoming not in output


def test_query_strings_are_logged_with_secrets_redacted(client, capsys):
    capsys.readouterr()
    client.get(
        "/healthz",
        {
            "q": "immigration",
            "page": "2",
            "token": "tok-0001",
            "api_key": "key-0002",
            "password": "pw-0003",
            "csrfmiddlewaretoken": "csrf-0004",
            "sessionid": "sess-0005",
            "client_secret": "sec-0006",
        },
    )
    line = access_lines(capsys.readouterr().out)[0]
    assert "q=immigration" in line and "page=2" in line
    for secret in ("tok-0001", "key-0002", "pw-0003", "csrf-0004", "sess-0005", "sec-0006"):
        assert secret not in line
    assert "token=[redacted]" in line and "sessionid=[redacted]" in line


def test_redaction_keeps_ordinary_filters():
    assert redact_query("keyword=border&author=Smith&topic=287g") == (
        "keyword=border&author=Smith&topic=287g"
    )
    assert redact_query("Password=x&X-Auth-Token=y&access_token=z&otp=1") == (
        "Password=[redacted]&X-Auth-Token=[redacted]&access_token=[redacted]&otp=[redacted]"
    )
    assert redact_query("") == ""


def test_a_forged_log_line_cannot_be_injected_through_the_url(client, capsys):
    capsys.readouterr()
    client.get("/no-such-page%0Astatus=200%20request_id=forged/", {"q": "a\nb c"})
    output = capsys.readouterr().out
    assert len(access_lines(output)) == 1
    assert "\nstatus=200 request_id=forged" not in output
    assert "q=a%0Ab+c" in access_lines(output)[0]


def test_a_failed_sign_in_never_logs_the_password_cookies_or_headers(client, capsys, caplog):
    """The password, the session cookie and the Authorization header appear in no log
    output at all, whatever the level, including django-axes' own lines."""
    caplog.set_level(logging.DEBUG)
    for name in ("django", "axes", "tracker"):
        caplog.set_level(logging.DEBUG, logger=name)
    User.objects.create_user("editor", password="the-right-password", is_staff=True)
    other = User.objects.create_user("publisher", password="another-password", is_staff=True)
    client.force_login(other)  # the browser holds a live session cookie
    session_key = client.cookies["sessionid"].value
    capsys.readouterr()

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "hunter2-secret", "next": "/admin/"},
        HTTP_AUTHORIZATION="Bearer bearer-token-0007",
    )

    assert response.status_code == 200  # the form again, with its error
    captured = capsys.readouterr()
    everything = captured.out + captured.err + caplog.text
    assert len(access_lines(captured.out)) == 1
    assert "method=POST path=/admin/login/ query=next=/admin/ status=200" in everything
    for secret in ("hunter2-secret", session_key, "bearer-token-0007"):
        assert secret not in everything


def boom(request):
    logging.getLogger("statements.views").info("about to fail")
    raise RuntimeError("boom")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), path("fine/", fine)]


@override_settings(ROOT_URLCONF=__name__)
def test_an_error_is_logged_with_the_request_id(capsys):
    client = Client(raise_request_exception=False)
    capsys.readouterr()
    response = client.get("/boom/")

    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    out = capsys.readouterr().out
    error = [line for line in out.splitlines() if " ERROR django.request " in line]
    assert len(error) == 1, out
    assert f"request_id={request_id} Internal Server Error: /boom/" in error[0]
    assert "RuntimeError: boom" in out  # the traceback follows the line
    assert f"INFO statements.views request_id={request_id} about to fail" in out
    assert f"request_id={request_id} method=GET path=/boom/ status=500" in out


@override_settings(ROOT_URLCONF=__name__)
def test_records_outside_a_request_carry_a_dash(client, capsys):
    client.get("/fine/")
    capsys.readouterr()
    logging.getLogger("tracker.test").warning("outside")
    assert "WARNING tracker.test request_id=- outside" in capsys.readouterr().out
