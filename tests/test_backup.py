"""Backups that come back whole, on SQLite and PostgreSQL, and migrations that run from zero.

The round trips use the test database itself as the "empty database": back up, flush
(every table emptied, as a new database would be after `migrate`), restore, compare.
They are transactional tests (the flush and the restore need real commits). They do not
use serialized_rollback: after another transactional test's flush, permissions come back
with new ids and reloading the serialized start state collides with them. Instead each
starts from a flush of its own and makes the editorial groups it needs.
"""

import gzip
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from statements.demo import load_demo
from statements.editorial import EDITOR, PUBLISHER
from statements.models import PublicationState, Statement

from .factories import StatementFactory
from .support import FIRST_ARTICLE

ROOT = Path(__file__).resolve().parent.parent
STATEMENTS_MODELS = [
    model
    for config in apps.get_app_configs()
    if config.label in ("statements", "statements_history")
    for model in config.get_models()
]
API_PATHS = ["/api/v1/statements/", "/api/v1/people/", "/api/v1/topics/"]

transactional = pytest.mark.django_db(transaction=True)


@pytest.fixture
def empty_database(transactional_db):
    """A flushed database with the editorial groups as the migrations make them (from
    the lists the migrations write out)."""
    call_command("flush", interactive=False, verbosity=0)
    roles = importlib.import_module("statements.migrations.0003_editorial_roles")
    added = importlib.import_module("statements.migrations.0006_editorial_permissions").ADDED
    ours = Permission.objects.filter(content_type__app_label="statements")
    for role in (roles.EDITOR, roles.PUBLISHER, roles.ADMINISTRATOR):
        group = Group.objects.create(name=role)
        if role == roles.ADMINISTRATOR:
            group.permissions.set(ours)
        else:
            group.permissions.set(
                ours.filter(codename__in=[*roles.codenames_for(role), *added.get(role, [])])
            )


def snapshot() -> dict:
    """Every row of every statements model, the groups with their permissions and the
    accounts, serialized field by field (ids included)."""
    data = {
        model._meta.label: json.loads(
            serializers.serialize("json", model._base_manager.order_by("pk"))
        )
        for model in STATEMENTS_MODELS
    }
    data["auth.Group"] = json.loads(
        serializers.serialize(
            "json", Group.objects.order_by("name"), use_natural_foreign_keys=True, fields=None
        )
    )
    for row in data["auth.Group"]:
        row.pop("pk")
        row["fields"]["permissions"].sort()
    data["auth.User"] = json.loads(
        serializers.serialize(
            "json", User.objects.order_by("username"), use_natural_foreign_keys=True
        )
    )
    for row in data["auth.User"]:
        row.pop("pk")
    return data


def api_snapshot(client) -> dict:
    """What the public API answers, for the endpoints that exist."""
    found = {}
    for path in API_PATHS:
        response = client.get(path)
        if response.status_code != 404:
            assert response.status_code == 200, path
            found[path] = response.json()
    return found


def make_records(monkeypatch):
    load_demo(FIRST_ARTICLE)
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("create_demo_accounts", stdout=io.StringIO())
    call_command("generate_statements", count=40, seed=7, i_know=True, stdout=io.StringIO())
    StatementFactory(state=PublicationState.DRAFT, text="A draft the public never sees.")


