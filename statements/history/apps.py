from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "statements.history"
    label = "statements_history"
    verbose_name = "Editorial history"
    default_auto_field = "django.db.models.BigAutoField"
