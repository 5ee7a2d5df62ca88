"""Reprints: a quote already recorded is offered, so the article becomes one more source of it."""

from __future__ import annotations

from ...models import Person, Source, Statement, StatementSource
from ...text import same_words
from ..records import User
from .article import ArticleCheck, Part, StatementEntry, StatementPlan
from .refusals import IntakeRefused, create


def recorded_quotes(speaker: Person | int | None, text: str) -> list[Statement]:
    """Statements by ``speaker`` (by anyone when None: a row that names no speaker) with
    the same words as ``text`` (statements/text.py): the database narrows them down by the
    quote's longest plain word, Python compares."""
    key = same_words(text)
    if not key:
        return []
    plain = [word.strip(".,;:!?()[]") for word in key.split(" ")]
    plain = [word for word in plain if word.isalnum()]
    candidates = Statement.objects.order_by("id")
    if speaker is not None:
        candidates = candidates.filter(speaker=speaker)
    if plain:
        candidates = candidates.filter(text__contains=max(plain, key=len))
    return [statement for statement in candidates if same_words(statement.text) == key]


def offer_reprint(check: ArticleCheck, plan: StatementPlan, entry: StatementEntry) -> bool:
    """Find the quotes already recorded with the row's words and, until the editor
    chooses, offer them as a problem on the row. True when the row adds a source to a
    recorded quote rather than saving a new statement."""
    part: Part = ("statement", plan.index)
    # A quote already recorded (by the row's speaker; by anyone if it names none) is
    # offered, so that the article is added as one more source of it.
    plan.reprint_of = recorded_quotes(plan.values.get("speaker"), plan.values["text"])
    if plan.reprint_of and not entry.reprint:
        first = plan.reprint_of[0]
        check.add(
            part,
            "text",
            f"{first.speaker_name or first.speaker} already has this quote (statement "
            f"#{first.pk}). Choose below: add this article as one more source of it, or "
            "enter it as a new statement.",
        )
    # A quote already recorded is added to (the offer's first choice) unless the editor
    # enters it anew: it keeps its own date and fields, so the row needs none of them.
    return entry.reprint.startswith("add:") or bool(plan.reprint_of and not entry.reprint)


def cite_again(
    plan: StatementPlan, choice: str, cited: Source, user: User, part: Part
) -> Statement:
    """The recorded quote the editor chose ("add:<id>"), citing ``cited`` unless it
    already does."""
    statement = _reprint_target(plan, choice, part)
    if not statement.sources.filter(pk=cited.pk).exists():
        create(StatementSource(statement=statement, source=cited), user, part)
    return statement


def _reprint_target(plan: StatementPlan, choice: str, part: Part) -> Statement:
    wanted = choice.removeprefix("add:")
    for statement in plan.reprint_of:
        if str(statement.pk) == wanted:
            return statement
    raise IntakeRefused(
        "That statement does not have these words any more: check the page again.",
        part=part,
        field="text",
    )
