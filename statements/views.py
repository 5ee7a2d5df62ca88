from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from .models import Event, Person, Race, Statement, Topic


def home(request):
    statements = Statement.objects.published().for_cards().newest_first()[:20]
    return render(request, "statements/home.html", {"statements": statements})


def statement_list(request):
    return home(request)


def statement_detail(request, pk):
    statement = get_object_or_404(Statement.objects.published().for_cards(), pk=pk)
    return render(request, "statements/statement_detail.html", {"statement": statement})


def person_list(request):
    people = Person.objects.published()
    return render(request, "statements/simple_list.html", {"title": "People", "items": people})


def topic_list(request):
    topics = Topic.objects.published()
    return render(request, "statements/simple_list.html", {"title": "Topics", "items": topics})


def event_list(request):
    events = Event.objects.published()
    return render(request, "statements/simple_list.html", {"title": "Events", "items": events})


def race_list(request):
    races = Race.objects.published().select_related("election")
    return render(request, "statements/simple_list.html", {"title": "Races", "items": races})


def person_detail(request, slug):
    person = get_object_or_404(Person.objects.published(), slug=slug)
    return HttpResponse(person.name)


def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.published(), slug=slug)
    return HttpResponse(topic.name)


def event_detail(request, slug):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    return HttpResponse(event.name)


def race_detail(request, slug):
    race = get_object_or_404(Race.objects.published(), slug=slug)
    return HttpResponse(race.name)


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
