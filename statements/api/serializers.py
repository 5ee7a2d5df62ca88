"""How each record looks in the API.

A statement carries everything a journalist needs in one call: its words and kind, dates
with their precision, the speaker with role and party *at the time*, the event, topics,
sources, third-party reactions (with every stance they take), requests for comment and
the editors' position summaries that cite it.

Conventions: text that may be blank is an empty string; a URL or date that is not known
is ``null``; a reference to a record that is not published reads ``null`` (nested lists
simply leave unpublished records out). ``url`` is the record's page on the site and
``api_url`` its address in this API, both absolute.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Candidacy,
    CommentRequest,
    Event,
    Organization,
    PublicationState,
    Race,
    Rating,
    Reaction,
    format_partial_date,
)
from .fields import (
    ApiURLField,
    NamedChoiceField,
    OptionalURLField,
    PageURLField,
    ReportedOnField,
    SaidOnField,
    StatementsURLField,
    absolute,
    date_precision,
    quote_kind,
    statements_path,
)

PUBLISHED = PublicationState.PUBLISHED


class PublishedOnlyMixin:
    """A nested reference that reads null when the record it points to isn't published."""

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        if value is not None and getattr(value, "state", PUBLISHED) != PUBLISHED:
            return None
        return value


# --------------------------------------------------------------------------- references


