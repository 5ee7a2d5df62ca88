"""/people/ and /people/<slug>/."""

from django.shortcuts import render

from ... import paging
from ...models import Person
from ...reading import people
from ...reading.redirects import follows_old_slugs


def person_list(request):
    page = paging.page_of(people.people_list(), request.GET.get("page"), per_page=100)
    for person in page.object_list:
        people.split_affiliations(person, person.public_affiliations)
    return render(request, "statements/person_list.html", {"page": page})


@follows_old_slugs(Person)
def person_detail(request, slug):
    return render(request, "statements/person_detail.html", people.person_page(slug))
