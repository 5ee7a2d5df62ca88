"""People and organizations, and who belongs to what."""

from django.contrib import admin
from django.db.models import Prefetch

from ..models import Affiliation, Organization, Person, Statement
from .actions import MergeAdminMixin, PublicationAdminMixin
from .forms import URLS_ASSUME_HTTPS, count_of
from .inlines import AffiliationInline, CandidacyInline
from .mixins import EditorialAdmin


@admin.register(Organization)
class OrganizationAdmin(MergeAdminMixin, PublicationAdminMixin, EditorialAdmin):
    list_display = ["name", "abbreviation", "kind", "state"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "abbreviation", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = URLS_ASSUME_HTTPS
    inlines = [AffiliationInline]


@admin.register(Person)
class PersonAdmin(MergeAdminMixin, PublicationAdminMixin, EditorialAdmin):
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
class AffiliationAdmin(EditorialAdmin):
    list_display = ["person", "role", "organization", "start_date", "end_date"]
    list_select_related = ["person", "organization"]
    list_filter = ["organization__kind"]
    search_fields = ["person__name", "organization__name", "organization__abbreviation", "role"]
    autocomplete_fields = ["person", "organization"]
