from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from ..models import Event


def event_list(request):
    events = Event.objects.published()
    return render(request, "statements/simple_list.html", {"title": "Events", "items": events})


def event_detail(request, slug):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    return HttpResponse(event.name)
