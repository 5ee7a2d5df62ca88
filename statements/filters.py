"""StatementFilter: the one set of filters behind /statements/, the API, the feeds and the
exports, so that a query string means the same thing everywhere.

Filters combine with AND; a repeated parameter is OR within itself. An unknown slug
matches nothing (and says so); a malformed date or flag is reported and ignored.
"""

from functools import partial

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.choices import CallableChoiceIterator

from . import search
from .models import (
    SLUG_PATTERN,
    Candidacy,
    Event,
    Organization,
    Person,
    QuoteKind,
    Race,
    Reaction,
    Statement,
    Topic,
)


class Ordering:
    NEWEST = "-said_on"
    OLDEST = "said_on"
    RELEVANCE = "relevance"
    CHOICES = [
        (NEWEST, "Newest first"),
        (OLDEST, "Oldest first"),
        (RELEVANCE, "Most relevant (with a search)"),
    ]


# Filters that name records: an unknown value means "nothing can match".
RECORD_FILTERS = ("speaker", "topic", "party", "race", "event")

# The form offers at most this many records per menu (plus whatever is chosen), so that
# the page stays small and fast with thousands of people and events. Any slug still
# works in the URL; validation checks it against every published record.
MENU_LIMIT = {"speaker": 300, "topic": 300, "party": 50, "race": 100, "event": 100}
MENU_ORDER = {"speaker": ("sort_name",), "event": ("-date", "-id"), "race": ("-date", "name")}


def _clean_text(value: str) -> str:
    return value.replace("\x00", "")


class SearchField(forms.CharField):
    def to_python(self, value):
        return _clean_text(super().to_python(value))


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class StatementFilter(django_filters.FilterSet):
    q = SearchFilter(
        label="Search",
        method="filter_q",
        max_length=search.MAX_QUERY_LENGTH,
        help_text='Words, "exact phrases", -excluded, or alternatives with or.',
    )
    speaker = django_filters.ModelMultipleChoiceFilter(
        label="Speaker",
        field_name="speaker__slug",
        distinct=False,
        to_field_name="slug",
        queryset=Person.objects.published().only("slug", "name", "sort_name"),
    )
    topic = django_filters.ModelMultipleChoiceFilter(
        label="Topic",
        method="filter_topic",
        to_field_name="slug",
        queryset=Topic.objects.published().only("slug", "name"),
        help_text="Includes narrower topics.",
    )
    party = django_filters.ModelMultipleChoiceFilter(
        label="Party",
        field_name="speaker_party__slug",
        distinct=False,
        to_field_name="slug",
        queryset=Organization.objects.published()
        .filter(kind=Organization.Kind.PARTY)
        .only("slug", "name"),
        help_text="The speaker's party when they spoke.",
    )
    race = django_filters.ModelMultipleChoiceFilter(
        label="Race",
        method="filter_race",
        to_field_name="slug",
        queryset=Race.objects.published()
        .select_related("election")
        .only("slug", "name", "election__name"),
        help_text="Statements by the race's candidates.",
    )
    event = django_filters.ModelMultipleChoiceFilter(
        label="Event",
        field_name="event__slug",
        distinct=False,
        to_field_name="slug",
        queryset=Event.objects.published().only("slug", "name"),
    )
    kind = django_filters.MultipleChoiceFilter(
        label="Kind",
        choices=QuoteKind.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    said_after = django_filters.DateFilter(
        label="Said on or after",
        field_name="said_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    said_before = django_filters.DateFilter(
        label="Said on or before",
        field_name="said_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    has_reactions = django_filters.ChoiceFilter(
        label="Has reactions",
        method="filter_has_reactions",
        choices=[("true", "Yes"), ("false", "No")],
        empty_label="Either",
    )
    ordering = django_filters.ChoiceFilter(
        label="Order",
        choices=Ordering.CHOICES,
        method="filter_nothing",
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Statement
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return search.matching(queryset, value) if value.strip() else queryset

    def filter_topic(self, queryset, name, topics):
        if not topics:
            return queryset
        return queryset.on_topic(*topics)

    def filter_race(self, queryset, name, races):
        if not races:
            return queryset
        candidates = Candidacy.objects.filter(race__in=races).values("person_id")
        return queryset.filter(speaker__in=candidates)

    def filter_has_reactions(self, queryset, name, value):
        if value not in ("true", "false"):
            return queryset
        reacted = Exists(Reaction.objects.published().filter(statement=OuterRef("pk")))
        return queryset.filter(reacted if value == "true" else ~reacted)

    def filter_nothing(self, queryset, name, value):
        return queryset  # Ordering is applied by the pager, which knows the cursor.

    @property
    def names_unknown_record(self) -> bool:
        """True when a slug filter named a record we don't have (or haven't published)."""
        return any(name in self.errors for name in RECORD_FILTERS)

    @property
    def form(self):
        form = super().form
        if not getattr(form, "menus_bounded", False):
            form.menus_bounded = True
            for name in RECORD_FILTERS:
                field = form.fields[name]
                values = self.data.getlist(name) if self.is_bound else []
                chosen = {value for value in values if SLUG_PATTERN.fullmatch(value)}
                # Lazy: feeds, exports and the API never render the menus, so never query.
                field.widget.choices = CallableChoiceIterator(
                    partial(self._menu, field.queryset, name, chosen)
                )
        return form

    @staticmethod
    def _menu(queryset, name: str, chosen: set[str]) -> list[tuple[str, str]]:
        """One query: the first MENU_LIMIT records, and the chosen ones wherever they are."""
        order = MENU_ORDER.get(name, ("name",))
        first = queryset.order_by(*order).values("pk")[: MENU_LIMIT[name]]
        records = queryset.filter(Q(pk__in=first) | Q(slug__in=chosen)).order_by(*order)
        return [(record.slug, str(record)) for record in records]

    def _cleaned(self, name: str):
        self.errors  # noqa: B018 -- validates the form once, then cleaned_data exists
        return self.form.cleaned_data.get(name) if self.is_bound else None

    @property
    def search_text(self) -> str:
        return (self._cleaned("q") or "").strip()

    @property
    def ordering_choice(self) -> str:
        chosen = self._cleaned("ordering")
        if chosen == Ordering.RELEVANCE and not self.search_text:
            chosen = None
        if not chosen:
            chosen = Ordering.RELEVANCE if self.search_text else Ordering.NEWEST
        return chosen

    def results(self):
        """The filtered statements; nothing at all when a named record is unknown."""
        if self.names_unknown_record:
            return self.qs.none()
        return self.qs
