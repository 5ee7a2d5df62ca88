from django.urls import path

from .views import compare, events, health, home, listing, people, races, statements, topics

app_name = "statements"

urlpatterns = [
    path("", home.home, name="home"),
    path("statements/", listing.statement_list, name="statement-list"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement-detail"),
    path("people/", people.person_list, name="person-list"),
    path("people/<slug:slug>/", people.person_detail, name="person-detail"),
    path("topics/", topics.topic_list, name="topic-list"),
    path("topics/<slug:slug>/", topics.topic_detail, name="topic-detail"),
    path("events/", events.event_list, name="event-list"),
    path("events/<slug:slug>/", events.event_detail, name="event-detail"),
    path("races/", races.race_list, name="race-list"),
    path("races/<slug:slug>/", races.race_detail, name="race-detail"),
    path("compare/", compare.compare, name="compare"),
    path("healthz", health.healthz, name="healthz"),
]
