from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from ..models import Person


def person_list(request):
    people = Person.objects.published()
    return render(request, "statements/simple_list.html", {"title": "People", "items": people})


def person_detail(request, slug):
    person = get_object_or_404(Person.objects.published(), slug=slug)
    return HttpResponse(person.name)
