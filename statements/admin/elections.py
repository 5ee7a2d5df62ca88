"""Elections, their races, and who ran in them."""

from django.contrib import admin

from ..editorial.records import unique_slug
from ..models import Candidacy, Election, Race
from .actions import PublicationAdminMixin
from .forms import EditorialForm, count_of
from .inlines import CandidacyInline
from .mixins import EditorialAdmin


@admin.register(Election)
class ElectionAdmin(PublicationAdminMixin, EditorialAdmin):
    list_display = ["name", "office", "jurisdiction", "year", "race_count", "state"]
    list_filter = ["year", "state"]
    search_fields = ["name", "office", "jurisdiction"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(race_count=count_of(Race, "election"))

    @admin.display(description="Races", ordering="race_count")
    def race_count(self, election):
        return election.race_count


class RaceForm(EditorialForm):
    """A race's address defaults to its election's and its own name, so that two
    elections' "Democratic primary" never take the same one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = (
                "Used in addresses; keep it stable. Leave empty to make it from the election "
                "and the name, e.g. 2020-georgia-us-senate-democratic-primary."
            )

    def clean(self):
        cleaned = super().clean()
        election, name = cleaned.get("election"), cleaned.get("name")
        if "slug" in self.fields and not cleaned.get("slug") and election and name:
            cleaned["slug"] = unique_slug(Race, f"{election.slug} {name}")
        return cleaned


@admin.register(Race)
class RaceAdmin(PublicationAdminMixin, EditorialAdmin):
    form = RaceForm
    list_display = ["name", "election", "stage", "party", "date", "candidate_count", "state"]
    list_filter = ["stage", "election", "state"]
    search_fields = ["name", "election__name", "party__name"]
    autocomplete_fields = ["election", "party"]
    date_hierarchy = "date"
    inlines = [CandidacyInline]
    fieldsets = [
        (None, {"fields": ["name", "election", "stage", "party", "slug"]}),
        (
            "Polling day",
            {"fields": [("date", "date_precision"), ("date_inferred", "date_inference_note")]},
        ),
        ("Publication", {"fields": ["state", "published_at", "published_by"]}),
    ]

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
class CandidacyAdmin(EditorialAdmin):
    list_display = ["person", "race", "party", "incumbent", "result"]
    list_select_related = ["person", "race__election", "party"]
    list_filter = ["result", "incumbent", "race__stage", "race__election"]
    search_fields = ["person__name", "race__name", "race__election__name"]
    autocomplete_fields = ["person", "race", "party"]
