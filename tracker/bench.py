"""Reference views for `make bench`, routed only in bench mode (BENCH_REFERENCE_VIEWS=1).

- ``/_bench/bare/``: ``HttpResponse("ok")``, no database, no template. Served by the
  project (behind all of its middleware) and, as the benchmark's limit, by a second
  server with ``benchmarks/bare_settings.py``: the MIDDLEWARE of a fresh
  ``django-admin startproject`` and this one URL.
- ``/_bench/stock/``: the statement list the stock way, over the project's own tables:
  django-filter's ``FilterView`` with a FilterSet (speaker, topic with its narrower
  topics, kind, said_after/said_before, ``icontains`` search on the text), Django's
  Paginator (COUNT, then OFFSET) at 20 a page, ``select_related`` for the speaker and
  ``prefetch_related`` for the topics. What the benchmark compares the project's list with.

Neither exists outside bench mode (tracker/urls.py), and neither is linked from anywhere.
"""

import django_filters
from django.http import HttpResponse
from django.urls import path
from django_filters.views import FilterView

from statements.models import QuoteKind, Statement, Topic


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


class StockStatementFilter(django_filters.FilterSet):
    speaker = django_filters.CharFilter(field_name="speaker__slug")
    topic = django_filters.CharFilter(method="filter_topic")
    kind = django_filters.ChoiceFilter(choices=QuoteKind.choices)
    said_after = django_filters.DateFilter(field_name="said_on", lookup_expr="gte")
    said_before = django_filters.DateFilter(field_name="said_on", lookup_expr="lte")
    q = django_filters.CharFilter(field_name="text", lookup_expr="icontains")

    class Meta:
        model = Statement
        fields: list[str] = []

    def filter_topic(self, queryset, name, value):
        topic = Topic.objects.filter(slug=value).first()
        if topic is None:
            return queryset.none()
        ids = Topic.objects.descendant_ids([topic])
        return queryset.filter(topics__in=ids).distinct()


class StockStatementList(FilterView):
    filterset_class = StockStatementFilter
    paginate_by = 20
    template_name = "bench/stock_list.html"

    def get_queryset(self):
        return (
            Statement.objects.published()
            .select_related("speaker")
            .prefetch_related("topics")
            .order_by("-said_on", "-id")
        )


urlpatterns = [
    path("_bench/bare/", bare, name="bench-bare"),
    path("_bench/stock/", StockStatementList.as_view(), name="bench-stock"),
]
