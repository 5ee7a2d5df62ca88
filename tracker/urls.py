from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from statements.public.sitemaps import SITEMAPS


@require_safe
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """/favicon.ico, which browsers and crawlers ask for on their own: the site's icon.
    A temporary redirect, as the icon's static URL changes with its content."""
    return HttpResponseRedirect(static("favicon.svg"))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        require_safe(TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
        name="robots-txt",
    ),
    path("favicon.ico", favicon, name="favicon"),
    path("api/v1/", include("statements.api.urls")),
    path("alerts/", include("statements.alerts.urls")),
    path("", include("statements.public.urls")),
]

if settings.BENCH_REFERENCE_VIEWS:  # `make bench` only (tracker/bench.py)
    from tracker import bench

    urlpatterns = [*bench.urlpatterns, *urlpatterns]
