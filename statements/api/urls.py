"""/api/v1/: the resources, the OpenAPI document and its browsable page, the Popolo export."""

from django.urls import path, re_path
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views
from .popolo import PopoloView

app_name = "api"

# The docs page is Swagger UI from our own static files (drf-spectacular-sidecar), its
# start-up script served as a file of its own: the page keeps the site's strict CSP. GET
# and HEAD only: its OPTIONS answer is rendered by a template renderer given no template.
docs_view = require_safe(SpectacularSwaggerSplitView.as_view(url_name="api:schema"))

router = DefaultRouter()
router.include_format_suffixes = False
router.register("statements", views.StatementViewSet, basename="statement")
router.register("people", views.PersonViewSet, basename="person")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("events", views.EventViewSet, basename="event")
router.register("races", views.RaceViewSet, basename="race")
router.register("reactions", views.ReactionViewSet, basename="reaction")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("sources", views.SourceViewSet, basename="source")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_view, name="docs"),
    path("popolo.json", PopoloView.as_view(), name="popolo"),
    *router.urls,
    # Last: anything else under /api/v1/ ending in a slash is a JSON 404, whatever its
    # characters, line breaks (%0A) included. (Without the slash, CommonMiddleware first
    # redirects to it, as for every address of the site.)
    re_path(r"^[\s\S]*/$", views.not_found),
]
