from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """Saved searches mailed as digests. An app of its own, so that its writes (a
    subscription, a digest's high-water mark) never bump the content generation that
    the public pages are cached on, and so that the addresses stay out of the editors'
    backups."""

    name = "statements.alerts"
    label = "alerts"
    verbose_name = "Email alerts"
    default_auto_field = "django.db.models.BigAutoField"
