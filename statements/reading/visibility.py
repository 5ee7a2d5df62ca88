"""Who may see what, as the querysets every public output reads.

The rule is defined once, on the models: a record is public when it is published and
everything in its ``public_requires`` is public too (models.base.PublicRule). This module
turns that rule into the rows the pages, the API, the feeds and the exports load, and
into the related rows they bring along (each consumer orders and prefetches them as it
needs), so that a published statement's draft reaction, topic, source or comment request
stays hidden everywhere in the same way.

Optional relations (a statement's party or event, a reaction's organization, an event's
hosts) are shown only when published: ``shown()`` says whether one may be.

``known_public`` names relations the caller has already restricted to public records
(the reactions of a statement it has loaded as public): the rule leaves them out, which
saves a join each, and the database plans a query with fewer joins much faster.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import models
from django.db.models import QuerySet

from ..models import (
    Affiliation,
    Candidacy,
    CommentRequest,
    Event,
    Organization,
    Person,
    Position,
    PublicationState,
    Race,
    Reaction,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)
from ..models.statements import StatementQuerySet

PUBLISHED = PublicationState.PUBLISHED


def shown(record: models.Model | None) -> bool:
    """Whether an optional related record (a party, an event, a host) may be shown."""
    return record is not None and getattr(record, "state", PUBLISHED) == PUBLISHED


def statements() -> StatementQuerySet:
    return Statement.objects.published()


def people() -> QuerySet[Person]:
    return Person.objects.published()


def organizations() -> QuerySet[Organization]:
    return Organization.objects.published()


def topics() -> QuerySet[Topic]:
    return Topic.objects.published()


def events() -> QuerySet[Event]:
    return Event.objects.published()


def races() -> QuerySet[Race]:
    return Race.objects.published()


def sources() -> QuerySet[Source]:
    return Source.objects.published().select_related("outlet")


def source_links(known_public: Collection[str] = ()) -> QuerySet[StatementSource]:
    """A statement's sources with the note on where in each it appears."""
    return StatementSource.objects.published(known_public).select_related("source__outlet")


def topic_links(known_public: Collection[str] = ()) -> QuerySet[StatementTopic]:
    return StatementTopic.objects.published(known_public)


def topic_links_by_speaker() -> QuerySet[StatementTopic]:
    """Links to published statements, by their copy of the statement's speaker, date and
    state (``StatementTopic``): for ranking or counting a published speaker's statements
    on a published topic from one index. The caller filters on ``said_by`` and on the
    topics, and shows the statements themselves only through ``statements()``."""
    return StatementTopic.objects.filter(statement_published=True)


def reactions(known_public: Collection[str] = ()) -> QuerySet[Reaction]:
    """Reactions with who reacted, their source and, for a retort, the statement it is
    (whose words it shows). Not the source's full text (up to 200,000 characters): only
    the verbatim check of a statement's own sources reads it."""
    return (
        Reaction.objects.published(known_public)
        .select_related(
            "respondent",
            "respondent_organization",
            "source__outlet",
            "response_statement__speaker",
        )
        .defer("source__text")
    )


def reactions_to_others(known_public: Collection[str] = ()) -> QuerySet[Reaction]:
    """A person's reactions as their page lists and counts them: not the retorts, which
    are their own statements and are counted and listed as such (once)."""
    return reactions(known_public).filter(response_statement__isnull=True)


def comment_requests(known_public: Collection[str] = ()) -> QuerySet[CommentRequest]:
    return (
        CommentRequest.objects.published(known_public)
        .select_related("asked_person", "asked_organization", "requested_by", "source__outlet")
        .defer("source__text")  # as for reactions
    )


def positions(known_public: Collection[str] = ()) -> QuerySet[Position]:
    return Position.objects.published(known_public).select_related("person", "topic")


def affiliations(known_public: Collection[str] = ()) -> QuerySet[Affiliation]:
    return Affiliation.objects.published(known_public).select_related("organization")


def candidacies(known_public: Collection[str] = ()) -> QuerySet[Candidacy]:
    return Candidacy.objects.published(known_public)
