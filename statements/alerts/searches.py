"""A saved search is a /statements/ query string, read by the one StatementFilter.

It is stored normalised, so that the same filters given in another order (or with
paging, ordering and empty fields) are one saved search, and the run groups identical
searches to filter once per distinct query string.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict

from ..filters import StatementFilter, without_empty
from ..public.views.listing import active_filter_chips
from ..reading import visibility
from .models import QUERY_MAX_LENGTH

# Not filters: how a page of results is ordered and which page it is.
NOT_FILTERS = frozenset({"ordering", "page", "cursor"})


def normalise(params: QueryDict) -> str:
    """The filters of ``params`` as one canonical query string: known filters only,
    without empty or repeated values, sorted by name and value."""
    kept = without_empty(params)
    pairs = sorted(
        {
            (name, value)
            for name in kept
            if name in StatementFilter.base_filters and name not in NOT_FILTERS
            for value in kept.getlist(name)
        }
    )
    return urlencode(pairs)


@dataclass
class CheckedSearch:
    query: str
    chips: list[dict]
    errors: list[str]

    @property
    def description(self) -> str:
        """'Speaker: Jon Ossoff · Topic: Immigration', or 'All statements'."""
        parts = [f"{chip['field']}: {chip['label']}" for chip in self.chips]
        return " · ".join(parts) or "All statements"


def check(params: QueryDict) -> CheckedSearch:
    """Normalise ``params`` and check them with the StatementFilter, as /statements/
    would: an unknown record or a malformed value is an error to show, not to save."""
    query = normalise(params)
    if len(query) > QUERY_MAX_LENGTH:
        return CheckedSearch(query, [], ["This search is too long to save."])
    normalised = QueryDict(query)
    filterset = StatementFilter(normalised, queryset=visibility.statements())
    errors = [
        f"{filterset.form.fields[name].label}: {' '.join(messages)}"
        if name in filterset.form.fields
        else " ".join(messages)
        for name, messages in filterset.errors.items()
    ]
    chips = active_filter_chips(filterset, normalised) if not errors else []
    return CheckedSearch(query, chips, errors)


def describe(query: str) -> str:
    """What a stored search selects, in words (for mails and pages)."""
    return check(QueryDict(query)).description


def summary(query: str) -> str:
    """The filters of a stored search as written in it ('Speaker: jon-ossoff'), without
    reading the records they name: for pages that list many searches at a constant
    number of queries."""
    params = QueryDict(query)
    fields = StatementFilter.base_filters
    parts = [
        f"{fields[name].label or name}: {', '.join(params.getlist(name))}"
        for name in params
        if name in fields
    ]
    return " · ".join(parts) or "All statements"
