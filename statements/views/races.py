from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from ..models import Race


def race_list(request):
    races = Race.objects.published().select_related("election")
    return render(request, "statements/simple_list.html", {"title": "Races", "items": races})


def race_detail(request, slug):
    race = get_object_or_404(Race.objects.published(), slug=slug)
    return HttpResponse(race.name)
