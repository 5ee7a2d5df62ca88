from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "statements"
    verbose_name = "Statements desk"

    def ready(self) -> None:
        from .caching import card_versions, charts, generation

        generation.connect()
        charts.connect()
        card_versions.connect()
