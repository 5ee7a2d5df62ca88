"""The statement list's flow, shared by /statements/ and /api/v1/statements/.

The one StatementFilter selects; then either the matches are ranked by relevance (a
capped list of ids, paged by number: see search.RANKED_LIMIT) or they are walked in date
order by keyset. Only the rows of the page are loaded, by id, and put back in ranked order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import QuerySet

from .. import search
from ..filters import Ordering, StatementFilter
from . import visibility

# The filters whose values never change how the list is best read: whatever the day or
# the kind, an index hands the statements over in date order. (A speaker, a topic, a
# party, a race, an event, reactions or words are read best one way when they match few
# statements and another when they match many.)
PLANNED_ALIKE = frozenset({"said_after", "said_before", "kind", "ordering"})


@dataclass
class StatementList:
    filterset: StatementFilter

    @classmethod
    def from_params(cls, params: Mapping) -> StatementList:
        return cls(StatementFilter(params, queryset=visibility.statements()))

    @property
    def results(self) -> QuerySet:
        """Every statement that matches; nothing at all when a named record is unknown."""
        return self.filterset.results()

    @property
    def query(self) -> str:
        return self.filterset.search_text

    @property
    def searching(self) -> bool:
        """Whether words narrow the list: the database then reads every match before it
        can sort them (see ``paging.first_rows``)."""
        return bool(self.query)

    @property
    def ordering(self) -> str:
        return self.filterset.ordering_choice

    @property
    def ranked(self) -> bool:
        return self.ordering == Ordering.RELEVANCE

    @property
    def ascending(self) -> bool:
        return self.ordering == Ordering.OLDEST

    @property
    def planned_alike(self) -> bool:
        """Whether one plan serves this list whatever its filters' values, so that it can
        be read through a prepared statement (``prepared.prepared_reads``)."""
        if self.ranked or not self.filterset.is_valid():
            return False
        chosen = {name for name, value in self.filterset.form.cleaned_data.items() if value}
        return chosen <= PLANNED_ALIKE

    def ranking(self) -> search.Ranking:
        """The matches' ids, most relevant first (at most search.RANKED_LIMIT of them)."""
        return search.ranked(self.results, self.query, matched=True)

    def ranked_ids(self) -> list[int]:
        return self.ranking().ids
