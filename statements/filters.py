"""StatementFilter: the one set of filters behind /statements/, the API, the feeds and the
exports, so that a query string means the same thing everywhere.

Filters combine with AND; a repeated parameter is OR within itself. An unknown slug
matches nothing (and says so); a malformed date or flag is reported and ignored.
"""

import copy
import functools
import hashlib

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import QueryDict

from . import search
from .caching import generation
from .models import (
    SLUG_PATTERN,
    DatePrecision,
    Event,
    Organization,
    Person,
    QuoteKind,
    Race,
    Reaction,
    Statement,
    StatementTopic,
    Topic,
)
from .reading import menus


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


def without_empty(params: QueryDict) -> QueryDict:
    """The parameters without their empty values: a submitted form sends every field it
    has, and an empty one means "no filter", whatever kind of filter it is."""
    kept = QueryDict(mutable=True)
    for name in params:
        values = [value for value in params.getlist(name) if value != ""]
        if values:
            kept.setlist(name, values)
    return kept


def _clean_text(value: str) -> str:
    return value.replace("\x00", "")


class CopiedLight:
    """A filter that every filterset, i.e. every request, copies cheaply. django-filter
    deep-copies each filter for each filterset, querysets and widgets included: a
    twentieth of an uncached list page. Nothing in a filter changes once its class is
    made but what django-filter gives each copy (model, parent) and the method it binds to
    the copy's filterset, so a shallow copy does, its method bound to it. (Form fields
    are made from copies once per process: see ``StatementFilter.form_class``.)"""

    def __deepcopy__(self, memo):
        copied = copy.copy(self)
        copied.extra = dict(self.extra)
        if copied.method is not None:
            copied.method = copied.method  # a FilterMethod calling the copy's filterset
        return copied


class SharedFields(dict):
    """A form class's fields, which every form of the class shares: Django deep-copies
    them for each form, so that one form may change its own, and nothing here changes a
    field once it is made (cleaning only reads it). The copies, querysets and widgets
    included, were 7% of a cold list page in a worker under load (0.2 ms in process).
    Each form still gets a dict of its own."""

    def __deepcopy__(self, memo):
        return dict(self)


class SearchField(forms.CharField):
    def to_python(self, value):
        return _clean_text(super().to_python(value))


class SearchFilter(CopiedLight, django_filters.CharFilter):
    field_class = SearchField


class KindsFilter(CopiedLight, django_filters.MultipleChoiceFilter):
    pass


class DayFilter(CopiedLight, django_filters.DateFilter):
    pass


class OptionFilter(CopiedLight, django_filters.ChoiceFilter):
    pass


class RecordsWidget(forms.SelectMultiple):
    """One or more record slugs: every value of the parameter. The page renders the
    field itself (includes/filter_form.html), as a select or as text fields with
    suggestions (reading.menus)."""


class RecordsField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        # Nothing chosen: an empty list, where Django gives queryset.none(), which the
        # filters would have to compile to find empty.
        if not value and not self.required:
            return []
        return super().clean(value)

    def _check_values(self, value):
        """The published records that the slugs name, as a list, remembered per content
        generation in each process's memory (as the cards are): checking a speaker filter
        was a query, and a sixteenth of a list page's time. Slugs that do not all name
        a published record are checked afresh each time, and refused."""
        try:
            slugs = sorted(frozenset(value))
        except TypeError:
            return super()._check_values(value)
        if not all(isinstance(slug, str) and SLUG_PATTERN.fullmatch(slug) for slug in slugs):
            return super()._check_values(value)
        named = hashlib.sha256(" ".join(slugs).encode()).hexdigest()
        key = f"filter-records:{self.records_key}:{generation.current()}:{named}"
        records = menus.fragments().get(key)
        if records is None:
            records = list(super()._check_values(value))
            menus.fragments().set(key, records)
        return records

    @functools.cached_property
    def records_key(self) -> str:
        """What the records depend on besides the slugs: the field's query."""
        query = str(self.queryset.query) if self.queryset is not None else ""
        return hashlib.sha256(query.encode()).hexdigest()[:16]


class RecordsFilter(CopiedLight, django_filters.ModelMultipleChoiceFilter):
    field_class = RecordsField


class TopicsField(RecordsField):
    """Topic slugs, checked against the published topics of the current content
    generation (reading.menus.topics): no query once they are read."""

    def _check_values(self, value):
        try:
            values = frozenset(value)
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        known = menus.topics().with_slugs(values)
        for slug in values:
            if not isinstance(slug, str) or slug not in known:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": slug},
                )
        return [known[slug] for slug in value if slug in values]


class TopicsFilter(RecordsFilter):
    field_class = TopicsField


