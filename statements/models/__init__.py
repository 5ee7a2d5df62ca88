from .base import (
    SLUG_PATTERN,
    DatePrecision,
    EditorialModel,
    PublicationState,
    PublicQuerySet,
    PublicRule,
    format_partial_date,
)
from .editorial import Correction, SlugRedirect, StateChange, SubmissionToken
from .elections import Candidacy, Election, Race
from .events import Event, Source
from .people import Affiliation, Organization, Person
from .reactions import CommentRequest, Rating, Reaction
from .statements import QuoteKind, Statement, StatementSource, StatementTopic
from .summaries import BackgroundNote, Position
from .topics import Topic

__all__ = [
    "SLUG_PATTERN",
    "PublicQuerySet",
    "PublicRule",
    "Affiliation",
    "BackgroundNote",
    "Candidacy",
    "CommentRequest",
    "Correction",
    "DatePrecision",
    "EditorialModel",
    "Election",
    "Event",
    "Organization",
    "Person",
    "Position",
    "PublicationState",
    "QuoteKind",
    "Race",
    "Rating",
    "Reaction",
    "SlugRedirect",
    "Source",
    "Statement",
    "StatementSource",
    "StatementTopic",
    "StateChange",
    "SubmissionToken",
    "Topic",
    "format_partial_date",
]
