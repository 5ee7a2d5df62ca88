"""The editors' desk: enter a whole article (statements, sources, topics, reactions,
requests for comment) from the statement form, and publish only with a publisher's right.

People, organizations, events, topics and sources are picked by autocomplete everywhere,
which also gives the "add another" (+) link. Every changelist runs a fixed number of
queries whatever its length: relations it shows are joined (`list_select_related`),
prefetched or counted in the query (`get_queryset`).
"""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import (
    Affiliation,
    BackgroundNote,
    Candidacy,
    CommentRequest,
    EditorialModel,
    Election,
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

PUBLISH_PERMISSION = "statements.publish_records"

# Editors paste addresses without a scheme; assume https (Django 6's default) now.
URLS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}

# How many broader topics the topic changelist joins in its one query.
TOPIC_PATH_DEPTH = 3


def excerpt(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def count_of(model, field: str):
    """How many `model` rows point at each listed row through `field`.

    A correlated subquery rather than Count() over a JOIN: it is computed for the page's
    rows only, and it leaves out the GROUP BY that would drop the model's Meta.ordering
    (which autocomplete results, built on get_queryset, rely on).
    """
    counts = (
        model._default_manager.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts), 0)


# Publication --------------------------------------------------------------------------


class PublishRightMixin:
    """Only a user with the publish right may set a record's publication state.

    For everyone else `state` is read-only, so a crafted POST cannot set it either.
    Works for model admins and inlines alike.
    """

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm(PUBLISH_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "published_at"]
        if not self.has_publish_permission(request):
            readonly.append("state")
        return readonly


class PublicationAdminMixin(PublishRightMixin):
    """Publication for every admin of an EditorialModel (a model with a `state`).

    - `state` is read-only without the publish right (see PublishRightMixin);
    - saves check it again, for the record and its editorial inlines: without the right
      a state change is undone, so a new record keeps the default (draft) and an existing
      one keeps its state; with it, publishing stamps `published_at`;
    - "Publish selected" and "Withdraw selected" are offered only to publishers.
    """

    actions = ["publish_selected", "withdraw_selected"]

    def save_model(self, request, obj, form, change):
        self.apply_publication_rules(request, form)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if isinstance(inline_form.instance, EditorialModel) and inline_form.has_changed():
                self.apply_publication_rules(request, inline_form)
        super().save_formset(request, form, formset, change)

    def apply_publication_rules(self, request, form) -> None:
        if "state" not in form.changed_data:
            return
        obj = form.instance
        if not self.has_publish_permission(request):
            obj.state = form.initial.get("state", obj._meta.get_field("state").get_default())
        elif obj.state == PublicationState.PUBLISHED:
            obj.published_at = timezone.now()

    @admin.action(permissions=["publish"], description="Publish selected %(verbose_name_plural)s")
    def publish_selected(self, request, queryset):
        count = self._set_state(
            request, queryset.exclude(state=PublicationState.PUBLISHED), PublicationState.PUBLISHED
        )
        self.message_user(request, f"Published {count} record(s).", messages.SUCCESS)

    @admin.action(permissions=["publish"], description="Withdraw selected %(verbose_name_plural)s")
    def withdraw_selected(self, request, queryset):
        count = self._set_state(
            request, queryset.filter(state=PublicationState.PUBLISHED), PublicationState.WITHDRAWN
        )
        self.message_user(request, f"Withdrew {count} record(s).", messages.SUCCESS)

    def _set_state(self, request, queryset, state) -> int:
        """Save one by one so that each change lands in the record's admin history."""
        now = timezone.now()
        count = 0
        for obj in queryset:
            obj.state = state
            if state == PublicationState.PUBLISHED:
                obj.published_at = now
            obj.save(update_fields=["state", "published_at", "updated_at"])
            self.log_change(request, obj, f"Set state to {obj.get_state_display()}.")
            count += 1
        return count


# Inlines ------------------------------------------------------------------------------


