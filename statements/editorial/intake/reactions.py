"""Reactions, outlets' findings, retorts and requests for comment: checked, then saved."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from ...models import (
    CommentRequest,
    DatePrecision,
    EditorialModel,
    Organization,
    QuoteKind,
    Reaction,
    Source,
    Statement,
)
from ...text import find_verbatim
from ..records import User
from .article import QUOTES, Article, ArticleCheck, Part, ReactionEntry
from .refusals import create
from .rows import has_words, model_values

# Checking -------------------------------------------------------------------------------


def is_outlets_finding(values: dict[str, Any]) -> bool:
    """A rated reaction that names no one: the article's outlet's own finding (like a
    request for comment, which the article's outlet made unless the row says otherwise)."""
    return bool(values.get("rating")) and not (
        values.get("respondent") or values.get("respondent_organization")
    )


def reaction_kind(values: dict[str, Any]) -> str:
    """A reaction row's kind when it chooses none: an outlet's own finding is the
    reporter's wording (a paraphrase); anyone else's words, a direct quote."""
    return QuoteKind.PARAPHRASE if is_outlets_finding(values) else QuoteKind.DIRECT


def article_outlet(article: Article) -> Organization | None:
    """The article's outlet when it is recorded; None when the page creates it."""
    if article.source is not None:
        return article.source.outlet
    return article.source_values.get("outlet")


def check_reaction(
    check: ArticleCheck,
    index: int,
    entry: ReactionEntry,
    source_text: str,
    outlet: Organization | None,
):
    part: Part = ("reaction", index)
    values = dict(entry.values)
    by_new_outlet = False
    if is_outlets_finding(values):
        values["respondent_organization"] = outlet
        by_new_outlet = outlet is None
    if entry.to is None:
        check.add(part, "to_row", "Say which statement this reaction answers.")
    if values.get("kind") in QUOTES and source_text:
        fragments = [part for part in values["text"].split("\n\n") if part.strip()]
        check.reactions[index] = found = [find_verbatim(f, source_text) for f in fragments]
        missing = [result for result in found if not result.found]
        if missing and not entry.keep_unverified:
            closest = missing[0].passage
            check.add(
                part,
                "text",
                "These words are not in the source's text"
                + (f". The closest passage is: {closest}" if closest else ".")
                + " Correct them, or tick “Keep these words” if the source's text is not the "
                "one quoted.",
            )
    reaction = Reaction(**model_values(Reaction, values))
    try:
        reaction.full_clean(exclude=["statement", "source"])
    except ValidationError as error:
        if by_new_outlet and hasattr(error, "error_dict"):
            # The outlet is created with the article: who made the finding is settled.
            kept = {
                name: found
                for name, found in error.error_dict.items()
                if name not in ("respondent", "rating")
            }
            if not kept:
                return
            error = ValidationError(kept)
        check.add_validation_error(part, error)


# Saving ---------------------------------------------------------------------------------


def save_retorts(
    check: ArticleCheck,
    article: Article,
    source: Source,
    saved: dict[int, Statement],
    user: User,
) -> list[EditorialModel]:
    """Each row that answers another statement: the retort, recorded as a reaction."""
    created: list[EditorialModel] = []
    for plan in check.statements:
        entry = article.statements[plan.index]
        if entry.replies_to is None or plan.index not in saved:
            continue
        statement = saved[plan.index]
        answered = _target(entry.replies_to, saved)
        if Reaction.objects.filter(statement=answered, response_statement=statement).exists():
            continue  # a reprint that already answers it: recorded once
        # The retort is recorded once: a reaction that is this statement, whose words it
        # reads from the statement (never a copy of them).
        reaction = Reaction(
            statement=answered,
            respondent=statement.speaker,
            respondent_role=statement.speaker_role,
            stance=entry.stance,
            kind=statement.kind,
            text="",
            response_statement=statement,
            source=plan.source or source,
            reacted_on=statement.said_on if statement.date_precision == "day" else None,
        )
        created.append(create(reaction, user, ("statement", plan.index)))
    return created


def save_reactions(
    article: Article, source: Source, saved: dict[int, Statement], user: User
) -> list[EditorialModel]:
    """The reaction rows: an outlet's finding that names no one is the article's outlet's."""
    created: list[EditorialModel] = []
    for index, reaction_entry in enumerate(article.reactions):
        if not has_words(reaction_entry.values):
            continue
        values = dict(reaction_entry.values)
        if is_outlets_finding(values):
            values["respondent_organization"] = source.outlet
        reaction = Reaction(
            statement=_target(reaction_entry.to, saved),
            source=source,
            **model_values(Reaction, values),
        )
        created.append(create(reaction, user, ("reaction", index)))
    return created


def save_comment_requests(
    article: Article, source: Source, saved: dict[int, Statement], user: User
) -> None:
    """The requests for comment: made by the article's outlet unless the row says who."""
    for index, request_entry in enumerate(article.comment_requests):
        if not request_entry.values.get("subject"):
            continue
        values = dict(request_entry.values)
        values["requested_by"] = values.get("requested_by") or source.outlet
        values["date_precision"] = values.get("date_precision") or DatePrecision.DAY
        request = CommentRequest(
            statement=_target(request_entry.to, saved),
            source=source,
            **model_values(CommentRequest, values),
        )
        create(request, user, ("comment", index))


def _target(to, saved: dict[int, Statement]) -> Statement:
    return saved[to] if isinstance(to, int) else to
