"""The article as the desk's page gives it, and what checking and saving it give back."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from ...models import (
    EditorialModel,
    Event,
    Organization,
    QuoteKind,
    Source,
    Statement,
    Topic,
)
from ...text import VerbatimCheck

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
