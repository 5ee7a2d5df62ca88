"""Inline rows: affiliations, candidacies, and a statement's sources, topics, reactions
and requests for comment."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from ..models import (
    Affiliation,
    Candidacy,
    CommentRequest,
    Reaction,
    StatementSource,
    StatementTopic,
)
from .actions import PublishRightMixin
from .mixins import EditorialInlineMixin


class AffiliationInline(EditorialInlineMixin, admin.TabularInline):
    """On a person's page (pick the organization) and an organization's (pick the person)."""

    model = Affiliation
    extra = 0
    autocomplete_fields = ["person", "organization"]


class CandidacyInline(EditorialInlineMixin, admin.TabularInline):
    """On a person's page (pick the race) and a race's (pick the person)."""

    model = Candidacy
    extra = 0
    autocomplete_fields = ["person", "race", "party"]


class AtLeastOneSource(BaseInlineFormSet):
    """A statement's sources: at least one, said in plain words."""

    default_error_messages = {
        **BaseInlineFormSet.default_error_messages,
        "too_few_forms": (
            "Add the source this statement comes from: every statement cites at least one."
        ),
    }


class StatementSourceInline(EditorialInlineMixin, admin.TabularInline):
    model = StatementSource
    formset = AtLeastOneSource
    min_num = 1
    extra = 0
    autocomplete_fields = ["source"]
    verbose_name_plural = "sources (at least one)"

    def get_formset(self, request, obj=None, **kwargs):
        # The admin shows min_num forms but does not enforce them: a statement whose
        # source row was removed or deleted must still be refused.
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class StatementTopicInline(EditorialInlineMixin, admin.TabularInline):
    model = StatementTopic
    extra = 1
    autocomplete_fields = ["topic"]


class ReactionInline(PublishRightMixin, EditorialInlineMixin, admin.StackedInline):
    model = Reaction
    fk_name = "statement"
    extra = 0
    autocomplete_fields = ["respondent", "respondent_organization", "source", "response_statement"]
    fields = [
        ("respondent", "respondent_role", "respondent_organization"),
        ("stance", "interpretation"),
        "rating",
        "kind",
        "text",
        "response_statement",
        ("channel", "source", "reacted_on"),
        "state",
    ]


class CommentRequestInline(EditorialInlineMixin, admin.StackedInline):
    model = CommentRequest
    extra = 0
    autocomplete_fields = ["asked_person", "asked_organization", "requested_by", "source"]
    fields = [
        ("asked_person", "asked_organization"),
        ("requested_by", "source"),
        "subject",
        ("requested_on", "date_precision", "repeated"),
        ("date_inferred", "date_inference_note"),
        ("outcome", "response"),
    ]
