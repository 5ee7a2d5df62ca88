"""Plain functions the test modules share; the fixtures built on them are in conftest.py."""

import importlib
import itertools

from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from statements.editorial import ADMINISTRATOR, EDITOR, PUBLISHER

_serial = itertools.count()


# Users in the editorial roles ------------------------------------------------------------

# A staff account in none of the editorial groups.
NO_ROLE = "Staff, no group"
ROLES = [EDITOR, PUBLISHER, ADMINISTRATOR, NO_ROLE]


def ensure_roles() -> None:
    """The groups come from data migrations (0003, 0006). A transactional test (e.g. in
    tests/test_backup.py or the browser tests) flushes the database, groups included: run
    those very migrations again, on their own historical models, if the groups are gone."""
    groups = [EDITOR, PUBLISHER, ADMINISTRATOR]
    if Group.objects.filter(name__in=groups).count() == len(groups):
        return
    executor = MigrationExecutor(connection)
    for name in ("0003_editorial_roles", "0006_editorial_permissions"):
        state = executor.loader.project_state(("statements", name), at_end=True)
        migration = importlib.import_module(f"statements.migrations.{name}")
        operation = migration.Migration.operations[0]
        operation.code(state.apps, None)


def user_with_role(role: str) -> User:
    """A staff account in the group of `role` (one of ROLES), as the app's roles are."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}: one of {ROLES}")
    ensure_roles()
    n = next(_serial)
    user = User.objects.create_user(f"user{n}", f"user{n}@example.org", "pw", is_staff=True)
    if role != NO_ROLE:
        user.groups.add(Group.objects.get(name=role))
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)  # never client.login: django-axes wants a request
    return client
