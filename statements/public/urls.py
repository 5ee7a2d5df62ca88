from django.urls import path

from . import exports, feeds
from .views import (
    compare,
    corrections,
    events,
    health,
    home,
    listing,
    people,
    races,
    statements,
    topics,
)

app_name = "statements"

urlpatterns = [
    path("", home.home, name="home"),
    path("statements/", listing.statement_list, name="statement-list"),
    path("statements/feed/", feeds.StatementFeed(), name="statement-feed"),
    path("statements/feed/atom/", feeds.AtomStatementFeed(), name="statement-feed-atom"),
    path("statements/export.csv", exports.export_csv, name="statement-export-csv"),
    path("statements/export.json", exports.export_json, name="statement-export-json"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement-detail"),
    path("people/", people.person_list, name="person-list"),
    path("people/<slug:slug>/", people.person_detail, name="person-detail"),
    path("people/<slug:slug>/feed/", feeds.PersonFeed(), name="person-feed"),
    path("people/<slug:slug>/feed/atom/", feeds.AtomPersonFeed(), name="person-feed-atom"),
    path("topics/", topics.topic_list, name="topic-list"),
    path("topics/<slug:slug>/", topics.topic_detail, name="topic-detail"),
    path("topics/<slug:slug>/feed/", feeds.TopicFeed(), name="topic-feed"),
    path("topics/<slug:slug>/feed/atom/", feeds.AtomTopicFeed(), name="topic-feed-atom"),
    path("events/", events.event_list, name="event-list"),
    path("events/<slug:slug>/", events.event_detail, name="event-detail"),
    path("races/", races.race_list, name="race-list"),
    path("races/<slug:slug>/", races.race_detail, name="race-detail"),
    path("compare/", compare.compare, name="compare"),
    path("corrections/", corrections.corrections, name="corrections"),
    path("healthz", health.healthz, name="healthz"),
]
