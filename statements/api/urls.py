"""/api/v1/: the resources, the OpenAPI document and its browsable page, the Popolo export."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.routers import DefaultRouter

from . import views
from .popolo import PopoloView

app_name = "api"

# The docs page is Redoc, loaded from a CDN (drf-spectacular's REDOC_DIST) with Google
# Fonts; Redoc styles itself inline and runs its search in a blob: worker. Only this page
# widens the site's Content-Security-Policy, and only by that much.
REDOC_CSP = {
    "script-src": ["https://cdn.jsdelivr.net"],
    "style-src": [UNSAFE_INLINE, "https://fonts.googleapis.com"],
    "font-src": ["https://fonts.gstatic.com"],
    "worker-src": ["blob:"],
}
docs_view = csp_update(REDOC_CSP)(SpectacularRedocView.as_view(url_name="api:schema"))

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
    # Last: anything else under /api/v1/ ending in a slash is a JSON 404. (Without the
    # slash, CommonMiddleware first redirects to it, as for every address of the site.)
    re_path(r"^.*/$", views.not_found),
]
