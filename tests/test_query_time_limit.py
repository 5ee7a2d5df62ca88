"""A query that runs too long: PostgreSQL's statement_timeout ends it, and the request gets a
503 with Retry-After, never a 500 (tracker/gunicorn_conf.py, tracker/middleware.py)."""

import os
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
)


def settings_value(expression: str, **env) -> subprocess.CompletedProcess:
    """``expression`` printed by a fresh process whose environment is ours, without any
    statement timeout, plus ``env``."""
    ours = {k: v for k, v in os.environ.items() if k != "DATABASE_STATEMENT_TIMEOUT"}
    code = f"from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env={**ours, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_gunicorn_limits_each_query_of_the_sites_requests(monkeypatch):
    monkeypatch.delenv("DATABASE_STATEMENT_TIMEOUT", raising=False)
    conf = runpy.run_path(str(ROOT / "tracker" / "gunicorn_conf.py"))
    assert conf["raw_env"] == ["DATABASE_STATEMENT_TIMEOUT=30s"]
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT", "0")  # the operator's choice stands
    conf = runpy.run_path(str(ROOT / "tracker" / "gunicorn_conf.py"))
    assert conf["raw_env"] == ["DATABASE_STATEMENT_TIMEOUT=0"]


def test_the_limit_becomes_a_connection_option_on_postgresql():
    result = settings_value(
        "settings.DATABASES['default']['OPTIONS']['options']",
        DATABASE_URL="postgres://tracker@127.0.0.1/tracker",
        DATABASE_STATEMENT_TIMEOUT="1500ms",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "-c", "synchronize_seqscans=off", "-c", "jit=off", "-c", "statement_timeout=1500ms"
    ]  # fmt: skip


def test_commands_run_without_a_limit_unless_one_is_set():
    result = settings_value(
        "settings.DATABASES['default']['OPTIONS']['options']",
        DATABASE_URL="postgres://tracker@127.0.0.1/tracker",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["-c", "synchronize_seqscans=off", "-c", "jit=off"]


def test_a_malformed_limit_stops_the_site_from_starting_with_a_clear_message():
    result = settings_value(
        "settings.DATABASES",
        DATABASE_URL="postgres://tracker@127.0.0.1/tracker",
        DATABASE_STATEMENT_TIMEOUT="soon",
    )
    assert result.returncode != 0
    assert "DATABASE_STATEMENT_TIMEOUT='soon': give a duration such as 30s" in result.stderr


@ON_POSTGRES
def test_a_connection_made_with_the_limit_has_it():
    """A real connection, made by a fresh process with the site's settings (on the database
    the suite was started with, not its test copy: what is asked is the server's answer)."""
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SHOW statement_timeout')\n"
        "    print(cursor.fetchone()[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env={**os.environ, "DATABASE_STATEMENT_TIMEOUT": "1234ms"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1234ms"


def run_out_of_time(*args, **kwargs):
    """What a runaway query does under the limit: PostgreSQL cancels it."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '50ms'")
        cursor.execute("SELECT pg_sleep(5)")


@ON_POSTGRES
@pytest.mark.django_db
def test_a_page_whose_query_runs_out_of_time_answers_503_with_retry_after(
    client, monkeypatch, caplog
):
    from statements.public.views import home as home_view

    monkeypatch.setattr(home_view.reading, "home_page", run_out_of_time)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "This is taking too long" in text
    assert "Nothing you did was wrong" in text
    assert ("WARNING", "query ran out of time: path=/") in [
        (record.levelname, record.getMessage()) for record in caplog.records
    ]


@ON_POSTGRES
@pytest.mark.django_db
def test_an_api_request_whose_query_runs_out_of_time_answers_503_in_json(client, monkeypatch):
    from statements.api.views import StatementViewSet

    monkeypatch.setattr(StatementViewSet, "list", run_out_of_time)
    client.raise_request_exception = False
    response = client.get("/api/v1/statements/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json() == {
        "detail": "The database took too long to answer. Please try again in a minute."
    }


@pytest.mark.django_db
def test_any_other_database_error_is_still_a_server_error(client, monkeypatch):
    from django.db import OperationalError

    from statements.public.views import home as home_view

    def fail(request):
        raise OperationalError("the disk is full")

    monkeypatch.setattr(home_view.reading, "home_page", fail)
    client.raise_request_exception = False
    assert client.get("/").status_code == 500


@ON_POSTGRES
@pytest.mark.django_db
def test_an_export_outlasts_the_limit_for_a_client_that_reads_slowly(client, monkeypatch):
    """The export is one COPY that runs as long as the client reads; the limit on a
    request's queries would cut the file short, so the COPY lifts it, then restores it."""
    from statements.public import copy as pg_copy

    from .factories import StatementFactory

    StatementFactory()
    # 20 MB: more than the socket's buffers, so the COPY waits for the client.
    lines = 100_000
    monkeypatch.setattr(
        pg_copy,
        "copy_sql",
        lambda *args, **kwargs: pg_copy.Copy(
            sql="COPY (SELECT repeat('x', 198) || chr(13) || chr(10) "
            f"FROM generate_series(1, {lines})) TO STDOUT WITH (FORMAT binary)",
            big=False,
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (connection_default,) = cursor.fetchone()
        cursor.execute("SET LOCAL statement_timeout = '200ms'")
    response = client.get("/statements/export.csv")
    chunks = iter(response.streaming_content)
    received = bytearray(next(chunks))  # the header line
    received += next(chunks)  # the first of the COPY's
    time.sleep(1)  # five times the limit, with the COPY waiting on us
    for chunk in chunks:
        received += chunk
    assert received.count(b"x" * 198 + b"\r\n") == lines
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == (connection_default,)