class PersonRefSerializer(PublishedOnlyMixin, serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    url = PageURLField()
    api_url = ApiURLField("person")


class OrganizationRefSerializer(PublishedOnlyMixin, serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    api_url = ApiURLField("organization")


class TopicRefSerializer(PublishedOnlyMixin, serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    url = PageURLField()
    api_url = ApiURLField("topic")


class StatementTopicSerializer(TopicRefSerializer):
    # An output field: DRF's serializer metaclass takes declared fields off the class, so
    # it never shadows Field.parent; the stubs cannot tell (djangorestframework-stubs#158).
    parent = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="Slug of the broader topic, or null for a top-level topic."
    )

    def get_parent(self, topic) -> str | None:
        parent = topic.parent
        if parent is None or parent.state != PUBLISHED:
            return None
        return parent.slug


class EventRefSerializer(PublishedOnlyMixin, serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = NamedChoiceField(Event.Kind.choices, "EventKindEnum")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    date = serializers.DateField(read_only=True, help_text="When it happened.")
    date_precision = date_precision()
    date_display = serializers.CharField(read_only=True)
    online = serializers.BooleanField(read_only=True)
    location = serializers.CharField(read_only=True)
    url = PageURLField()
    api_url = ApiURLField("event")


class SourceRefSerializer(PublishedOnlyMixin, serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    outlet = OrganizationRefSerializer(read_only=True, allow_null=True)
    title = serializers.CharField(read_only=True, help_text="The headline, as published.")
    url = OptionalURLField()
    author = serializers.CharField(read_only=True)
    published_on = serializers.DateField(read_only=True)
    archive_url = OptionalURLField()
    api_url = ApiURLField("source", lookup="pk")


class StatementSourceSerializer(serializers.Serializer):
    """A statement's source, with where in it the statement appears."""

    id = serializers.IntegerField(source="source.id", read_only=True)
    outlet = OrganizationRefSerializer(source="source.outlet", read_only=True, allow_null=True)
    title = serializers.CharField(source="source.title", read_only=True)
    url = OptionalURLField(source="source.url")
    author = serializers.CharField(source="source.author", read_only=True)
    published_on = serializers.DateField(source="source.published_on", read_only=True)
    archive_url = OptionalURLField(source="source.archive_url")
    note = serializers.CharField(
        read_only=True, help_text="Where in the source, e.g. a paragraph; may be empty."
    )
    api_url = ApiURLField("source", lookup="pk", source="source")


class StatementRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = quote_kind()
    text = serializers.CharField(read_only=True)
    said_on = SaidOnField(help_text="When it was said; null when the source does not say.")
    date_precision = date_precision()
    speaker = PersonRefSerializer(read_only=True)
    url = PageURLField()
    api_url = ApiURLField("statement", lookup="pk")


# --------------------------------------------------------------------------- statement parts


class ReactionSerializer(serializers.Serializer):
    """A third party's response to a statement. Never the speaker's own position."""

    id = serializers.IntegerField(read_only=True)
    api_url = ApiURLField("reaction", lookup="pk")
    respondent = PersonRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="Who reacted; null for an organization's own finding (an outlet's).",
    )
    respondent_role = serializers.CharField(
        read_only=True, help_text="Their role when they reacted, e.g. 'spokesman'."
    )
    respondent_organization = OrganizationRefSerializer(
        read_only=True, allow_null=True, help_text="Whom they spoke for when they reacted."
    )
    stance = NamedChoiceField(
        Reaction.Stance.choices, "StanceEnum", help_text="The recorded stance."
    )
    stance_label = serializers.CharField(source="get_stance_display", read_only=True)
    stances = serializers.ListField(
        child=NamedChoiceField(Reaction.Stance.choices, "StanceEnum", read_only=False),
        read_only=True,
        help_text=(
            "Every stance the reaction takes: one that agrees and also reads something "
            "into the statement both agrees and interprets."
        ),
    )
    interpretation = serializers.CharField(
        read_only=True,
        help_text=(
            "What the respondent took the statement to mean, in their terms. Their reading, "
            "never the speaker's position. Empty when none."
        ),
    )
    rating = NamedChoiceField(
        [("", "None"), *Rating.choices],
        "RatingEnum",
        help_text=(
            "An organization's finding on the claim (an outlet's fact check), from a "
            "controlled list; empty when the reaction carries none."
        ),
    )
    rating_label = serializers.CharField(source="get_rating_display", read_only=True)
    kind = quote_kind(source="words_kind")
    text = serializers.CharField(
        source="words",
        read_only=True,
        help_text=(
            "Their words, byte for byte; for a finding, the reporter's wording of it; for a "
            "reaction that is the respondent's own statement, that statement's words."
        ),
    )
    response_statement = StatementRefSerializer(
        read_only=True,
        allow_null=True,
        help_text=(
            "The respondent's own statement that this reaction is (a retort), recorded "
            "once; null when none."
        ),
    )
    fragments = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The passages the source quotes apart, in order.",
    )
    channel = serializers.CharField(
        read_only=True, help_text="How it reached the source, e.g. an email. May be empty."
    )
    reacted_on = serializers.DateField(read_only=True, allow_null=True)
    # An output field: the metaclass takes it off the class (see StatementTopicSerializer).
    source = SourceRefSerializer(read_only=True)  # type: ignore[assignment]


class ReactionDetailSerializer(ReactionSerializer):
    statement = StatementRefSerializer(read_only=True)


class CommentRequestSerializer(serializers.Serializer):
    """Silence is data: who was asked, by whom, about what, and what came back."""

    asked = serializers.SerializerMethodField(help_text="Name of the person or body asked.")
    asked_person = PersonRefSerializer(read_only=True, allow_null=True)
    asked_organization = OrganizationRefSerializer(read_only=True, allow_null=True)
    requested_by = OrganizationRefSerializer(
        read_only=True, allow_null=True, help_text="Who asked, e.g. the outlet."
    )
    subject = serializers.CharField(read_only=True)
    repeated = serializers.BooleanField(read_only=True, help_text="Asked more than once.")
    outcome = NamedChoiceField(CommentRequest.Outcome.choices, "CommentOutcomeEnum")
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    requested_on = serializers.DateField(read_only=True, allow_null=True)
    date_precision = date_precision()
    date_display = serializers.CharField(read_only=True)
    date_inferred = serializers.BooleanField(read_only=True)
    date_inference_note = serializers.CharField(read_only=True)
    response = serializers.CharField(
        read_only=True, help_text="What came back, verbatim; empty if nothing."
    )
    # An output field: the metaclass takes it off the class (see StatementTopicSerializer).
    source = SourceRefSerializer(read_only=True)  # type: ignore[assignment]

    def get_asked(self, request) -> str:
        for who in (request.asked_person, request.asked_organization):
            if who is not None and who.state == PUBLISHED:
                return who.name
        return ""


class PositionSerializer(serializers.Serializer):
    """An editor's one-line summary of where a person stands, citing this statement."""

    summary = serializers.CharField(read_only=True)
    person = PersonRefSerializer(read_only=True)
    topic = TopicRefSerializer(read_only=True)
    as_of = serializers.DateField(read_only=True)


# --------------------------------------------------------------------------- statement


class StatementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = PageURLField(help_text="The statement's permalink on the site.")
    api_url = ApiURLField("statement", lookup="pk")
    kind = quote_kind(
        help_text=(
            "direct: whole sentences in quotation marks; partial: a word or phrase in "
            "quotation marks (see frame); paraphrase: reported speech, no quotation marks."
        ),
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    text = serializers.CharField(
        read_only=True,
        help_text="Exactly the quoted words (byte for byte), or the reported speech.",
    )
    frame = serializers.CharField(
        read_only=True,
        help_text="Partial quotes: the source's words around the quoted phrase. Else empty.",
    )
    # An output field: the metaclass takes it off the class (see StatementTopicSerializer).
    context = serializers.CharField(read_only=True)  # type: ignore[assignment]
    said_on = SaidOnField(
        help_text=(
            "When it was said (not when it was reported). Null when the source does not "
            "give it (date_precision none): see reported_on."
        ),
    )
    date_precision = date_precision(
        help_text=(
            "How precisely said_on is known; a month-precise date is stored as its 1st. "
            "none: the source gives no date; said_on is null and reported_on holds the day "
            "it was reported, by which the statement is sorted."
        ),
    )
    reported_on = ReportedOnField(
        help_text=(
            "Only when the source gives no date (date_precision none): the day it was "
            "reported (its source's published date), used to sort it. Null otherwise."
        ),
    )
    date_inferred = serializers.BooleanField(
        read_only=True, help_text="True when the source does not state the date outright."
    )
    date_inference_note = serializers.CharField(read_only=True)
    date_display = serializers.CharField(
        read_only=True, help_text="The date no more precisely than it is known."
    )
    speaker = PersonRefSerializer(read_only=True)
    speaker_role = serializers.CharField(
        read_only=True, help_text="The speaker's role when they spoke."
    )
    speaker_party = OrganizationRefSerializer(
        read_only=True, allow_null=True, help_text="The speaker's party when they spoke."
    )
    event = EventRefSerializer(read_only=True, allow_null=True)
    race = serializers.SerializerMethodField(
        help_text=(
            "Slug of the statement's own race: the one the speaker was running in when they "
            "spoke (also the ?race= filter). Null when none is recorded or it isn't published."
        )
    )
    topics = StatementTopicSerializer(source="public_topics", many=True, read_only=True)
    sources = StatementSourceSerializer(source="public_source_links", many=True, read_only=True)
    reactions = ReactionSerializer(source="public_reactions", many=True, read_only=True)
    comment_requests = CommentRequestSerializer(
        source="public_comment_requests", many=True, read_only=True
    )
    positions = PositionSerializer(
        source="public_positions",
        many=True,
        read_only=True,
        help_text="Editors' position summaries that cite this statement.",
    )

    def get_race(self, statement) -> str | None:
        candidacy = statement.candidacy
        if candidacy is None:
            return None
        race = candidacy.race
        if race.state != PUBLISHED or race.election.state != PUBLISHED:
            return None
        return race.slug


# --------------------------------------------------------------------------- other resources


class AffiliationSerializer(serializers.Serializer):
    organization = OrganizationRefSerializer(read_only=True)
    role = serializers.CharField(read_only=True)
    start_date = serializers.DateField(read_only=True, allow_null=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)


class ElectionSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    office = serializers.CharField(read_only=True)
    jurisdiction = serializers.CharField(read_only=True)
    year = serializers.IntegerField(read_only=True)


class RaceRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    election = serializers.CharField(source="election.name", read_only=True)
    date = serializers.DateField(read_only=True, allow_null=True)
    url = PageURLField()
    api_url = ApiURLField("race")


class CandidacySerializer(serializers.Serializer):
    race = RaceRefSerializer(read_only=True)
    party = OrganizationRefSerializer(read_only=True, allow_null=True)
    incumbent = serializers.BooleanField(read_only=True)
    result = NamedChoiceField(Candidacy.Result.choices, "CandidacyResultEnum")


class RaceCandidateSerializer(serializers.Serializer):
    person = PersonRefSerializer(read_only=True)
    party = OrganizationRefSerializer(read_only=True, allow_null=True)
    incumbent = serializers.BooleanField(read_only=True)
    result = NamedChoiceField(Candidacy.Result.choices, "CandidacyResultEnum")


class PersonSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    sort_name = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    url = PageURLField()
    api_url = ApiURLField("person")
    statements_url = StatementsURLField("speaker")
    affiliations = AffiliationSerializer(source="public_affiliations", many=True, read_only=True)
    candidacies = CandidacySerializer(source="public_candidacies", many=True, read_only=True)


class TopicSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    parent = TopicRefSerializer(read_only=True, allow_null=True)
    children = TopicRefSerializer(source="public_children", many=True, read_only=True)
    url = PageURLField()
    api_url = ApiURLField("topic")
    statements_url = StatementsURLField("topic", help_text="Narrower topics included.")


class EventSerializer(EventRefSerializer):
    date_inferred = serializers.BooleanField(read_only=True)
    date_inference_note = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    hosts = OrganizationRefSerializer(source="public_hosts", many=True, read_only=True)
    statements_url = StatementsURLField("event")


class RaceSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    stage = NamedChoiceField(Race.Stage.choices, "RaceStageEnum")
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    election = ElectionSerializer(read_only=True)
    party = OrganizationRefSerializer(
        read_only=True, allow_null=True, help_text="For a party primary: the party."
    )
    date = serializers.DateField(read_only=True, allow_null=True, help_text="Polling day.")
    date_precision = date_precision()
    date_display = serializers.SerializerMethodField()
    date_inferred = serializers.BooleanField(read_only=True)
    date_inference_note = serializers.CharField(read_only=True)
    candidates = RaceCandidateSerializer(source="public_candidacies", many=True, read_only=True)
    url = PageURLField()
    api_url = ApiURLField("race")
    statements_url = StatementsURLField("race", help_text="Statements by its candidates.")

    def get_date_display(self, race) -> str:
        return format_partial_date(race.date, race.date_precision)


class OrganizationSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    abbreviation = serializers.CharField(read_only=True)
    kind = NamedChoiceField(Organization.Kind.choices, "OrganizationKindEnum")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    description = serializers.CharField(read_only=True)
    website = OptionalURLField()
    api_url = ApiURLField("organization")
    statements_url = serializers.SerializerMethodField(
        help_text="For a party: statements by speakers of that party at the time. Else null."
    )

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_statements_url(self, organization) -> str | None:
        if organization.kind != Organization.Kind.PARTY:
            return None
        return absolute(self.context, statements_path(party=organization.slug))


class SourceSerializer(SourceRefSerializer):
    """A publication that reports something: the basis of every claim."""
