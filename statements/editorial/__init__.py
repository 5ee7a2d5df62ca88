"""Every editorial write: create, edit, submit, publish, withdraw, correct, revert, merge.

The admin, the demo loader, management commands and anything else that changes records
call these functions; they are the authority on who may do what. Each one:

- checks the user's rights itself (hiding a button is not enough): rights.py;
- runs in one transaction, validates with ``full_clean()`` before saving;
- records who did it and when: the history row (django-simple-history) carries the user
  and a change reason; state changes also get a ``StateChange`` row and
  ``published_by``/``published_at``; corrections a ``Correction`` row;
- raises an ``EditorialRefusal`` (errors.py, with a message written for the editor)
  instead of writing anything it should not.

Optimistic locking (locking.py): a save names the version it was loaded at, and the
write is ``UPDATE … WHERE pk = … AND version = loaded``; if no row matches, someone else
saved first and the save is refused with what they changed. Nothing is overwritten
silently.
"""

from .corrections import CORRECTABLE, correct
from .dependencies import dependents, unpublished_related
from .edits import create_record, delete_record, submitted_record, update_record
from .errors import (
    CorrectionNeeded,
    DuplicateSubmission,
    EditConflict,
    EditorialRefusal,
    FieldChange,
    MergeRefused,
    PermissionRefused,
    TransitionRefused,
    UnpublishedDependency,
)
from .history import revert
from .merging import MERGEABLE, MergeReport, merge
from .races import suggest_candidacy
from .records import is_versioned
from .rights import (
    ADMINISTRATOR,
    CORRECT,
    EDITOR,
    MERGE,
    PUBLISH,
    PUBLISHER,
    ROLES,
    SUBMIT,
    has_rights,
    may,
    rights_for,
)
from .workflow import (
    publish,
    publishing_problems,
    return_to_draft,
    submit_for_review,
    transition,
    withdraw,
)

__all__ = [
    "suggest_candidacy",
    "ADMINISTRATOR",
    "CORRECT",
    "CORRECTABLE",
    "EDITOR",
    "MERGE",
    "MERGEABLE",
    "PUBLISH",
    "PUBLISHER",
    "ROLES",
    "SUBMIT",
    "CorrectionNeeded",
    "DuplicateSubmission",
    "EditConflict",
    "EditorialRefusal",
    "FieldChange",
    "MergeRefused",
    "MergeReport",
    "PermissionRefused",
    "TransitionRefused",
    "UnpublishedDependency",
    "correct",
    "create_record",
    "delete_record",
    "dependents",
    "has_rights",
    "is_versioned",
    "may",
    "merge",
    "publish",
    "return_to_draft",
    "revert",
    "rights_for",
    "submit_for_review",
    "submitted_record",
    "transition",
    "publishing_problems",
    "unpublished_related",
    "update_record",
    "withdraw",
]
