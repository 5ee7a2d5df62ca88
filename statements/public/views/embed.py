"""A statement shown on other sites: the embeddable card, its oEmbed answer, and the
share image.

/statements/<id>/embed/ is the one address any site may put in a frame: it drops the
X-Frame-Options header and replaces the policy's ``frame-ancestors 'none'`` with ``*``;
the rest of the Content-Security-Policy stays, with ``script-src 'none'`` on top, as the
card runs no script. It sets no cookie (nothing on it needs a session or a CSRF token),
so the anonymous page cache keeps it, headers included, and replays them on a hit.

/oembed answers per the oEmbed 1.0 specification (oembed.com, section 2): the ``rich``
type, JSON only (``format=xml`` is 501 Not Implemented, as 2.3.4 asks of a provider that
does not implement a format), an iframe within ``maxwidth`` × ``maxheight``, and 404 for
a URL that is not a published statement on this site.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

from csp.constants import NONE
from csp.decorators import csp_replace
from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_exempt

from ...reading import embed as reading
from ...reading import visibility
from ...reading.cards import as_quoted
from .. import sharecard

# The iframe's size when the consumer sets no bounds, and the smallest it will go.
EMBED_WIDTH, EMBED_HEIGHT = 550, 320
MIN_WIDTH, MIN_HEIGHT = 200, 120
UNBOUNDED = 10**9
STATEMENT_PATH = re.compile(r"^/statements/(?P<pk>[0-9]{1,18})/(?:embed/)?$")


@xframe_options_exempt
# django-csp types its decorators for views without URL arguments.
@csp_replace({"frame-ancestors": ["*"], "script-src": [NONE]})  # type: ignore[arg-type]
def statement_embed(request: HttpRequest, pk: int) -> HttpResponse:
    statement = reading.statement_for_embed(pk)
    permalink = request.build_absolute_uri(statement.get_absolute_url())
    links = statement.source_links  # type: ignore[attr-defined]
    event = statement.event
    return render(
        request,
        "statements/embed.html",
        {
            "statement": statement,
            "permalink": permalink,
            "source": links[0].source if links else None,
            "more_sources": len(links) - 1 if links else 0,
            "role_then": reading.role_then(statement),
            "event_name": event.name if event is not None and visibility.shown(event) else "",
            "title": reading.title(statement),
        },
    )


def share_card(request: HttpRequest, pk: int) -> HttpResponse:
    statement = reading.statement_for_embed(pk)
    permalink = request.build_absolute_uri(statement.get_absolute_url())
    png = sharecard.share_card_png(statement, permalink)
    return HttpResponse(png, content_type="image/png")


def oembed(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "json")
    if fmt != "json":
        return HttpResponse(
            "Only format=json is implemented.", status=501, content_type="text/plain"
        )
    url = request.GET.get("url", "")
    if not url:
        return HttpResponseBadRequest("The url parameter is required.", content_type="text/plain")
    try:
        maxwidth = bound(request.GET.get("maxwidth"))
        maxheight = bound(request.GET.get("maxheight"))
    except ValueError:
        return HttpResponseBadRequest(
            "maxwidth and maxheight must be positive whole numbers of pixels.",
            content_type="text/plain",
        )
    pk = statement_id(request, url)
    statement = reading.statement_for_embed(pk, with_sources=False)
    # The spec lets a provider refuse a size it cannot fit in (2.3.4: 404 for no answer).
    if maxwidth < MIN_WIDTH or maxheight < MIN_HEIGHT:
        raise Http404("The card does not fit in so small a frame.")
    width, height = min(EMBED_WIDTH, maxwidth), min(EMBED_HEIGHT, maxheight)
    embed_url = request.build_absolute_uri(reverse("statements:statement-embed", args=[pk]))
    title = reading.title(statement)
    data = {
        "version": "1.0",
        "type": "rich",
        "title": title,
        "author_name": statement.speaker.name,
        "author_url": request.build_absolute_uri(statement.speaker.get_absolute_url()),
        "provider_name": settings.SITE_NAME,
        "provider_url": request.build_absolute_uri("/"),
        "html": str(
            format_html(
                '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
                'style="border:0;max-width:100%"></iframe>',
                embed_url,
                width,
                height,
                f"{title}: {as_quoted(statement)}"[:300],
            )
        ),
        "width": width,
        "height": height,
    }
    thumb_width, thumb_height = sharecard.WIDTH, sharecard.HEIGHT
    if thumb_width <= maxwidth and thumb_height <= maxheight:
        # All three thumbnail fields or none (2.3.4).
        data["thumbnail_url"] = request.build_absolute_uri(
            reverse("statements:statement-card", args=[pk])
        )
        data["thumbnail_width"] = thumb_width
        data["thumbnail_height"] = thumb_height
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def bound(value: str | None) -> int:
    """A maxwidth or maxheight: a positive whole number, or no bound when absent."""
    if value is None or value == "":
        return UNBOUNDED
    if not value.isdigit() or len(value) > 6 or int(value) == 0:
        raise ValueError(value)
    return int(value)


def statement_id(request: HttpRequest, url: str) -> int:
    """The id of the statement ``url`` points at, on this site; 404 for any other URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise Http404("Not an address on this site.") from None
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != request.get_host().lower():
        raise Http404("Not an address on this site.")
    found = STATEMENT_PATH.match(parts.path)
    if found is None:
        raise Http404("Not the address of a statement.")
    return int(found["pk"])


def discovery_href(request: HttpRequest, permalink: str) -> str:
    """The oEmbed endpoint's address for ``permalink``, for the discovery <link>."""
    query = urlencode({"url": permalink, "format": "json"})
    return request.build_absolute_uri(f"{reverse('statements:oembed')}?{query}")