class AffiliationInline(admin.TabularInline):
    """On a person's page (pick the organization) and an organization's (pick the person)."""

    model = Affiliation
    extra = 0
    autocomplete_fields = ["person", "organization"]


class CandidacyInline(admin.TabularInline):
    """On a person's page (pick the race) and a race's (pick the person)."""

    model = Candidacy
    extra = 0
    autocomplete_fields = ["person", "race", "party"]


class StatementSourceInline(admin.TabularInline):
    model = StatementSource
    min_num = 1
    extra = 0
    autocomplete_fields = ["source"]
    verbose_name_plural = "sources (at least one)"

    def get_formset(self, request, obj=None, **kwargs):
        # The admin shows min_num forms but does not enforce them: a statement whose
        # source row was removed or deleted must still be refused.
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class StatementTopicInline(admin.TabularInline):
    model = StatementTopic
    extra = 1
    autocomplete_fields = ["topic"]


class ReactionInline(PublishRightMixin, admin.StackedInline):
    model = Reaction
    extra = 0
    autocomplete_fields = ["respondent", "respondent_organization", "source"]
    fields = [
        ("respondent", "respondent_role", "respondent_organization"),
        ("stance", "interpretation"),
        "kind",
        "text",
        ("channel", "source", "reacted_on"),
        "state",
    ]


class CommentRequestInline(admin.StackedInline):
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


# People and organizations -------------------------------------------------------------


@admin.register(Organization)
class OrganizationAdmin(PublicationAdminMixin, admin.ModelAdmin):
    list_display = ["name", "abbreviation", "kind", "state"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "abbreviation", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = URLS_ASSUME_HTTPS
    inlines = [AffiliationInline]


@admin.register(Person)
class PersonAdmin(PublicationAdminMixin, admin.ModelAdmin):
    list_display = ["name", "sort_name", "roles", "statement_count", "state"]
    list_filter = ["state"]
    search_fields = ["name", "sort_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AffiliationInline, CandidacyInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "affiliations", queryset=Affiliation.objects.select_related("organization")
                )
            )
            .annotate(statement_count=count_of(Statement, "speaker"))
        )

    @admin.display(description="Roles")
    def roles(self, person):
        return "; ".join(
            f"{a.role}, {a.organization}" if a.role else str(a.organization)
            for a in person.affiliations.all()
        )

    @admin.display(description="Statements", ordering="statement_count")
    def statement_count(self, person):
        return person.statement_count


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "organization", "start_date", "end_date"]
    list_select_related = ["person", "organization"]
    list_filter = ["organization__kind"]
    search_fields = ["person__name", "organization__name", "organization__abbreviation", "role"]
    autocomplete_fields = ["person", "organization"]


# Elections ----------------------------------------------------------------------------