@transactional
def test_backup_and_restore_give_back_identical_data(empty_database, client, tmp_path, monkeypatch):
    make_records(monkeypatch)
    before, api_before = snapshot(), api_snapshot(client)
    assert len(before["statements.Statement"]) == 7 + 40 + 1
    backup = tmp_path / "tracker.json.gz"

    call_command("backup", output=str(backup), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    assert not Statement.objects.exists()
    assert not Group.objects.exists()
    call_command("restore", input_path=str(backup), verbosity=0)

    after = snapshot()
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label
    assert api_snapshot(client) == api_before
    # Sequences were moved past the restored ids: new records still go in.
    newest = max(row["pk"] for row in before["statements.Statement"])
    assert StatementFactory().pk > newest
    # The restored accounts sign in with their old passwords (through the admin form:
    # django-axes needs the request).
    response = client.post(
        "/admin/login/", {"username": "editor", "password": "demo-password-for-tests"}
    )
    assert response.status_code == 302
    assert set(User.objects.get(username="editor").groups.values_list("name", flat=True)) == {
        EDITOR
    }
    assert Group.objects.get(name=PUBLISHER).permissions.filter(codename="publish_records").exists()


@pytest.mark.django_db
def test_the_backup_is_a_gzipped_fixture_with_natural_keys(tmp_path, demo):
    User.objects.create_user("editor", password="a-password-3")
    full, public = tmp_path / "full.json.gz", tmp_path / "public.json.gz"
    call_command("backup", output=str(full), stdout=io.StringIO())
    call_command("backup", output=str(public), without_accounts=True, stdout=io.StringIO())

    with gzip.open(full, "rt") as f:
        rows = json.load(f)
    models = {row["model"] for row in rows}
    assert {"statements.statement", "statements.reaction", "auth.group", "auth.user"} <= models
    users = [row for row in rows if row["model"] == "auth.user"]
    assert not any("pk" in user for user in users)
    # The demo's data was written by its loader account, which is backed up with it.
    assert {user["fields"]["username"] for user in users} == {"editor", "demo-loader"}
    statement = next(row for row in rows if row["model"] == "statements.statement")
    assert isinstance(statement["pk"], int)  # ids kept: published addresses stay the same
    assert any(model.startswith("statements_history.") for model in models)
    with gzip.open(public, "rt") as f:
        public_models = {row["model"] for row in json.load(f)}
    assert "statements.statement" in public_models
    assert not any(
        m.startswith(("auth.user", "admin.", "statements_history.")) for m in public_models
    )
    assert not list(tmp_path.glob(".partial-*"))


@pytest.mark.django_db
def test_restore_refuses_a_database_that_has_statements(tmp_path, demo):
    backup = tmp_path / "tracker.json.gz"
    call_command("backup", output=str(backup), stdout=io.StringIO())
    before = snapshot()

    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", input_path=str(backup))
    assert snapshot() == before

    call_command("restore", input_path=str(backup), force=True, verbosity=0)
    assert snapshot() == before


@pytest.mark.django_db
def test_restore_explains_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", input_path=str(tmp_path / "missing.json.gz"))


@pytest.mark.django_db
def test_backup_rejects_an_unknown_file_type(tmp_path):
    with pytest.raises(CommandError, match=r"\.json"):
        call_command("backup", output=str(tmp_path / "tracker.zip"))


@transactional
def test_migrations_apply_from_zero_and_restore_waits_for_them(empty_database, tmp_path):
    backup = tmp_path / "tracker.json.gz"
    load_demo(FIRST_ARTICLE)
    call_command("backup", output=str(backup), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)

    call_command("migrate", "statements", "zero", verbosity=0)
    assert "statements_statement" not in connection.introspection.table_names()
    with pytest.raises(CommandError, match="unapplied migration"):
        call_command("restore", input_path=str(backup))

    call_command("migrate", verbosity=0)
    assert "statements_statement" in connection.introspection.table_names()
    assert set(Group.objects.values_list("name", flat=True)) >= {EDITOR, PUBLISHER}
    call_command("restore", input_path=str(backup), verbosity=0)
    assert Statement.objects.count() == 7
    assert load_demo(FIRST_ARTICLE).created == 0  # what came back is exactly the demo data


# --- PostgreSQL's own tools -----------------------------------------------------------


def postgres_url(name: str) -> str:
    s = connection.settings_dict
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:"
        f"{s['PORT'] or 5432}/{name}"
    )


