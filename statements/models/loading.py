"""How rows read from the database become model instances, for the pages' many rows.

Django's ``Model.from_db`` builds each instance through ``Model.__init__``: it sends the
``pre_init`` and ``post_init`` signals, walks every concrete field, and for a read with
``only()`` first looks each field up in the list of columns read. A list page loads about
80 instances (its statements with their speaker, party and event); building them that way
took 0.40 of the 0.75 ms its read costs in Python, at a million statements.

``LeanLoading.from_db`` (the hook Django documents for this) does what that comes to for
models like ours: the columns read become the instance's attributes, the others stay
deferred (absent from ``__dict__``, as Django leaves them: they load when first used), and
the instance is marked as loaded from ``db``. It gives the job back to Django's own when
anything listens to those signals, or when a field's descriptor does more on assignment
than store the value (a file field, say), so nothing that relies on them is skipped.
"""

from __future__ import annotations

import functools
import inspect

from django.db import models
from django.db.models.base import ModelState
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# A foreign key's id descriptor clears the cached related object when the id changes: a
# new instance has none cached, so storing the value directly is all it would do.
PLAIN_DESCRIPTORS = (
    DeferredAttribute,
    models.fields.related_descriptors.ForeignKeyDeferredAttribute,
)


@functools.cache
def _plain(model: type[models.Model]) -> bool:
    """Whether every concrete field of ``model`` only stores what is assigned to it."""
    return all(
        type(inspect.getattr_static(model, field.attname, None)) in PLAIN_DESCRIPTORS
        for field in model._meta.concrete_fields
    )


class LeanLoading:
    """Instances built from database rows without ``Model.__init__`` (see the module)."""

    @classmethod
    def from_db(cls, db, field_names, values):
        if pre_init.receivers or post_init.receivers or not _plain(cls):
            return super().from_db(db, field_names, values)
        instance = cls.__new__(cls)
        state = ModelState()
        state.adding = False
        state.db = db
        attributes = instance.__dict__
        attributes["_state"] = state
        attributes.update(zip(field_names, values, strict=True))
        return instance
