"""/races/ and /races/<slug>/: candidates side by side, topic by topic."""

from django.shortcuts import render

from ...models import Race
from ...reading import races
from ...reading.redirects import follows_old_slugs


def race_list(request):
    return render(request, "statements/race_list.html", {"races": races.race_list()})


@follows_old_slugs(Race)
def race_detail(request, slug):
    return render(request, "statements/race_detail.html", races.race_page(slug))
