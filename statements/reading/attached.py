"""Display values the pages hang on records for their templates.

A template reads a topic's breadcrumb as ``topic.trail``, a person's parties as
``person.parties``, a correction's summary as ``correction.what_changed``: values worked
out here, in Python, for that page only. The models do not declare them, so they are set
through ``attach`` alone, which says so. (Lists a query brings along, through a
prefetch's ``to_attr`` or an annotation, are typed where the query is written.)
"""

from __future__ import annotations

from typing import Any, cast

from django.db import models


def attach(record: models.Model, **values: object) -> None:
    """Set display values on a record: ``attach(topic, trail=[...])``."""
    for name, value in values.items():
        setattr(record, name, value)


def as_prefetched(record: models.Model, relation: str, objects: list) -> None:
    """Make ``record.<relation>.all()`` return ``objects`` without a query, as
    ``prefetch_related`` would have: for related rows a page has read another way.
    ``relation`` is a field of the record's own model (a many-to-many): its name is where
    the related manager looks for prefetched rows."""
    related_model = cast("type[models.Model]", record._meta.get_field(relation).related_model)
    give_prefetched(record, relation, prefetched(related_model, objects))


def prefetched(model: type[models.Model], objects: list) -> Any:
    """A queryset of ``model`` that is ``objects``, as a prefetch leaves it. Made bare, not
    through the related manager, whose filtered queryset a card page would build a
    hundred times only to replace it. Never changed once made, so records may share one
    (``give_prefetched``)."""
    queryset: Any = model._default_manager.get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    return queryset


def give_prefetched(record: models.Model, relation: str, queryset: Any) -> None:
    """``as_prefetched`` with the queryset made already (``prefetched``)."""
    if not hasattr(record, "_prefetched_objects_cache"):
        record._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    record._prefetched_objects_cache[relation] = queryset  # type: ignore[attr-defined]


def related(record: models.Model, relation: str) -> list:
    """``list(record.<relation>.all())``, taken straight from what a prefetch (or
    ``as_prefetched``) left on the record when there is one: Django makes a new related
    manager on every ``record.<relation>`` (a fifth of the time of a card's markup), only for
    ``all()`` to hand back that list."""
    prefetched = getattr(record, "_prefetched_objects_cache", {}).get(relation)
    if prefetched is not None and prefetched._result_cache is not None:
        return prefetched._result_cache
    return list(getattr(record, relation).all())
