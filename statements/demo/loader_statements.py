"""The demo loader's statements and what answers them: reactions, retorts, outlets'
findings and comment requests. Part of loader.py's _Loader (see its docstring); the
writing itself (save, put, link, publish) is loader.py's, through the editorial services.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.db import models

from .. import editorial
from ..models import (
    CommentRequest,
    DatePrecision,
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

# The labels of a module's one event and one source, when it declares EVENT and SOURCE.
EVENT, SOURCE = "event", "source"


def declared_events(data: ModuleType) -> dict[str, dict]:
    """EVENTS, or the one EVENT with its EVENT_DATE, by label."""
    if hasattr(data, "EVENTS"):
        return data.EVENTS
    return {EVENT: {**data.EVENT, **data.EVENT_DATE}}


def declared_sources(data: ModuleType) -> dict[str, dict]:
    """SOURCES, or the one SOURCE, by label."""
    return data.SOURCES if hasattr(data, "SOURCES") else {SOURCE: data.SOURCE}


def statement_date(row: dict, event: dict | None) -> dict:
    """The statement's date fields: its event's date, or its own (for a date the source
    does not give: DatePrecision.NONE, with the day it was reported)."""
    if event is not None:
        return {
            "said_on": event["date"],
            "date_precision": event.get("date_precision", DatePrecision.DAY),
            "date_inferred": event.get("date_inferred", False),
            "date_inference_note": event.get("date_inference_note", ""),
        }
    when = {
        name: row[name]
        for name in ("said_on", "date_precision", "date_inferred", "date_inference_note")
    }
    return when


class StatementsMixin:
    if TYPE_CHECKING:
        data: ModuleType
        user: Any
        report: Any
        orgs: dict[str, Organization]
        people: dict[str, Person]
        topics: dict[str, Topic]
        events: dict[str, Event]
        sources: dict[str, Source]
        source: Source
        statements: dict[str, Statement]

        def save(
            self, model: type[models.Model], key: dict, values: dict, m2m: dict | None = None
        ) -> tuple[Any, str]: ...
        def publish(self, record: models.Model, outcome: str) -> str: ...
        def put(
            self, model: type[models.Model], key: dict, values: dict, m2m: dict | None = None
        ) -> Any: ...
        def link(self, through, owner: str, obj, target: str, items, values=None) -> None: ...

    def load_statements(self):
        events = declared_events(self.data)
        defaults = self.data.STATEMENT_DEFAULTS
        for label, declared in self.data.STATEMENTS.items():
            row = {**defaults, **declared}
            event_label = row.get("event", EVENT if EVENT in events else None)
            event = self.events[event_label] if event_label else None
            when = statement_date(row, events[event_label] if event_label else None)
            self.check_in_article(row["text"], quoted=row["kind"] != QuoteKind.PARAPHRASE)
            speaker = self.people[row["speaker"]]
            key = {"speaker": speaker, "event": event, "text": row["text"]}
            statement, outcome = self.save(
                Statement,
                key,
                {
                    "speaker_role": row["speaker_role"],
                    "speaker_party": self.orgs[row["speaker_party"]],
                    **when,
                    # The race the speaker was running in that day, by the editors' rule.
                    "candidacy": editorial.suggest_candidacy(
                        speaker=speaker, said_on=when["said_on"]
                    ),
                    "kind": row["kind"],
                    "frame": row.get("frame", ""),
                    "context": row["context"],
                },
            )
            self.statements[label] = statement
            topics = [self.topics[t] for t in row["topics"]]
            self.link(StatementTopic, "statement", statement, "topic", topics)
            self.link_sources(statement, row.get("sources", [SOURCE]))
            # Published once its sources are linked: no claim without a source.
            self.report.add(Statement, self.publish(statement, outcome))

    def link_sources(self, statement: Statement, labels: Iterable[str]):
        """The statement's sources, each with where in it the words are (when the module
        has the article's text to tell)."""
        keep = []
        for label in labels:
            note = self.paragraph(statement.text) if hasattr(self.data, "ARTICLE") else ""
            keep.append(
                self.put(
                    StatementSource,
                    {"statement": statement, "source": self.sources[label]},
                    {"note": note},
                ).pk
            )
        for extra in StatementSource.objects.filter(statement=statement).exclude(pk__in=keep):
            editorial.delete_record(record=extra, user=self.user)

    def load_reactions_and_requests(self):
        for row in self.data.REACTIONS:
            for fragment in row["fragments"]:
                self.check_in_article(fragment, quoted=True)
            self.check_in_article(row["interpretation"], quoted=False)
            self.put(
                Reaction,
                {
                    "statement": self.statements[row["statement"]],
                    "respondent": self.people[row["respondent"]],
                    "source": self.source,
                },
                {
                    "respondent_role": row["respondent_role"],
                    "respondent_organization": self.orgs[row["respondent_organization"]],
                    "stance": row["stance"],
                    "interpretation": row["interpretation"],
                    "kind": QuoteKind.DIRECT,
                    "text": "\n\n".join(row["fragments"]),
                    "channel": row["channel"],
                    "reacted_on": None,
                },
            )
        for row in self.data.COMMENT_REQUESTS:
            values = dict(row)
            key = {
                "statement": self.statements[values.pop("statement")],
                "asked_organization": self.orgs[values.pop("asked_organization")],
                "requested_by": self.orgs[values.pop("requested_by")],
                "source": self.source,
            }
            self.put(CommentRequest, key, {"asked_person": None, "response": "", **values})

    # -- retorts: a statement that answers another is also a reaction to it --

    def load_retorts(self):
        """Each statement with ``answers`` is also its speaker's reaction to the statement
        it answers, from its first source: one record, linked (the reaction's
        ``response_statement``), its words read from the statement."""
        for label, row in self.data.STATEMENTS.items():
            if "answers" not in row or label not in self.statements:
                continue
            statement = self.statements[label]
            self.put(
                Reaction,
                {
                    "statement": self.statements[row["answers"]],
                    "respondent": statement.speaker,
                    "source": self.sources[row["sources"][0]],
                },
                {
                    "respondent_role": statement.speaker_role,
                    "respondent_organization": None,
                    "stance": row["stance"],
                    "interpretation": "",
                    # The words and kind are the statement's own, read from it.
                    "kind": statement.kind,
                    "text": "",
                    "channel": "",
                    "reacted_on": statement.said_on,
                    "response_statement": statement,
                },
            )

    # -- outlets' findings: a reaction by an organization, with a rating --

    def load_findings(self):
        """An outlet's own finding on a claim: a reaction by the organization, with no
        person, and its rating."""
        for row in getattr(self.data, "FINDINGS", []):
            self.put(
                Reaction,
                {
                    "statement": self.statements[row["statement"]],
                    "respondent": None,
                    "respondent_organization": self.orgs[row["organization"]],
                    "source": self.sources[row["source"]],
                },
                {
                    "respondent_role": "",
                    "stance": row["stance"],
                    "rating": row["rating"],
                    "interpretation": "",
                    "kind": row["kind"],
                    "text": row["text"],
                    "channel": "",
                    "reacted_on": None,
                },
            )

    # -- guards against a slip in the data: quotes must be the article's own words --

    def check_in_article(self, text: str, *, quoted: bool):
        """Only for a module that has the article's text (ARTICLE)."""
        article = getattr(self.data, "ARTICLE", None)
        if article is None:
            return
        if text not in article:
            raise ValueError(f"Not in the article, byte for byte: {text!r}")
        if quoted and f'"{text}' not in article:
            raise ValueError(f"Not at the start of a quotation in the article: {text!r}")

    def paragraph(self, text: str) -> str:
        for number, paragraph in enumerate(self.data.ARTICLE_BODY, start=1):
            if text in paragraph:
                return f"paragraph {number} after the dateline"
        raise ValueError(f"Not in the article: {text!r}")
