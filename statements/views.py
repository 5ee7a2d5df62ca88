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


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
