"""A statement row's values: the shared defaults applied, and the fields a model takes."""

from __future__ import annotations

from typing import Any

from ...models import DatePrecision, Event, QuoteKind
from .article import SHARED_FIELDS, STATEMENT_FIELDS, Article, StatementEntry

DATE_GROUP = ("said_on", "date_precision", "date_inferred", "date_inference_note")
SPEAKER_GROUP = ("speaker", "speaker_role", "speaker_party")


def merged_values(entry: StatementEntry, article: Article, event_date) -> dict[str, Any]:
    values = {name: entry.values.get(name) for name in STATEMENT_FIELDS}
    defaults = article.defaults
    if _blank(values.get("speaker")):
        for name in SPEAKER_GROUP:
            if _blank(values.get(name)):
                values[name] = defaults.get(name)
    if _blank(values.get("said_on")):
        # The date, as a group: the row's own event's, else the day it was reported when
        # the row (or the defaults) says the source gives no date, else the defaults',
        # else the page's event's (with its precision and how it was inferred).
        own_event = values.get("event")
        precision = values.get("date_precision")
        if _blank(precision) and _blank(defaults.get("said_on")):
            precision = defaults.get("date_precision")
        if precision == DatePrecision.NONE and not isinstance(own_event, Event):
            values["said_on"] = _reported_on(entry, article)
            values["date_precision"] = DatePrecision.NONE
            values["date_inferred"] = False
            values["date_inference_note"] = ""
        elif isinstance(own_event, Event):
            values["said_on"] = own_event.date
            for name in DATE_GROUP[1:]:
                values[name] = getattr(own_event, name)
        elif not _blank(defaults.get("said_on")):
            for name in DATE_GROUP:
                values[name] = defaults.get(name)
        elif event_date is not None:
            event = article.event
            values["said_on"] = event_date
            for name in DATE_GROUP[1:]:
                values[name] = getattr(event, name) if event else article.event_values.get(name)
    for name in SHARED_FIELDS:
        if name not in SPEAKER_GROUP and name not in DATE_GROUP and _blank(values.get(name)):
            values[name] = defaults.get(name)
    values["date_precision"] = values.get("date_precision") or DatePrecision.DAY
    values["date_inferred"] = bool(values.get("date_inferred"))
    values["date_inference_note"] = values.get("date_inference_note") or ""
    values["kind"] = values.get("kind") or QuoteKind.DIRECT
    for name in ("speaker_role", "frame", "context", "text"):
        values[name] = values.get(name) or ""
    return values


def _reported_on(entry: StatementEntry, article: Article):
    """The day the row's source (else the page's) was published: where a statement's
    source gives no date, the day it was reported stands in, for sorting only."""
    source = entry.source or article.source
    if source is not None:
        return source.published_on
    return article.source_values.get("published_on")


def _blank(value) -> bool:
    return value in (None, "", [], ())


def has_words(values: dict[str, Any]) -> bool:
    return bool((values.get("text") or "").strip())


def pk_of(value) -> int | None:
    return getattr(value, "pk", value)


def model_values(model, values: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in model._meta.concrete_fields}
    return {name: value for name, value in values.items() if name in names}
