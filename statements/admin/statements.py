"""Statements and what is said about them (reactions, requests for comment), and the
editorial summaries (positions, background notes)."""

from django.contrib import admin
from django.urls import path
from django.utils.html import format_html, format_html_join

from .. import editorial
from ..models import BackgroundNote, CommentRequest, Position, Reaction, Statement
from ..text import find_verbatim
from .actions import PublicationAdminMixin
from .forms import EditorialForm, count_of, excerpt
from .inlines import (
    CommentRequestInline,
    ReactionInline,
    StatementSourceInline,
    StatementTopicInline,
)
from .intake import intake_url, intake_view
from .mixins import EditorialAdmin
from .review import review_publish_view, review_queue_view


class StatementForm(EditorialForm):
    """The race (``candidacy``) is suggested when a new statement is saved without one:
    at save time, because only then are the speaker and the day known. On a statement
    that exists, an empty race is the editor's choice (the speaker was not running) and
    is kept. The model checks that the race is one the speaker ran in."""

    def clean(self):
        cleaned = super().clean()
        if (
            self.instance.pk is None
            and "candidacy" in self.fields
            and cleaned.get("candidacy") is None
        ):
            cleaned["candidacy"] = editorial.suggest_candidacy(
                speaker=cleaned.get("speaker"), said_on=cleaned.get("said_on")
            )
        return cleaned


@admin.register(Statement)
class StatementAdmin(PublicationAdminMixin, EditorialAdmin):
    form = StatementForm
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
    autocomplete_fields = ["speaker", "speaker_party", "event", "candidacy"]
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
                    "candidacy",
                ],
                "description": "The day it was said, not the day it was reported.",
            },
        ),
        ("What was said", {"fields": ["kind", "text", "verbatim_check", "frame", "context"]}),
        ("Publication", {"fields": ["state", "published_at", "published_by"]}),
    ]
    readonly_fields = ["verbatim_check"]
    inlines = [StatementSourceInline, StatementTopicInline, ReactionInline, CommentRequestInline]

    @admin.display(description="Verbatim check")
    def verbatim_check(self, statement):
        """The quote against each of its sources' stored text (statements/text.py)."""
        if statement is None or statement.pk is None:
            return "Checked once saved: or enter it on the article desk, which checks first."
        if not statement.is_quote:
            return "A paraphrase: not checked."
        sources = [source for source in statement.sources.select_related("outlet") if source.text]
        if not sources:
            return "Not checked: none of its sources has its text stored."
        results = []
        for source in sources:
            check = find_verbatim(statement.text, source.text)
            if check.found:
                results.append(format_html("<li>Found in the source: {}</li>", source))
            else:
                results.append(
                    format_html(
                        "<li><strong>Not found</strong> in {}. Closest passage: “{}”</li>",
                        source,
                        check.passage or "none",
                    )
                )
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((r,) for r in results)))

    def get_urls(self):
        # The desk's pages: the article desk and the review queue (all record types).
        view = self.admin_site.admin_view
        return [
            path("intake/", view(intake_view), name="statements_intake"),
            path("review/", view(review_queue_view), name="statements_review_queue"),
            path("review/publish/", view(review_publish_view), name="statements_review_publish"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        statement = self.get_object(request, object_id)
        extra = {}
        if statement is not None:
            first = statement.statementsource_set.order_by("id").values_list("source_id", flat=True)
            source_id = first.first()
            extra = {
                "from_this_source": intake_url(source=source_id) if source_id else "",
                "from_this_event": (
                    intake_url(event=statement.event_id, source=source_id)
                    if statement.event_id
                    else ""
                ),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("topics")
            .annotate(reaction_count=count_of(Reaction, "statement"))
        )

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
class ReactionAdmin(PublicationAdminMixin, EditorialAdmin):
    list_display = ["who", "stance", "rating", "quote", "statement", "source", "state"]
    list_select_related = [
        "respondent",
        "respondent_organization",
        "statement",
        "source__outlet",
        "response_statement",
    ]
    list_filter = ["stance", "rating", "kind", "state"]
    search_fields = ["text", "interpretation", "respondent__name", "statement__text"]
    autocomplete_fields = [
        "statement",
        "respondent",
        "respondent_organization",
        "source",
        "response_statement",
    ]
    date_hierarchy = "reacted_on"
    fieldsets = [
        ("To what", {"fields": ["statement"]}),
        ("Who", {"fields": ["respondent", "respondent_role", "respondent_organization"]}),
        (
            "What they said",
            {
                "fields": ["stance", "interpretation", "rating", "kind", "text"],
                "description": (
                    "An outlet's finding: leave the person empty, choose the outlet as the "
                    "organization, give the rating, and keep the reporter's wording as the "
                    "text (a paraphrase)."
                ),
            },
        ),
        (
            "A statement of their own",
            {
                "fields": ["response_statement"],
                "description": (
                    "When the respondent answered in a statement recorded on its own (a "
                    "retort in a debate): choose it and leave the words empty."
                ),
            },
        ),
        (
            "Publication",
            {
                "fields": [
                    "channel",
                    "source",
                    "reacted_on",
                    "state",
                    "published_at",
                    "published_by",
                ]
            },
        ),
    ]

    @admin.display(description="Who", ordering="respondent__sort_name")
    def who(self, reaction):
        return reaction.by

    @admin.display(description="Reaction", ordering="text")
    def quote(self, reaction):
        return excerpt(reaction.words)


@admin.register(CommentRequest)
class CommentRequestAdmin(EditorialAdmin):
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
class PositionAdmin(PublicationAdminMixin, EditorialAdmin):
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
class BackgroundNoteAdmin(PublicationAdminMixin, EditorialAdmin):
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
