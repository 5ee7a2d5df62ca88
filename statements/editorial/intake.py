"""Entering a whole article in one sitting: its source, the event, any number of
statements sharing defaults, and the reactions and requests for comment it reports.

The desk's intake page (statements/admin/intake.py) turns its forms into an ``Article``
and calls two functions:

- ``check_article``: what the page shows before anything is saved: every statement
  with the shared defaults applied, the role and party suggested from the speaker's
  candidacies and affiliations on the day, whether each quote stands in the source's
  stored text (statements/text.py), quotes already recorded for the same speaker
  (reprints), and every problem keyed to the part of the page it concerns;
- ``enter_article``: saves it all in one transaction through ``create_record`` (rights,
  validation and history as for any edit), as drafts or straight into review, once per
  one-time form token.

The per-statement fields are listed once, in ``STATEMENT_FIELDS``: a field added to
Statement (a race, an unknown date) is entered on the page by naming it there, and in
``SHARED_FIELDS`` if the shared defaults should fill it.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import (
    Affiliation,
    Candidacy,
    CommentRequest,
    DatePrecision,
    EditorialModel,
    Event,
    Organization,
    Person,
    QuoteKind,
    Reaction,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)
from ..text import VerbatimCheck, find_verbatim, same_words
from .edits import claim_token, create_record
from .errors import EditorialRefusal
from .races import suggest_candidacy
from .records import User, unique_slug
from .workflow import submit_for_review

# What one statement row of the page carries, in the order it shows them.
STATEMENT_FIELDS: tuple[str, ...] = (
    "speaker",
    "speaker_role",
    "speaker_party",
    "kind",
    "text",
    "frame",
    "context",
    "event",
    "said_on",
    "date_precision",
    "date_inferred",
    "date_inference_note",
)
# What the shared defaults fill in a row that leaves it blank. The date goes as a group
# (said_on, its precision and how it was inferred), and so does the speaker: a row that
# names its own speaker gets that speaker's suggested role and party, not the defaults'.
SHARED_FIELDS: tuple[str, ...] = (
    "speaker",
    "speaker_role",
    "speaker_party",
    "kind",
    "event",
    "said_on",
    "date_precision",
    "date_inferred",
    "date_inference_note",
)
DATE_GROUP = ("said_on", "date_precision", "date_inferred", "date_inference_note")
SPEAKER_GROUP = ("speaker", "speaker_role", "speaker_party")

# The reaction and comment-request fields a row gives (the rest comes from the page).
REACTION_FIELDS: tuple[str, ...] = (
    "respondent",
    "respondent_role",
    "respondent_organization",
    "stance",
    "interpretation",
    "rating",
    "kind",
    "text",
    "channel",
    "reacted_on",
)
COMMENT_REQUEST_FIELDS: tuple[str, ...] = (
    "asked_person",
    "asked_organization",
    "requested_by",
    "subject",
    "requested_on",
    "date_precision",
    "repeated",
    "outcome",
    "response",
)

QUOTES = (QuoteKind.DIRECT, QuoteKind.PARTIAL)

# Where a problem is shown: ("source", None), ("statement", 2), ("reaction", 0)…
Part = tuple[str, int | None]


# What the page gives -------------------------------------------------------------------


@dataclass
class StatementEntry:
    values: dict[str, Any]  # STATEMENT_FIELDS as the row gives them; blank = the defaults
    topics: list[Topic] = field(default_factory=list)  # none: the default topics
    source: Source | None = None  # None: the article
    reprint: str = ""  # "" undecided, "new", or "add:<id>" (cite the article on it)
    keep_unverified: bool = False  # save a quote the source's text does not show
    replies_to: int | Statement | None = None  # a row of the page, or a statement
    stance: str = ""


@dataclass
class ReactionEntry:
    to: int | Statement | None  # a row of the page, or a statement
    values: dict[str, Any]
    keep_unverified: bool = False


@dataclass
class CommentRequestEntry:
    to: int | Statement | None
    values: dict[str, Any]


@dataclass
class Article:
    source: Source | None = None  # an existing source, or:
    source_values: dict[str, Any] = field(default_factory=dict)  # a new one's fields
    new_outlet: str = ""  # a new outlet's name, when source_values names none
    event: Event | None = None  # an existing event, or:
    event_values: dict[str, Any] = field(default_factory=dict)  # a new one's (blank: none)
    hosts: list[Organization] = field(default_factory=list)
    new_hosts: list[str] = field(default_factory=list)
    defaults: dict[str, Any] = field(default_factory=dict)  # SHARED_FIELDS
    topics: list[Topic] = field(default_factory=list)
    statements: list[StatementEntry] = field(default_factory=list)
    reactions: list[ReactionEntry] = field(default_factory=list)
    comment_requests: list[CommentRequestEntry] = field(default_factory=list)


# What the page shows before saving ---------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    role: str
    party: Organization | None
    why: str


@dataclass
class StatementPlan:
    """One row, as it would be saved."""

    index: int
    values: dict[str, Any]
    topics: list[Topic]
    source: Source | None
    suggestion: Suggestion | None = None
    verbatim: VerbatimCheck | None = None  # None: nothing to check against (or a paraphrase)
    reprint_of: list[Statement] = field(default_factory=list)  # same words, same speaker


@dataclass
class ArticleCheck:
    statements: list[StatementPlan] = field(default_factory=list)
    reactions: dict[int, list[VerbatimCheck]] = field(default_factory=dict)  # by row
    problems: dict[Part, dict[str | None, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    def add(self, part: Part, field_name: str | None, message: str) -> None:
        self.problems[part][field_name].append(message)

    def add_validation_error(self, part: Part, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                for message in ValidationError(errors).messages:
                    self.add(part, None if name == "__all__" else name, message)
        else:
            for message in error.messages:
                self.add(part, None, message)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class EnteredArticle:
    source: Source
    created: list[EditorialModel] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    cited_again: list[Statement] = field(default_factory=list)  # reprints
    submitted: bool = False


class IntakeRefused(EditorialRefusal):
    """A service refused part of the article: nothing was saved."""

    def __init__(self, message: str, *, part: Part, field: str | None = None):
        super().__init__(message, field=field)
        self.part = part


# Suggestions: the speaker's role and party on the day ----------------------------------


def suggest_roles(wanted: Iterable[tuple[Any, Any]]) -> dict[tuple[Any, Any], Suggestion]:
    """For each (person id, date): the role and party of the candidacy they were running
    in that day (the race with the first polling day on or after it), else of their
    affiliations that day. Two queries, however many rows."""
    wanted = {(person, day) for person, day in wanted if person and day}
    people = {person for person, _ in wanted}
    candidacies: dict[int, list[Candidacy]] = defaultdict(list)
    for candidacy in Candidacy.objects.filter(person_id__in=people).select_related(
        "race__election", "party"
    ):
        candidacies[candidacy.person_id].append(candidacy)
    affiliations: dict[int, list[Affiliation]] = defaultdict(list)
    for affiliation in Affiliation.objects.filter(person_id__in=people).select_related(
        "organization"
    ):
        affiliations[affiliation.person_id].append(affiliation)
    found = {}
    for person, day in wanted:
        suggestion = _from_candidacies(candidacies[person], day) or _from_affiliations(
            affiliations[person], day
        )
        if suggestion is not None:
            found[(person, day)] = suggestion
    return found


def _from_candidacies(candidacies: list[Candidacy], day: datetime.date) -> Suggestion | None:
    running = [c for c in candidacies if c.race.date is None or c.race.date >= day]
    if not running:
        return None
    candidacy = min(running, key=lambda c: (c.race.date is None, c.race.date or day))
    election = candidacy.race.election
    role = f"{'incumbent and ' if candidacy.incumbent else ''}candidate, {election.office}, "
    role += election.jurisdiction
    return Suggestion(role=role, party=candidacy.party, why=f"running in {candidacy.race}")


def _from_affiliations(affiliations: list[Affiliation], day: datetime.date) -> Suggestion | None:
    current = [
        a
        for a in affiliations
        if (a.start_date is None or a.start_date <= day)
        and (a.end_date is None or a.end_date >= day)
    ]
    if not current:
        return None
    parties = [a.organization for a in current if a.organization.kind == Organization.Kind.PARTY]
    roles = [a for a in current if a.organization.kind != Organization.Kind.PARTY and a.role]
    role = f"{roles[0].role}, {roles[0].organization.name}" if roles else ""
    if not role and not parties:
        return None
    return Suggestion(
        role=role, party=parties[0] if parties else None, why="from their affiliations that day"
    )


# Reprints: the same words by the same speaker ----------------------------------------


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


# Checking -----------------------------------------------------------------------------


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
    rows = [entry for entry in article.statements if _has_words(entry.values)]
    speakers_and_days = []
    for index, entry in enumerate(article.statements):
        if not _has_words(entry.values):
            continue
        values = _merged(entry, article, event_date)
        plan = StatementPlan(
            index=index,
            values=values,
            topics=entry.topics or article.topics,
            source=entry.source or article.source,
        )
        check.statements.append(plan)
        speakers_and_days.append((_pk(values.get("speaker")), values.get("said_on")))
    suggestions = suggest_roles(speakers_and_days)
    for plan in check.statements:
        values = plan.values
        plan.suggestion = suggestions.get((_pk(values.get("speaker")), values.get("said_on")))
        if plan.suggestion is not None:
            if not values.get("speaker_role"):
                values["speaker_role"] = plan.suggestion.role
            if not values.get("speaker_party"):
                values["speaker_party"] = plan.suggestion.party
        _check_statement(check, plan, article.statements[plan.index], source_text)
    for index, reaction in enumerate(article.reactions):
        if _has_words(reaction.values):
            _check_reaction(check, index, reaction, source_text, _article_outlet(article))
    for index, request in enumerate(article.comment_requests):
        if request.values.get("subject") and request.to is None:
            check.add(("comment", index), "to_row", "Say which statement the request was about.")
    reactions = [r for r in article.reactions if _has_words(r.values)]
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
    # A quote already recorded (by the row's speaker; by anyone if it names none) is
    # offered, so that the article is added as one more source of it.
    plan.reprint_of = recorded_quotes(speaker, values["text"])
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
    adds_a_source = entry.reprint.startswith("add:") or bool(plan.reprint_of and not entry.reprint)
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
    statement = Statement(**_model_values(Statement, values))
    try:
        statement.full_clean(exclude=["speaker_name"])
    except ValidationError as error:
        check.add_validation_error(part, error)


def _is_outlets_finding(values: dict[str, Any]) -> bool:
    """A rated reaction that names no one: the article's outlet's own finding (like a
    request for comment, which the article's outlet made unless the row says otherwise)."""
    return bool(values.get("rating")) and not (
        values.get("respondent") or values.get("respondent_organization")
    )


def reaction_kind(values: dict[str, Any]) -> str:
    """A reaction row's kind when it chooses none: an outlet's own finding is the
    reporter's wording (a paraphrase); anyone else's words, a direct quote."""
    return QuoteKind.PARAPHRASE if _is_outlets_finding(values) else QuoteKind.DIRECT


def _article_outlet(article: Article) -> Organization | None:
    """The article's outlet when it is recorded; None when the page creates it."""
    if article.source is not None:
        return article.source.outlet
    return article.source_values.get("outlet")


def _check_reaction(
    check: ArticleCheck,
    index: int,
    entry: ReactionEntry,
    source_text: str,
    outlet: Organization | None,
):
    part: Part = ("reaction", index)
    values = dict(entry.values)
    by_new_outlet = False
    if _is_outlets_finding(values):
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
    reaction = Reaction(**_model_values(Reaction, values))
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


def _merged(entry: StatementEntry, article: Article, event_date) -> dict[str, Any]:
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


def _has_words(values: dict[str, Any]) -> bool:
    return bool((values.get("text") or "").strip())


def _pk(value) -> int | None:
    return getattr(value, "pk", value)


def _source_text(article: Article) -> str:
    if article.source is not None:
        return article.source.text
    return article.source_values.get("text") or ""


def _model_values(model, values: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in model._meta.concrete_fields}
    return {name: value for name, value in values.items() if name in names}


# Saving ---------------------------------------------------------------------------------


@transaction.atomic
def enter_article(
    *, article: Article, user: User, token: uuid.UUID | None = None, submit: bool = False
) -> EnteredArticle:
    """Save the article: every record through ``create_record`` (as a draft), then, with
    ``submit``, every new record into review. Refused, with nothing saved, if the check
    finds a problem or a service refuses a record (``IntakeRefused`` names where)."""
    check = check_article(article)
    if not check.ok:
        (where, fields), *_ = check.problems.items()
        (name, messages), *_ = fields.items()
        raise IntakeRefused(messages[0], part=where, field=name)
    claim = claim_token(token, user, Source) if token is not None else None
    created: list[EditorialModel] = []
    source = _save_source(article, user, created)
    entered = EnteredArticle(source=source, created=created)
    event = _save_event(article, user, created)
    saved: dict[int, Statement] = {}
    for plan in check.statements:
        entry = article.statements[plan.index]
        part: Part = ("statement", plan.index)
        cited = plan.source or source
        if entry.reprint.startswith("add:"):
            statement = _reprint_target(plan, entry.reprint, part)
            if not statement.sources.filter(pk=cited.pk).exists():
                _create(StatementSource(statement=statement, source=cited), user, part)
            entered.cited_again.append(statement)
            saved[plan.index] = statement
            continue
        values = dict(plan.values)
        if values.get("event") is None and event is not None:
            values["event"] = event
        if values.get("speaker") and values.get("said_on") and not values.get("candidacy"):
            # The race the speaker was running in that day, as the statement form suggests.
            values["candidacy"] = suggest_candidacy(
                speaker=values["speaker"], said_on=values["said_on"]
            )
        statement = _create(Statement(**_model_values(Statement, values)), user, part)
        entered.created.append(statement)
        entered.statements.append(statement)
        saved[plan.index] = statement
        _create(StatementSource(statement=statement, source=cited), user, part)
        for topic in plan.topics:
            _create(StatementTopic(statement=statement, topic=topic), user, part)
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
        entered.created.append(_create(reaction, user, ("statement", plan.index)))
    for index, reaction_entry in enumerate(article.reactions):
        if not _has_words(reaction_entry.values):
            continue
        values = dict(reaction_entry.values)
        if _is_outlets_finding(values):
            values["respondent_organization"] = source.outlet
        reaction = Reaction(
            statement=_target(reaction_entry.to, saved),
            source=source,
            **_model_values(Reaction, values),
        )
        entered.created.append(_create(reaction, user, ("reaction", index)))
    for index, request_entry in enumerate(article.comment_requests):
        if not request_entry.values.get("subject"):
            continue
        values = dict(request_entry.values)
        values["requested_by"] = values.get("requested_by") or source.outlet
        values["date_precision"] = values.get("date_precision") or DatePrecision.DAY
        request = CommentRequest(
            statement=_target(request_entry.to, saved),
            source=source,
            **_model_values(CommentRequest, values),
        )
        _create(request, user, ("comment", index))
    if submit:
        for record in entered.created:
            submit_for_review(record=record, user=user, note="Entered from the article desk")
        entered.submitted = True
    if claim is not None:
        claim.object_id = source.pk
        claim.save(update_fields=["object_id"])
    return entered


def _save_source(article: Article, user: User, created: list[EditorialModel]) -> Source:
    if article.source is not None:
        return article.source
    values = dict(article.source_values)
    if values.get("outlet") is None:
        name = article.new_outlet.strip()
        if not name:
            raise IntakeRefused(
                "Choose the outlet that published the article, or type a new outlet's name.",
                part=("source", None),
                field="outlet",
            )
        outlet = Organization(
            name=name, slug=unique_slug(Organization, name), kind=Organization.Kind.NEWS
        )
        created.append(_create(outlet, user, ("source", None), field="new_outlet"))
        values["outlet"] = outlet
    source = _create(Source(**_model_values(Source, values)), user, ("source", None))
    created.append(source)
    return source


def _save_event(article: Article, user: User, created: list[EditorialModel]) -> Event | None:
    if article.event is not None:
        return article.event
    values = dict(article.event_values)
    if not values.get("name"):
        return None
    hosts = list(article.hosts)
    for name in article.new_hosts:
        host = Organization(name=name, slug=unique_slug(Organization, name))
        created.append(_create(host, user, ("event", None), field="new_hosts"))
        hosts.append(host)
    day = values.get("date")
    values["slug"] = unique_slug(
        Event, f"{values['name']} {day:%Y-%m-%d}" if day else values["name"]
    )
    event = Event(**_model_values(Event, values))
    try:
        event = create_record(record=event, user=user, m2m={"hosts": hosts})
    except ValidationError as error:
        raise _refusal(error, ("event", None)) from None
    except EditorialRefusal as refusal:
        raise IntakeRefused(refusal.message, part=("event", None), field=refusal.field) from None
    created.append(event)
    return event


def _create(record, user: User, part: Part, field: str | None = None):
    try:
        return create_record(record=record, user=user)
    except ValidationError as error:
        raise _refusal(error, part, field) from None
    except EditorialRefusal as refusal:
        raise IntakeRefused(refusal.message, part=part, field=field or refusal.field) from None


def _refusal(error: ValidationError, part: Part, field: str | None = None) -> IntakeRefused:
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.error_dict.items()))
        message = ValidationError(errors).messages[0]
        return IntakeRefused(
            message, part=part, field=field or (None if name == "__all__" else name)
        )
    return IntakeRefused(error.messages[0], part=part, field=field)


def _target(to, saved: dict[int, Statement]) -> Statement:
    return saved[to] if isinstance(to, int) else to


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


__all__ = [
    "COMMENT_REQUEST_FIELDS",
    "REACTION_FIELDS",
    "SHARED_FIELDS",
    "STATEMENT_FIELDS",
    "Article",
    "ArticleCheck",
    "CommentRequestEntry",
    "EnteredArticle",
    "IntakeRefused",
    "ReactionEntry",
    "StatementEntry",
    "StatementPlan",
    "Suggestion",
    "check_article",
    "enter_article",
    "reaction_kind",
    "recorded_quotes",
    "suggest_roles",
]
