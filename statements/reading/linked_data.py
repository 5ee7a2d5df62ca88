"""A statement and its sources in schema.org terms, for the JSON-LD of its page.

Quoted words are a ``Quotation`` with their ``text``; a paraphrase is a ``CreativeWork``
with a ``description`` that says it is one, never presented as a quotation. Each source
that reported the words is the work they appeared in: a ``NewsArticle`` where the page
cites it, a ``CreativeWork`` where a ClaimReview names it as an appearance of the claim.
The statement page (public/views/statements.py), its ClaimReviews and the appearances of
repeated words (public/appearances.py) all describe them through these functions.
"""

from __future__ import annotations

import json
from typing import Any

from ..models import Source, Statement
from .cards import as_quoted

# Characters that must not appear raw inside a <script> element.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def work_type(statement: Statement) -> str:
    """``Quotation`` for quoted words (direct or partial), ``CreativeWork`` for a paraphrase."""
    return "Quotation" if statement.is_quote else "CreativeWork"


def words(statement: Statement, *, name_speaker: bool) -> dict[str, str]:
    """The words: ``text`` when quoted; otherwise a ``description`` that says it is a
    paraphrase ("Paraphrase: said …", or "Paraphrase: Jon Ossoff said …" with
    ``name_speaker``)."""
    if statement.is_quote:
        return {"text": statement.text}
    said = as_quoted(statement)
    if name_speaker:
        said = f"{statement.speaker.name} {said}"
    return {"description": f"Paraphrase: {said}"}


def source_work(
    source: Source, *, schema_type: str = "NewsArticle", with_author: bool = False
) -> dict[str, Any]:
    """A source as the work the words appeared in: headline, publisher, date and, when
    recorded, its address (and its author, ``with_author``)."""
    work: dict[str, Any] = {
        "@type": schema_type,
        "headline": source.title,
        "publisher": {"@type": "Organization", "name": source.outlet.name},
        "datePublished": source.published_on.isoformat(),
    }
    if source.url:
        work["url"] = source.url
    if with_author and source.author:
        work["author"] = source.author
    return work


def as_script(data: dict[str, Any]) -> str:
    """JSON-LD as text safe to put inside a <script> element."""
    return json.dumps(data, ensure_ascii=False, indent=2).translate(SCRIPT_ESCAPES)


def date_created(statement: Statement) -> dict[str, str]:
    """``dateCreated`` when the source gives the date: for an undated statement the stored
    day is the day it was reported, not said, and nothing is said instead."""
    return {} if statement.date_not_given else {"dateCreated": statement.said_on.isoformat()}
