"""/events/ and /events/<slug>/."""

from django.shortcuts import render

from .. import paging, selectors
from ..models import Event
from ..redirects import follows_old_slugs


def event_list(request):
    page = paging.page_of(selectors.event_list(), request.GET.get("page"), per_page=50)
    return render(request, "statements/event_list.html", {"page": page})


@follows_old_slugs(Event)
def event_detail(request, slug):
    return render(request, "statements/event_detail.html", selectors.event_page(slug))
