"""Said before, in schema.org terms: the places a claim appeared.

A statement with repeats (reading/refrains.py) is one schema.org ``Claim`` that appeared
several times: each occurrence is an ``appearance`` (the statement's page, as a Quotation
for quoted words, with the date said, the event and the sources that reported it), the
earliest shown is its ``firstAppearance``. ``claim_appearances`` gives those two keys for
any Claim (a ClaimReview's ``itemReviewed`` takes them too); ``said_before`` gives the
statement page's Claim, which its Quotation names as the work it is an example of.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..models import Statement
from ..reading import linked_data
from ..reading.refrains import Refrains, chronological
from ..reading.visibility import shown


def appearance(statement: Statement, absolute: Callable[[str], str]) -> dict[str, Any]:
    """One occurrence: its page, date, words, event and sources (``sources.all()`` as the
    statement page has loaded them: published only)."""
    entry: dict[str, Any] = {
        "@type": linked_data.work_type(statement),
        "url": absolute(statement.get_absolute_url()),
        **linked_data.date_created(statement),
    }
    entry.update(linked_data.words(statement, name_speaker=False))
    event = statement.event
    if event is not None and shown(event):
        entry["recordedAt"] = {"@type": "Event", "name": event.name}
    entry["citation"] = [linked_data.source_work(source) for source in statement.sources.all()]
    return entry


def claim_appearances(
    statement: Statement, refrains: Refrains, absolute: Callable[[str], str]
) -> dict[str, Any]:
    """``appearance`` (this statement and its repeats shown, oldest first) and
    ``firstAppearance``; empty when the words were not said again."""
    if not refrains:
        return {}
    occurrences = sorted([statement, *refrains.statements], key=chronological)
    entries = [appearance(occurrence, absolute) for occurrence in occurrences]
    return {"firstAppearance": entries[0], "appearance": entries}


def said_before(
    statement: Statement, refrains: Refrains, absolute: Callable[[str], str]
) -> dict[str, Any]:
    """What the statement page's JSON-LD gains from repeats: ``exampleOfWork``, the Claim
    the words make, by the speaker, with where it appeared. Empty without repeats."""
    appearances = claim_appearances(statement, refrains, absolute)
    if not appearances:
        return {}
    author = {
        "@type": "Person",
        "name": statement.speaker.name,
        "url": absolute(statement.speaker.get_absolute_url()),
    }
    return {"exampleOfWork": {"@type": "Claim", "author": author, **appearances}}
