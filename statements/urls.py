from django.urls import path

from . import views

app_name = "statements"

urlpatterns = [
    path("", views.home, name="home"),
    path("statements/<int:pk>/", views.statement_detail, name="statement-detail"),
    path("statements/", views.statement_list, name="statement-list"),
    path("people/", views.person_list, name="person-list"),
    path("topics/", views.topic_list, name="topic-list"),
    path("events/", views.event_list, name="event-list"),
    path("races/", views.race_list, name="race-list"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("races/<slug:slug>/", views.race_detail, name="race-detail"),
    path("healthz", views.healthz, name="healthz"),
]
