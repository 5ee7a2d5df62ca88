"""What the editorial layer knows about any record: its content fields, whether readers
see it, how to name it to an editor, and how a save is stamped in its history."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar, cast

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import slugify

from ..models import (
    EditorialModel,
    Organization,
    Person,
    PublicationState,
    SlugRedirect,
    Source,
    Statement,
    Topic,
)
from .errors import Record
from .rights import User

M = TypeVar("M", bound=models.Model)

DRAFT = PublicationState.DRAFT
REVIEW = PublicationState.REVIEW
PUBLISHED = PublicationState.PUBLISHED
WITHDRAWN = PublicationState.WITHDRAWN

# Fields that only the services write: never taken from a caller's instance.
SYSTEM_FIELDS = frozenset(
    {"state", "published_at", "published_by", "created_at", "updated_at", "version"}
)

STATE_PHRASE: dict[str, str] = {
    DRAFT: "is a draft",
    REVIEW: "is in review",
    PUBLISHED: "is published",
    WITHDRAWN: "is withdrawn",
}


def label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)


def is_versioned(model: type[models.Model]) -> bool:
    return any(field.name == "version" for field in model._meta.concrete_fields)


def content_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields an editor writes: everything but the key, derived and system fields."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in SYSTEM_FIELDS
    ]


def history_m2m_fields(model: type[models.Model]) -> list[models.ManyToManyField]:
    history = getattr(model, "history", None)
    return list(getattr(history.model, "_history_m2m_fields", [])) if history else []


def fresh(record: M) -> M:
    return type(record)._default_manager.get(pk=record.pk)


def describe(obj: Record) -> str:
    """How a refusal names a record: people and organizations by name, the rest quoted."""
    if isinstance(obj, Person | Organization | Topic):
        return obj.name
    if isinstance(obj, Source):
        return f"'{obj.title}'"
    text = str(obj)
    return f"'{text if len(text) <= 60 else text[:59] + '…'}'"


def display_value(field: models.Field, value) -> str:
    """A field's stored value as an editor would read it."""
    if value in (None, ""):
        return "(empty)"
    if field.choices:
        return f"“{dict(field.flatchoices).get(value, value)}”"
    if field.many_to_one:
        related_model = cast(type[models.Model], field.related_model)
        related = related_model._base_manager.filter(pk=value).first()
        return f"“{related}”" if related is not None else f"(deleted #{value})"
    text = str(value)
    return f"“{text if len(text) <= 120 else text[:119] + '…'}”"


def owner_field(model: type[models.Model]) -> models.ForeignKey | None:
    """For a row without a state of its own (a statement's topic or source link, a comment
    request, an affiliation, a candidacy): the foreign key to the record it belongs to,
    the first one that cascades. None for a record with a state."""
    if issubclass(model, EditorialModel):
        return None
    for field in model._meta.concrete_fields:
        if field.many_to_one and getattr(field.remote_field, "on_delete", None) is models.CASCADE:
            return cast(models.ForeignKey, field)
    return None


def is_live(record: Record) -> bool:
    """Would a reader see a change to this record right away?

    A published record would. A row without a state of its own is live when the record it
    belongs to (``owner_field``) is.
    """
    if isinstance(record, EditorialModel):
        return record.state == PUBLISHED
    field = owner_field(type(record))
    owner_id = getattr(record, field.attname) if field is not None else None
    if field is None or owner_id is None:
        return False
    owner_model = cast(type[models.Model], field.related_model)
    owner = owner_model._default_manager.filter(pk=owner_id).first()
    return owner is not None and is_live(owner)


def validate(record: Record) -> None:
    """full_clean(), leaving out the fields the model derives itself (speaker_name)."""
    derived = [
        field.name
        for field in record._meta.concrete_fields
        if not field.editable and getattr(record, field.attname) in field.empty_values
    ]
    record.full_clean(exclude=derived)


def stamp(record: Record, user: User, reason: str) -> None:
    """Who and why, for the history row that the next save() writes."""
    record._history_user = user
    record._change_reason = reason


def save(record: Record, user: User, reason: str) -> None:
    """Save through the one door: who and why for the history, and the copies the search
    index reads kept in step. ``Statement.speaker_name`` is a copy of the speaker's name
    (the PostgreSQL generated column and the SQLite FTS5 triggers read it from the
    statement row): set on every save of a statement, and carried to a person's saved
    statements when the person is saved (only rows whose copy differs are written)."""
    stamp(record, user, reason)
    if isinstance(record, Statement) and record.speaker_id:
        record.speaker_name = record.speaker.name
    record.save()
    if isinstance(record, Person):
        record.statements.exclude(speaker_name=record.name).update(speaker_name=record.name)


def set_m2m(record: Record, m2m: dict[str, Iterable] | None) -> None:
    for name, values in (m2m or {}).items():
        getattr(record, name).set(list(values))


def m2m_changes(current: Record, m2m: dict[str, Iterable] | None) -> list[str]:
    changed = []
    for name, values in (m2m or {}).items():
        wanted = {getattr(value, "pk", value) for value in values}
        if wanted != set(getattr(current, name).values_list("pk", flat=True)):
            changed.append(name)
    return changed


def unique_slug(model: type[models.Model], text: str, *, limit: int = 200) -> str:
    """A slug for a new record made from ``text`` ("Savannah debate 2020-10-28"), with
    "-2", "-3"… added while another record (or a redirect) holds it."""
    words = re.sub(r"[\u2010-\u2015/]", " ", text)  # "Perdue–Ossoff" is two words
    base = slugify(words)[: limit - 4].strip("-") or model._meta.model_name or "record"
    content_type = ContentType.objects.get_for_model(model)
    taken = set(
        model._default_manager.filter(slug__startswith=base).values_list("slug", flat=True)
    ) | set(
        SlugRedirect.objects.filter(
            content_type=content_type, old_slug__startswith=base
        ).values_list("old_slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def record_slug_redirect(model, old_slug: str, target_pk: int, user: User) -> None:
    content_type = ContentType.objects.get_for_model(model)
    SlugRedirect.objects.update_or_create(
        content_type=content_type,
        old_slug=old_slug,
        defaults={"target_id": target_pk, "created_by": user if user.is_authenticated else None},
    )


def forget_slug_redirect(model, slug: str) -> None:
    """A live record has (re)taken this slug: it wins over any redirect."""
    SlugRedirect.objects.filter(
        content_type=ContentType.objects.get_for_model(model), old_slug=slug
    ).delete()
