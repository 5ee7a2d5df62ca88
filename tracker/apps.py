from django.apps import AppConfig


class TrackerConfig(AppConfig):
    """The project package as an app, for what belongs to no content app: the system checks
    of the deployment settings, and the per-username sign-in backoff (tracker.signin)."""

    name = "tracker"
    verbose_name = "Sign-in throttling"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)
