from django.urls import path, register_converter
from django.views.decorators.http import require_safe

from ..models.base import BIGINT_MAX, ID_PATTERN
from . import exports, feeds
from .views import (
    compare,
    corrections,
    data,
    embed,
    events,
    health,
    home,
    listing,
    people,
    races,
    statements,
    timeline,
    topics,
)

app_name = "statements"


class RecordId:
    """A record's number in an address: ASCII digits (as ``int``'s converter takes them)
    naming an id a record can have. A larger one is no match, hence a 404, where it would
    otherwise reach the database and fail there."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > BIGINT_MAX:
            raise ValueError("no record has so large an id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RecordId, "id")


def page(route: str, view, name: str):
    """A public address: it answers GET and HEAD, and 405 to anything else."""
    return path(route, require_safe(view), name=name)


urlpatterns = [
    page("", home.home, "home"),
    page("statements/", listing.statement_list, "statement-list"),
    page("statements/feed/", feeds.StatementFeed(), "statement-feed"),
    page("statements/feed/atom/", feeds.AtomStatementFeed(), "statement-feed-atom"),
    page("statements/export.csv", exports.export_csv, "statement-export-csv"),
    page("statements/export.json", exports.export_json, "statement-export-json"),
    page("statements/<id:pk>/", statements.statement_detail, "statement-detail"),
    page("statements/<id:pk>/embed/", embed.statement_embed, "statement-embed"),
    page("statements/<id:pk>/card.png", embed.share_card, "statement-card"),
    page("oembed", embed.oembed, "oembed"),
    page("people/", people.person_list, "person-list"),
    page("people/<slug:slug>/", people.person_detail, "person-detail"),
    page("people/<slug:slug>/timeline.svg", timeline.person_timeline, "person-timeline"),
    page("people/<slug:slug>/feed/", feeds.PersonFeed(), "person-feed"),
    page("people/<slug:slug>/feed/atom/", feeds.AtomPersonFeed(), "person-feed-atom"),
    page("topics/", topics.topic_list, "topic-list"),
    page("topics/<slug:slug>/", topics.topic_detail, "topic-detail"),
    page("topics/<slug:slug>/timeline.svg", timeline.topic_timeline, "topic-timeline"),
    page("topics/<slug:slug>/feed/", feeds.TopicFeed(), "topic-feed"),
    page("topics/<slug:slug>/feed/atom/", feeds.AtomTopicFeed(), "topic-feed-atom"),
    page("events/", events.event_list, "event-list"),
    page("events/<slug:slug>/", events.event_detail, "event-detail"),
    page("races/", races.race_list, "race-list"),
    page("races/<slug:slug>/", races.race_detail, "race-detail"),
    page("races/<slug:slug>/timeline.svg", timeline.race_timeline, "race-timeline"),
    page("compare/", compare.compare, "compare"),
    page("corrections/", corrections.corrections, "corrections"),
    page("data/", data.data_page, "data"),
    page("data/files/<str:name>", data.bulk_file, "bulk-file"),
    page("healthz", health.healthz, "healthz"),
]
