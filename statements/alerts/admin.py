"""The desk's view of the alerts: read-only, for whoever the administrators give the
permissions to (the Administrator group: migration 0002). Addresses are never edited
here; a staff member may delete one when its owner asks by mail."""

from django.contrib import admin

from .models import SavedSearch, Subscriber


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class SavedSearchInline(admin.TabularInline):
    model = SavedSearch
    fields = readonly_fields = ("label", "query", "created_at", "sent_through")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    list_display = ["email", "confirmed_at", "search_count"]
    search_fields = ["email"]
    date_hierarchy = "confirmed_at"
    fields = readonly_fields = ("email", "confirmed_at", "created_at")
    inlines = [SavedSearchInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(search_count=Count("searches"))

    @admin.display(description="Alerts", ordering="search_count")
    def search_count(self, subscriber) -> int:
        return subscriber.search_count


@admin.register(SavedSearch)
class SavedSearchAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "query", "subscriber", "sent_through"]
    list_select_related = ["subscriber"]
    search_fields = ["query", "label", "subscriber__email"]
    fields = readonly_fields = ("subscriber", "label", "query", "created_at", "sent_through")
