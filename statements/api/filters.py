"""The API's filters: the page's own StatementFilter, and a name search for people.

The statement list does not get a FilterSet of its own: it takes ``StatementFilter``, the
one behind /statements/, the feeds and the exports, so a filter means the same thing
everywhere. Only the reporting differs: where the page shows a form error and an empty or
unfiltered list, the API answers 400 with a JSON body naming the parameter.
"""

import django_filters
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from ..models import Person


class StrictFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that applies ``filterset.results()`` when the FilterSet has it
    (StatementFilter: nothing at all for an unknown record), keeps the bound FilterSet on
    the view (for ordering and search). Flags such as has_reactions are choice filters,
    which already refuse anything but their choices."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors: dict[str, list[str]] = {}
        if not filterset.is_valid():
            for name, messages in filterset.errors.items():
                errors.setdefault(name, []).extend(str(message) for message in messages)
        if errors:
            raise ValidationError(errors)
        view.filterset = filterset
        results = getattr(filterset, "results", None)
        return results() if callable(results) else filterset.qs


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=200,
        label="Name",
        help_text="Part of the person's name, any case.",
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(sort_name__icontains=value))
