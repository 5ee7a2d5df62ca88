"""/races/ and /races/<slug>/: candidates side by side, topic by topic."""

from django.shortcuts import render

from .. import selectors
from ..models import Race
from ..redirects import follows_old_slugs


def race_list(request):
    return render(request, "statements/race_list.html", {"races": selectors.race_list()})


@follows_old_slugs(Race)
def race_detail(request, slug):
    return render(request, "statements/race_detail.html", selectors.race_page(slug))