class StatementFilter(django_filters.FilterSet):
    q = SearchFilter(
        label="Search",
        method="filter_q",
        max_length=search.MAX_QUERY_LENGTH,
        help_text='Words, "exact phrases", -excluded, or alternatives with or.',
    )
    # Record filters compare ids (speaker_id IN …), not slugs through a join: with the ids
    # known, the database sees how many rows a speaker has and picks the right index.
    speaker = RecordsFilter(
        label="Speaker",
        method="filter_by_id",
        field_name="speaker",
        widget=RecordsWidget,
        to_field_name="slug",
        queryset=Person.objects.published().only("slug", "name", "sort_name"),
    )
    topic = TopicsFilter(
        label="Topic",
        widget=RecordsWidget,
        method="filter_topic",
        to_field_name="slug",
        queryset=Topic.objects.published().only("slug", "name"),
        help_text="Includes narrower topics.",
    )
    party = RecordsFilter(
        label="Party",
        method="filter_by_id",
        field_name="speaker_party",
        widget=RecordsWidget,
        to_field_name="slug",
        queryset=Organization.objects.published()
        .filter(kind=Organization.Kind.PARTY)
        .only("slug", "name"),
        help_text="The speaker's party when they spoke.",
    )
    race = RecordsFilter(
        label="Race",
        method="filter_race",
        widget=RecordsWidget,
        to_field_name="slug",
        queryset=Race.objects.published()
        .select_related("election")
        .only("slug", "name", "election__name"),
        help_text="Statements said while the speaker was running in the race.",
    )
    event = RecordsFilter(
        label="Event",
        method="filter_by_id",
        field_name="event",
        widget=RecordsWidget,
        to_field_name="slug",
        queryset=Event.objects.published().only("slug", "name"),
    )
    kind = KindsFilter(
        label="Kind",
        choices=QuoteKind.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    said_after = DayFilter(
        label="Said on or after",
        field_name="said_on",
        lookup_expr="gte",
        method="filter_said_after",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    said_before = DayFilter(
        label="Said on or before",
        field_name="said_on",
        lookup_expr="lte",
        method="filter_said_before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    has_reactions = OptionFilter(
        label="Has reactions",
        method="filter_has_reactions",
        choices=[("true", "Yes"), ("false", "No")],
        empty_label="Either",
    )
    ordering = OptionFilter(
        label="Order",
        choices=Ordering.CHOICES,
        method="filter_nothing",
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Statement
        fields: list[str] = []

    @classmethod
    @functools.cache
    def form_class(cls) -> type[forms.Form]:
        """The form, built once per process: django-filter builds a class, and a field per
        filter, on every request, and nothing in them depends on the request. (Copies of
        the filters make the fields, so that the filters every request copies stay light.)"""
        fields = {name: copy.deepcopy(filter_).field for name, filter_ in cls.base_filters.items()}
        form = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
        form.base_fields = SharedFields(form.base_fields)  # type: ignore[attr-defined]
        return form

    def get_form_class(self):
        return self.form_class()

    def filter_q(self, queryset, name, value):
        return search.matching(queryset, value) if value.strip() else queryset

    def filter_by_id(self, queryset, name, records):
        if not records:
            return queryset
        # The ids themselves (the records are loaded), not a subquery: the planner then
        # knows how many statements each has.
        return queryset.filter(**{f"{name}__in": [record.pk for record in records]})

    def filter_topic(self, queryset, name, topics):
        if not topics:
            return queryset
        ids = menus.topics().ids_under(topics)
        return queryset.filter(
            pk__in=StatementTopic.objects.filter(topic_id__in=ids).values("statement_id")
        )

    def filter_race(self, queryset, name, races):
        """The statements whose own race (``Statement.candidacy``) is one of ``races``:
        not everything the race's candidates said, which would count a primary
        candidate's words in the general election too."""
        if not races:
            return queryset
        return queryset.filter(candidacy__race_id__in=[race.pk for race in races])

    @staticmethod
    def said(queryset, lookup: str, value):
        """Said on or after / before a day. A statement whose source gives no date is left
        out: its stored day is the day it was reported, and nobody knows when it was said."""
        if value is None:
            return queryset
        return queryset.filter(**{f"said_on__{lookup}": value}).exclude(
            date_precision=DatePrecision.NONE
        )

    def filter_said_after(self, queryset, name, value):
        return self.said(queryset, "gte", value)

    def filter_said_before(self, queryset, name, value):
        return self.said(queryset, "lte", value)

    def filter_has_reactions(self, queryset, name, value):
        if value not in ("true", "false"):
            return queryset
        # The statements filtered are published ones: their reactions need not check them.
        reacted = Exists(
            Reaction.objects.published(known_public=["statement"]).filter(statement=OuterRef("pk"))
        )
        return queryset.filter(reacted if value == "true" else ~reacted)

    def filter_nothing(self, queryset, name, value):
        return queryset  # Ordering is applied by the pager, which knows the cursor.

    @property
    def names_unknown_record(self) -> bool:
        """True when a slug filter named a record we don't have (or haven't published)."""
        return any(name in self.errors for name in RECORD_FILTERS)

    def menu_querysets(self) -> dict[str, QuerySet]:
        return {name: self.base_filters[name].queryset for name in RECORD_FILTERS}

    def _cleaned(self, name: str):
        self.errors  # noqa: B018 -- validates the form once, then cleaned_data exists
        return self.form.cleaned_data.get(name) if self.is_bound else None

    @property
    def search_text(self) -> str:
        return (self._cleaned("q") or "").strip()

    @property
    def ordering_choice(self) -> str:
        chosen = self._cleaned("ordering")
        if chosen == Ordering.RELEVANCE and not self.search_ranks:
            chosen = None
        if not chosen:
            chosen = Ordering.RELEVANCE if self.search_ranks else Ordering.NEWEST
        return chosen

    @property
    def search_ranks(self) -> bool:
        """Whether the search has words to rank by: a phrase of stop words only has none,
        and lists in date order."""
        return bool(self.search_text) and bool(search.parse(self.search_text).groups)

    def results(self):
        """The filtered statements; nothing at all when a named record is unknown."""
        if self.names_unknown_record:
            return self.qs.none()
        return self.qs
