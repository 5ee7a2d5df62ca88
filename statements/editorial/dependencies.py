"""Publishing means publishing: what a record stands on, and what stands on it.

A record readers see (a published one, or a row that belongs to one: a statement's topic
or source link, a comment request, an affiliation, a candidacy) may point only at
published records. So:

- saving such a record with a draft, in-review or withdrawn record in any of its fields
  is refused, naming it (``unpublished_related``);
- publishing a record is refused while anything it or its rows point at is unpublished,
  unless the publisher publishes those too, in the same transaction
  (``workflow.publish(..., with_dependencies=True)``);
- withdrawing a record that published records still show is refused with their list,
  unless the publisher withdraws those too (``dependents``).

Every foreign key and many-to-many field is followed, found through ``_meta``, so a new
relation is covered without a list to keep up to date.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from django.db import models

from ..models import EditorialModel, PublicRule
from .errors import Record
from .records import PUBLISHED, STATE_PHRASE, describe, owner_field


@dataclass(frozen=True)
class Unpublished:
    """One record that something stands on but readers could not see."""

    field: str  # the form field that names it
    what: str  # how to name the relation to an editor: "speaker", "source"
    record: Record

    def describe(self) -> str:
        return f"{self.what} {describe(self.record)} {STATE_PHRASE[self.record.state]}"


def _related(
    record: Record, m2m: Mapping[str, Iterable] | None = None
) -> Iterator[tuple[str, str, models.Model]]:
    """(field name, how to name it, related record) for each foreign key and many-to-many
    value of ``record`` (``m2m`` gives values not saved yet), except the owner it belongs
    to."""
    owner = owner_field(type(record))
    for field in record._meta.concrete_fields:
        if not field.many_to_one or field is owner:
            continue
        value = getattr(record, field.name)
        if value is not None:
            yield field.name, str(field.verbose_name), value
    for field in record._meta.many_to_many:
        model = field.related_model
        if m2m is not None and field.name in m2m:
            wanted = [getattr(value, "pk", value) for value in m2m[field.name]]
            values: Iterable[models.Model] = model._default_manager.filter(pk__in=wanted)
        elif record.pk is not None:
            values = getattr(record, field.name).all()
        else:
            continue
        for value in values:
            yield field.name, str(model._meta.verbose_name), value


def owned_rows(record: Record) -> Iterator[models.Model]:
    """The rows without a state of their own that belong to ``record`` (its comment
    requests, affiliations, candidacies): they are shown with it."""
    for relation in record._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or issubclass(model, EditorialModel):
            continue
        if owner_field(model) is relation.field and record.pk is not None:
            yield from model._default_manager.filter(**{relation.field.name: record})


def unpublished_related(
    record: Record,
    m2m: Mapping[str, Iterable] | None = None,
    *,
    with_owned_rows: bool = False,
) -> list[Unpublished]:
    """What ``record`` (and, if asked, the rows that belong to it) points at that is not
    published, in field order, each once."""
    found: dict[tuple[type, int], Unpublished] = {}
    sources = [(record, m2m)]
    if with_owned_rows:
        sources += [(row, None) for row in owned_rows(record)]
    for source, values in sources:
        for name, what, value in _related(source, values):
            if isinstance(value, EditorialModel) and value.state != PUBLISHED:
                found.setdefault((type(value), value.pk), Unpublished(name, what, value))
    return list(found.values())


def dependents(record: Record) -> list[EditorialModel]:
    """The published records that point at ``record`` and would show it (or stop making
    sense without it): statements by a person, sources of an outlet, statements filed
    under a topic, … A row without a state counts through the record it belongs to."""
    found: dict[tuple[type, int], EditorialModel] = {}
    for relation in record._meta.related_objects:
        model = relation.related_model
        if not issubclass(model, PublicRule):
            continue  # the editorial log (corrections), not content readers see
        for row in model._default_manager.filter(**{relation.field.name: record}):
            shown = row if isinstance(row, EditorialModel) else _owner(row)
            if shown is None or shown.pk == record.pk and type(shown) is type(record):
                continue
            if shown.state == PUBLISHED:
                found.setdefault((type(shown), shown.pk), shown)
    return list(found.values())


def _owner(row: Record) -> EditorialModel | None:
    field = owner_field(type(row))
    owner = getattr(row, field.name) if field is not None else None
    return owner if isinstance(owner, EditorialModel) else None
