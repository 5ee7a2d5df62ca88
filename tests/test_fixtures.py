"""The shared fixtures of conftest.py are what they say they are."""

import pytest
from django.core.management.color import no_style
from django.db import connection, transaction

from statements import editorial, search
from statements.demo import load_demo
from statements.demo.loader import loader_account
from statements.editorial import ADMINISTRATOR, EDITOR, PUBLISHER
from statements.models import Statement

from .factories import StatementFactory
from .support import FIRST_ARTICLE, DemoRows

pytestmark = pytest.mark.django_db


def test_each_role_account_is_staff_in_its_own_group(
    editor, publisher, administrator, staff_without_role
):
    for user, groups in [
        (editor, {EDITOR}),
        (publisher, {PUBLISHER}),
        (administrator, {ADMINISTRATOR}),
        (staff_without_role, set()),
    ]:
        assert user.is_staff and not user.is_superuser
        assert set(user.groups.values_list("name", flat=True)) == groups
    assert len({editor.pk, publisher.pk, administrator.pk, staff_without_role.pk}) == 4


def test_the_roles_have_the_rights_the_migrations_give(
    editor, publisher, administrator, staff_without_role
):
    assert editorial.may(editor, "submit for review")
    assert not editorial.may(editor, "publish")
    for user in (publisher, administrator):
        assert editorial.may(user, "publish") and editorial.may(user, "merge")
    assert not editorial.may(staff_without_role, "create draft")


def test_each_client_is_signed_in_as_its_account(
    editor_client, editor, publisher_client, publisher, administrator_client, administrator,
    staff_without_role_client, staff_without_role,
):  # fmt: skip
    for client, user in [
        (editor_client, editor),
        (publisher_client, publisher),
        (administrator_client, administrator),
        (staff_without_role_client, staff_without_role),
    ]:
        assert int(client.session["_auth_user_id"]) == user.pk


def test_the_demo_is_what_the_loader_makes(demo):
    """However it came (the loader, or the loader's rows inserted), the loader finds
    nothing to add or change."""
    report = load_demo(FIRST_ARTICLE)
    assert (report.created, report.updated) == (0, 0)
    assert report.counts[Statement] == Statement.objects.count() == 7


def every_row() -> dict:
    return {
        model._meta.label: sorted(
            DemoRows.read(model, [field.column for field in model._meta.concrete_fields]),
            key=repr,
        )
        for model in DemoRows.models(ours=True)
    }


def test_the_inserted_rows_are_the_loaders_rows():
    # The loader's account outlives the rollback below, so that its id is the same in both
    # loads (PostgreSQL's sequences do not roll back: a new account would get a new id).
    loader_account()
    rows = DemoRows()
    before = transaction.savepoint()
    rows.load()  # the first time: the loader runs, its rows are kept
    loaded = every_row()
    transaction.savepoint_rollback(before)
    assert rows.tables and not Statement.objects.exists()
    with connection.cursor() as cursor:  # as after a flush: PostgreSQL's ids start again
        for sql in connection.ops.sequence_reset_sql(no_style(), [Statement]):
            cursor.execute(sql)

    rows.load()  # then: its rows inserted

    assert every_row() == loaded
    misguided = Statement.objects.get(text="misguided")
    assert misguided in search.matching(Statement.objects.all(), "misguided")  # indexed
    newest = max(Statement.objects.values_list("pk", flat=True))
    assert StatementFactory().pk > newest  # the sequences were moved past the rows


def test_with_records_already_there_the_loader_runs(monkeypatch):
    rows = DemoRows()
    rows.tables = [("a table", ["a column"], [("a row",)])]
    monkeypatch.setattr(rows, "insert", lambda: pytest.fail("inserted over existing records"))
    mine = StatementFactory()

    rows.load()

    assert Statement.objects.count() == 7 + 1 and Statement.objects.filter(pk=mine.pk).exists()
