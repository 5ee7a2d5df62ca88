"""Who may do what: the editorial roles, and the rights each step of the workflow needs.

Editors add and change drafts and submit them for review; publishers also publish,
withdraw, return to draft, correct published records, revert to earlier versions and
merge duplicates; administrators hold every right (migrations 0003 and 0006 grant them).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as Account
from django.db import models

from ..models import (
    Statement,
)
from .errors import PermissionRefused

EDITOR = "Editor"
PUBLISHER = "Publisher"
ADMINISTRATOR = "Administrator"
ROLES = (EDITOR, PUBLISHER, ADMINISTRATOR)

# Who does an editorial write: a signed-in account. A request's user may be anonymous,
# which holds no right.
User = Account
Visitor = Account | AnonymousUser

SUBMIT = "statements.submit_for_review"
PUBLISH = "statements.publish_records"
CORRECT = "statements.record_corrections"
MERGE = "statements.merge_records"


def model_permission(action: str, model: type[models.Model]) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def has_rights(user: Visitor | None, *permissions: str) -> bool:
    return user is not None and user.is_active and all(user.has_perm(p) for p in permissions)


def require(user: Visitor | None, *permissions: str, doing: str) -> None:
    if not has_rights(user, *permissions):
        who = "A publisher" if set(permissions) & {PUBLISH, CORRECT, MERGE} else "An editor"
        raise PermissionRefused(f"You may not {doing}. {who} can.")


def rights_for(action: str, model: type[models.Model] = Statement) -> tuple[str, ...]:
    """The permissions each action of the workflow needs (for the matrix and the admin)."""
    return {
        "create draft": (model_permission("add", model),),
        "edit draft": (model_permission("change", model),),
        "submit for review": (model_permission("change", model), SUBMIT),
        "publish": (model_permission("change", model), PUBLISH),
        "withdraw": (model_permission("change", model), PUBLISH),
        "return to draft": (model_permission("change", model), SUBMIT),
        "record correction": (model_permission("change", model), PUBLISH, CORRECT),
        "revert": (model_permission("change", model), PUBLISH),
        "merge": (model_permission("change", model), model_permission("delete", model), MERGE),
    }[action]


def may(user: Visitor | None, action: str, model: type[models.Model] = Statement) -> bool:
    return has_rights(user, *rights_for(action, model))