def run(args, **env):
    return subprocess.run(
        args,
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def rows(dump: Path) -> list[dict]:
    return sorted(json.loads(dump.read_text()), key=lambda row: (row["model"], str(row["pk"])))


@transactional
def test_pg_dump_and_pg_restore_round_trip(empty_database, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "pg_dump/pg_restore is PostgreSQL's own backup; this run is on "
            f"{connection.vendor}. CI runs it with DATABASE_URL=postgres://…"
        )
    if not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("make")):
        pytest.skip("pg_dump, pg_restore or make is not installed")

    load_demo(FIRST_ARTICLE)
    source_url = postgres_url(connection.settings_dict["NAME"])
    target_name = f"{connection.settings_dict['NAME']}_pgrestore"
    target_url = postgres_url(target_name)
    dump = tmp_path / "tracker.dump"

    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        cursor.execute(f'CREATE DATABASE "{target_name}"')
    try:
        result = run(["make", "-s", "backup-pg", f"BACKUP_FILE={dump}"], DATABASE_URL=source_url)
        assert result.returncode == 0, result.stdout + result.stderr
        assert dump.stat().st_size > 0

        result = run(["make", "-s", "restore-pg", f"BACKUP_FILE={dump}"], DATABASE_URL=target_url)
        assert result.returncode == 0, result.stdout + result.stderr

        # A second restore finds tables there and refuses.
        again = run(["make", "-s", "restore-pg", f"BACKUP_FILE={dump}"], DATABASE_URL=target_url)
        assert again.returncode != 0
        assert "already has" in again.stderr

        before, after = tmp_path / "before.json", tmp_path / "after.json"
        call_command(
            "dumpdata",
            "statements",
            "statements_history",
            "auth.group",
            output=str(before),
            verbosity=0,
        )
        result = run(
            [
                sys.executable,
                "manage.py",
                "dumpdata",
                "statements",
                "statements_history",
                "auth.group",
                "--output",
                str(after),
                "-v",
                "0",
            ],
            DATABASE_URL=target_url,
        )
        assert result.returncode == 0, result.stderr
        assert rows(after) == rows(before)
        # The restored database is fully migrated: nothing left to apply.
        plan = run([sys.executable, "manage.py", "migrate", "--check"], DATABASE_URL=target_url)
        assert plan.returncode == 0, plan.stdout + plan.stderr
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')


BACKUP_HOLDING_ITS_SNAPSHOT = """
import pathlib, sys, time
import django
django.setup()
from django.core.management import call_command
from statements.management.commands import backup

go = pathlib.Path(sys.argv[2])
serialize = backup.serializers.serialize

def held(*args, **kwargs):
    # The snapshot is open: let the editor save, then write the file.
    print("snapshot open", flush=True)
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return serialize(*args, **kwargs)

backup.serializers.serialize = held
call_command("backup", output=sys.argv[1], verbosity=0)
"""

EDITOR_SAVES = """
import sys
import django
django.setup()
from django.contrib.auth.models import Group, User
from statements import editorial
from statements.models import Statement

user, _ = User.objects.get_or_create(username="desk", defaults={"is_staff": True})
user.groups.add(Group.objects.get(name=editorial.PUBLISHER))
statement = Statement.objects.order_by("pk").first()
statement.context = sys.argv[1]
editorial.update_record(record=statement, user=user, loaded_version=statement.version)
print("saved", flush=True)
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own locking is tested")
def test_an_editor_saves_while_a_sqlite_backup_runs(tmp_path):
    """The backup holds a read snapshot, not the write lock: the editor's save goes
    through at once, the running backup stays consistent without it, and the next backup
    has it."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
    }
    python = [sys.executable]
    run = partial(subprocess.run, env=env, check=True, capture_output=True, text=True, timeout=120)
    run([*python, "manage.py", "migrate", "-v", "0"])
    run([*python, "manage.py", "load_demo"])

    first, later, go = tmp_path / "first.json", tmp_path / "later.json", tmp_path / "go"
    backup_process = subprocess.Popen(
        [*python, "-c", BACKUP_HOLDING_ITS_SNAPSHOT, str(first), str(go)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert backup_process.stdout.readline().strip() == "snapshot open"
        started = time.monotonic()
        saved = run([*python, "-c", EDITOR_SAVES, "Saved during the backup."])
        assert saved.stdout.strip() == "saved"
        assert time.monotonic() - started < 10  # no waiting on a lock (SQLite gives up at 5 s)
    finally:
        go.touch()
        backup_process.wait(timeout=60)
    assert backup_process.returncode == 0, backup_process.stderr

    run([*python, "manage.py", "backup", "--output", str(later)])
    assert "Saved during the backup." not in first.read_text()  # one consistent snapshot
    assert "Saved during the backup." in later.read_text()
