from django.contrib import admin

from .models import KnownSignInAddress, SignInFailure


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the sign-in code only; an administrator may look, and delete rows: a
    username's failures to lift its backoff, an address to make it unfamiliar again."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SignInFailure)
class SignInFailureAdmin(ReadOnlyAdmin):
    list_display = ["username", "ip_address", "attempted_at"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempted_at"


@admin.register(KnownSignInAddress)
class KnownSignInAddressAdmin(ReadOnlyAdmin):
    list_display = ["username", "ip_address", "first_seen", "last_seen"]
    search_fields = ["username", "ip_address"]
