"""Checking an article before saving: each row as it would be saved, and every problem."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ...models import DatePrecision, Statement
from ...text import find_verbatim
from .article import QUOTES, Article, ArticleCheck, Part, StatementPlan
from .reactions import article_outlet, check_reaction
from .reprints import offer_reprint
from .rows import has_words, merged_values, model_values, pk_of
from .suggestions import suggest_roles


def check_article(article: Article) -> ArticleCheck:
    """Everything the page shows before saving: each row as it would be saved, and the
    problems, each keyed to where it belongs on the page."""
    check = ArticleCheck()
    source_text = _source_text(article)
    if article.source is None and not article.source_values.get("title"):
        check.add(
            ("source", None),
            "source",
            "Choose the article these statements come from, or describe it below: every "
            "statement needs a source.",
        )
    event = article.event
    event_date = event.date if event else article.event_values.get("date")
    rows = [entry for entry in article.statements if has_words(entry.values)]
    speakers_and_days = []
    for index, entry in enumerate(article.statements):
        if not has_words(entry.values):
            continue
        values = merged_values(entry, article, event_date)
        plan = StatementPlan(
            index=index,
            values=values,
            topics=entry.topics or article.topics,
            source=entry.source or article.source,
        )
        check.statements.append(plan)
        speakers_and_days.append((pk_of(values.get("speaker")), values.get("said_on")))
    suggestions = suggest_roles(speakers_and_days)
    for plan in check.statements:
        values = plan.values
        plan.suggestion = suggestions.get((pk_of(values.get("speaker")), values.get("said_on")))
        if plan.suggestion is not None:
            if not values.get("speaker_role"):
                values["speaker_role"] = plan.suggestion.role
            if not values.get("speaker_party"):
                values["speaker_party"] = plan.suggestion.party
        _check_statement(check, plan, article.statements[plan.index], source_text)
    for index, reaction in enumerate(article.reactions):
        if has_words(reaction.values):
            check_reaction(check, index, reaction, source_text, article_outlet(article))
    for index, request in enumerate(article.comment_requests):
        if request.values.get("subject") and request.to is None:
            check.add(("comment", index), "to_row", "Say which statement the request was about.")
    reactions = [r for r in article.reactions if has_words(r.values)]
    requests = [c for c in article.comment_requests if c.values.get("subject")]
    if not rows and not reactions and not requests:
        check.add(("statement", None), None, "Enter at least one statement.")
    _check_rows_exist(check, article)
    return check


def _check_statement(check: ArticleCheck, plan: StatementPlan, entry, source_text: str):
    part: Part = ("statement", plan.index)
    values = plan.values
    speaker = values.get("speaker")
    text = plan.source.text if plan.source is not None else source_text
    if values.get("kind") in QUOTES and text:
        plan.verbatim = find_verbatim(values["text"], text)
        if not plan.verbatim.found and not entry.keep_unverified:
            closest = plan.verbatim.passage
            check.add(
                part,
                "text",
                "These words are not in the source's text"
                + (f". The closest passage is: {closest}" if closest else ".")
                + " Correct them, or tick “Keep these words” below if the source's text is "
                "not the one quoted.",
            )
    adds_a_source = offer_reprint(check, plan, entry)
    if speaker is None and not adds_a_source:
        check.add(part, "speaker", "Who said it? Choose the speaker here or in the defaults.")
    if not adds_a_source:
        if values.get("said_on") is None and values.get("date_precision") == DatePrecision.NONE:
            check.add(
                part,
                "said_on",
                "The source gives no date, and the day it was reported is not known: give the "
                "source's published date, or enter the day it was reported here.",
            )
        elif values.get("said_on") is None:
            check.add(
                part,
                "said_on",
                "When was it said? Give the date here, in the defaults, or through the event. If "
                "the source does not say, choose “Not given in the source” as the precision.",
            )
    if entry.replies_to == plan.index:
        check.add(part, "replies_to", "A statement cannot answer itself.")
    if entry.replies_to is not None and not entry.stance:
        check.add(part, "stance", "Say how it answers the other statement (its stance).")
    if adds_a_source:
        return  # nothing new is saved for this row: no need to validate it as new
    statement = Statement(**model_values(Statement, values))
    try:
        statement.full_clean(exclude=["speaker_name"])
    except ValidationError as error:
        check.add_validation_error(part, error)


def _check_rows_exist(check: ArticleCheck, article: Article) -> None:
    """A reaction or request names a row of the page: that row must hold a statement."""
    filled = {plan.index for plan in check.statements}
    targets = [("reaction", i, r.to) for i, r in enumerate(article.reactions)]
    targets += [("comment", i, c.to) for i, c in enumerate(article.comment_requests)]
    targets += [
        ("statement", i, s.replies_to) for i, s in enumerate(article.statements) if s.values
    ]
    for kind, index, to in targets:
        if isinstance(to, int) and to not in filled:
            check.add(
                (kind, index),
                "replies_to" if kind == "statement" else "to_row",
                f"Statement {to + 1} on this page is empty.",
            )


def _source_text(article: Article) -> str:
    if article.source is not None:
        return article.source.text
    return article.source_values.get("text") or ""
