"""/events/ and /events/<slug>/."""

from django.shortcuts import render

from ... import paging
from ...models import Event
from ...reading import events
from ...reading.redirects import follows_old_slugs


def event_list(request):
    page = paging.page_of(events.event_list(), request.GET.get("page"), per_page=50)
    return render(request, "statements/event_list.html", {"page": page})


@follows_old_slugs(Event)
def event_detail(request, slug):
    return render(request, "statements/event_detail.html", events.event_page(slug))
