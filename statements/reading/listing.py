"""The statement list's flow, shared by /statements/ and /api/v1/statements/.

The one StatementFilter selects; then either the matches are ranked by relevance (a
capped list of ids, paged by number: see search.RANKED_LIMIT) or they are walked in date
order by keyset. Only the rows of the page are loaded, by id, and put back in ranked order.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from django.db.models import QuerySet

from .. import search
from ..filters import Ordering, StatementFilter
from ..planning import index_entries_at_their_price
from . import menus, visibility
from .prepared import prepared_reads

# The filters whose values never change how the list is best read: whatever the day or
# the kind, an index hands the statements over in date order. (A speaker, a topic, a
# party, a race, an event or reactions are read best one way when they match few
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

    def prepared_arguments(self, *, by_cursor: bool) -> tuple[type, ...] | None:
        """The types of the values that the list's read may take as arguments of a
        prepared statement (``prepared.prepared_reads``): those its best plan never
        depends on. None: not prepared.

        Days always; with no filter but days, kinds and the order, the cursor's ids too,
        one statement serving every page. A list that names topics, parties or races
        has their ids written in: a statement, and a plan, per record; there are few, so
        each statement is used again and again. Not one that names a speaker or an
        event, one of thousands: on a connection its statement would mostly be made for
        one use, which costs more than planning the read (50 speakers at random: 145-161
        req/s prepared, 162-169 not). Nor pages reached by cursor, as the cursor's id
        would be written in, nor searches, whose words would be."""
        if self.ranked or self.searching or not self.filterset.is_valid():
            return None
        chosen = {name for name, value in self.filterset.form.cleaned_data.items() if value}
        if chosen <= PLANNED_ALIKE:
            return (datetime.date, int)
        if by_cursor or chosen & set(menus.DATALISTS):
            return None
        return (datetime.date,)

    def planned_read(self, *, by_cursor: bool) -> AbstractContextManager:
        """How the date-ordered page's read is sent: prepared where its plan never depends
        on the values (``prepared_arguments``); a search's with index entries at their price
        (planning.INDEX_ENTRIES_AT_THEIR_PRICE), as the ranking's is. Priced as usual, the
        newest matches of a rare word (780 statements in a million) said before a recent day
        were looked for by walking the date index past 18,000 statements, 67-107 ms, where
        reading the word's matches and sorting them takes 4; common and medium words were as
        fast or faster priced so."""
        arguments = self.prepared_arguments(by_cursor=by_cursor)
        if arguments:
            return prepared_reads(arguments)
        if self.searching:
            return index_entries_at_their_price(self.filterset.queryset.db)
        return nullcontext()

    def ranking(self) -> search.Ranking:
        """The matches' ids, most relevant first (at most search.RANKED_LIMIT of them)."""
        return search.ranked(self.results, self.query, matched=True)

    def ranked_ids(self) -> list[int]:
        return self.ranking().ids
