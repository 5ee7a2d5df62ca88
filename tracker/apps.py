from django.apps import AppConfig


class TrackerConfig(AppConfig):
    """The project package as an app, for what belongs to no content app: the system checks
    of the deployment settings."""

    name = "tracker"
    verbose_name = "Tracker"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)
