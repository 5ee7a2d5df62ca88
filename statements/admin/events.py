"""Events where things were said, and the sources that report them."""

from django.contrib import admin

from ..models import Event, Source
from .actions import PublicationAdminMixin
from .forms import URLS_ASSUME_HTTPS
from .mixins import EditorialAdmin


@admin.register(Event)
class EventAdmin(PublicationAdminMixin, EditorialAdmin):
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
class SourceAdmin(PublicationAdminMixin, EditorialAdmin):
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
        ("State", {"fields": ["state", "published_at", "published_by"]}),
    ]

    def get_queryset(self, request):
        # A source's name includes its outlet's, in autocomplete results as well.
        return super().get_queryset(request).select_related("outlet")