@admin.register(Election)
class ElectionAdmin(PublicationAdminMixin, admin.ModelAdmin):
    list_display = ["name", "office", "jurisdiction", "year", "race_count", "state"]
    list_filter = ["year", "state"]
    search_fields = ["name", "office", "jurisdiction"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(race_count=count_of(Race, "election"))

    @admin.display(description="Races", ordering="race_count")
    def race_count(self, election):
        return election.race_count


@admin.register(Race)
class RaceAdmin(PublicationAdminMixin, admin.ModelAdmin):
    list_display = ["name", "election", "stage", "party", "date", "candidate_count", "state"]
    list_filter = ["stage", "election", "state"]
    search_fields = ["name", "election__name", "party__name"]
    autocomplete_fields = ["election", "party"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "date"
    inlines = [CandidacyInline]

    def get_queryset(self, request):
        # Joined here, not in list_select_related (which the changelist ignores once the
        # queryset has a select_related): a race's name includes its election's, in
        # autocomplete results as well.
        return (
            super()
            .get_queryset(request)
            .select_related("election", "party")
            .annotate(candidate_count=count_of(Candidacy, "race"))
        )

    @admin.display(description="Candidates", ordering="candidate_count")
    def candidate_count(self, race):
        return race.candidate_count


@admin.register(Candidacy)
class CandidacyAdmin(admin.ModelAdmin):
    list_display = ["person", "race", "party", "incumbent", "result"]
    list_select_related = ["person", "race__election", "party"]
    list_filter = ["result", "incumbent", "race__stage", "race__election"]
    search_fields = ["person__name", "race__name", "race__election__name"]
    autocomplete_fields = ["person", "race", "party"]


# Events and sources -------------------------------------------------------------------


@admin.register(Event)
class EventAdmin(PublicationAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "when", "online", "location", "host_names", "state"]
    list_filter = ["kind", "online", "date_inferred", "state"]
    search_fields = ["name", "location", "hosts__name"]
    autocomplete_fields = ["hosts"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "date"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("hosts")

    @admin.display(description="Date", ordering="date")
    def when(self, event):
        return event.date_display

    @admin.display(description="Hosts")
    def host_names(self, event):
        return ", ".join(host.name for host in event.hosts.all())


@admin.register(Source)
class SourceAdmin(PublicationAdminMixin, admin.ModelAdmin):
    list_display = ["title", "outlet", "author", "published_on", "state"]
    list_filter = ["state"]
    search_fields = ["title", "author", "url", "outlet__name"]
    autocomplete_fields = ["outlet"]
    date_hierarchy = "published_on"
    formfield_overrides = URLS_ASSUME_HTTPS
    fieldsets = [
        ("Publication", {"fields": ["outlet", "title", "author", "published_on"]}),
        ("Where to find it", {"fields": ["url", "archive_url"]}),
        ("Text", {"fields": ["text"], "classes": ["collapse"]}),
        ("State", {"fields": ["state", "published_at"]}),
    ]

    def get_queryset(self, request):
        # A source's name includes its outlet's, in autocomplete results as well.
        return super().get_queryset(request).select_related("outlet")


# Topics -------------------------------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(PublicationAdminMixin, admin.ModelAdmin):
    list_display = ["path", "slug", "statement_count", "state"]
    list_select_related = ["__".join(["parent"] * TOPIC_PATH_DEPTH)]
    list_filter = ["state", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "parent__name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(statement_count=count_of(StatementTopic, "topic"))
        )

    @admin.display(description="Topic", ordering="name")
    def path(self, topic):
        """'Immigration › 287(g) program', from the parents joined in the changelist query.

        Deeper than TOPIC_PATH_DEPTH broader topics, the rest shows as '…'.
        """
        names, node = [topic.name], topic
        for _ in range(TOPIC_PATH_DEPTH):
            if node.parent_id is None:
                break
            node = node.parent
            names.append(node.name)
        else:
            if node.parent_id is not None:
                names.append("…")
        return " › ".join(reversed(names))

    @admin.display(description="Statements", ordering="statement_count")
    def statement_count(self, topic):
        return topic.statement_count


# Statements and what is said about them -----------------------------------------------


@admin.register(Statement)
class StatementAdmin(PublicationAdminMixin, admin.ModelAdmin):
    list_display = [
        "quote",
        "speaker_name",
        "kind",
        "said",
        "event",
        "topic_names",
        "reaction_count",
        "state",
    ]
    list_select_related = ["event"]
    list_filter = ["state", "kind", "date_inferred", ("topics", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["text", "speaker_name", "speaker__name", "context", "event__name"]
    autocomplete_fields = ["speaker", "speaker_party", "event"]
    date_hierarchy = "said_on"
    save_on_top = True
    fieldsets = [
        ("Who", {"fields": ["speaker", "speaker_role", "speaker_party"]}),
        (
            "Where and when",
            {
                "fields": [
                    "event",
                    ("said_on", "date_precision"),
                    ("date_inferred", "date_inference_note"),
                ],
                "description": "The day it was said, not the day it was reported.",
            },
        ),
        ("What was said", {"fields": ["kind", "text", "frame", "context"]}),
        ("Publication", {"fields": ["state", "published_at"]}),
    ]
    inlines = [StatementSourceInline, StatementTopicInline, ReactionInline, CommentRequestInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("topics")
            .annotate(reaction_count=count_of(Reaction, "statement"))
        )

    def save_model(self, request, obj, form, change):
        # speaker_name is filled only when empty: keep it in step with a changed speaker.
        if "speaker" in form.changed_data:
            obj.speaker_name = obj.speaker.name
        super().save_model(request, obj, form, change)

    @admin.display(description="Statement", ordering="text")
    def quote(self, statement):
        return excerpt(statement.text)

    @admin.display(description="Said", ordering="said_on")
    def said(self, statement):
        return statement.date_display

    @admin.display(description="Topics")
    def topic_names(self, statement):
        return ", ".join(topic.name for topic in statement.topics.all())

    @admin.display(description="Reactions", ordering="reaction_count")
    def reaction_count(self, statement):
        return statement.reaction_count


@admin.register(Reaction)
class ReactionAdmin(PublicationAdminMixin, admin.ModelAdmin):
    list_display = ["respondent", "stance", "quote", "statement", "source", "state"]
    list_select_related = ["respondent", "statement", "source__outlet"]
    list_filter = ["stance", "kind", "state"]
    search_fields = ["text", "interpretation", "respondent__name", "statement__text"]
    autocomplete_fields = ["statement", "respondent", "respondent_organization", "source"]
    date_hierarchy = "reacted_on"
    fieldsets = [
        ("To what", {"fields": ["statement"]}),
        ("Who", {"fields": ["respondent", "respondent_role", "respondent_organization"]}),
        ("What they said", {"fields": ["stance", "interpretation", "kind", "text"]}),
        ("Publication", {"fields": ["channel", "source", "reacted_on", "state", "published_at"]}),
    ]

    @admin.display(description="Reaction", ordering="text")
    def quote(self, reaction):
        return excerpt(reaction.text)


@admin.register(CommentRequest)
class CommentRequestAdmin(admin.ModelAdmin):
    list_display = ["asked", "requested_by", "subject", "outcome", "when", "statement"]
    list_select_related = ["asked_person", "asked_organization", "requested_by", "statement"]
    list_filter = ["outcome", "repeated"]
    search_fields = [
        "subject",
        "asked_person__name",
        "asked_organization__name",
        "requested_by__name",
    ]
    autocomplete_fields = [
        "statement",
        "asked_person",
        "asked_organization",
        "requested_by",
        "source",
    ]
    date_hierarchy = "requested_on"

    @admin.display(description="Asked")
    def asked(self, request_for_comment):
        return request_for_comment.asked

    @admin.display(description="Asked on", ordering="requested_on")
    def when(self, request_for_comment):
        return request_for_comment.date_display


# Editorial summaries ------------------------------------------------------------------


@admin.register(Position)
class PositionAdmin(PublicationAdminMixin, admin.ModelAdmin):
    list_display = ["person", "topic", "summary", "as_of", "statement_count", "state"]
    list_select_related = ["person", "topic"]
    list_filter = ["state"]
    search_fields = ["summary", "person__name", "topic__name"]
    autocomplete_fields = ["person", "topic", "statements", "sources"]
    date_hierarchy = "as_of"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(statement_count=count_of(Position.statements.through, "position"))
        )

    @admin.display(description="Statements", ordering="statement_count")
    def statement_count(self, position):
        return position.statement_count


@admin.register(BackgroundNote)
class BackgroundNoteAdmin(PublicationAdminMixin, admin.ModelAdmin):
    list_display = ["title", "as_of", "topic_names", "state"]
    list_filter = ["state"]
    search_fields = ["title", "text"]
    autocomplete_fields = ["topics", "organizations", "sources"]
    date_hierarchy = "as_of"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    @admin.display(description="Topics")
    def topic_names(self, note):
        return ", ".join(topic.name for topic in note.topics.all())
