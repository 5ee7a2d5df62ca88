"""The shared fixtures of conftest.py are what they say they are."""

import pytest

from statements import editorial
from statements.editorial import ADMINISTRATOR, EDITOR, PUBLISHER

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
