"""Said before, said again: a statement's repeats by the same speaker, in one query.

A repeat is another published statement by the same speaker with near-identical words
(statements/search/similar.py defines it). The database finds the candidates through its
full-text index (statements/search/: the search vector on PostgreSQL, FTS5 on SQLite),
the CANDIDATES most alike first, with what the page shows of them (event, speaker) in the same
query; Python then keeps the repeats, so both databases answer alike.

A reprint is not a repeat: the same words in two outlets are one statement with two
sources. Where they were recorded twice all the same (the same words on the same day, at
the same event or with one event unrecorded), the other record is the same utterance, not
a repeat, and is left out.

The page shows the SHOWN nearest repeats on each side of the statement, and the first
time the words were recorded when it is further back than those.

Looking for the candidates is most of a statement page's cost: a prolific speaker's
statements hold the key words thousands of times, each compared with the words (at a
million statements, 19 ms on average, up to 290 ms). So the repeats found are kept in the
shared cache, by id, under the speaker's chart stamps (caching/charts.py), which every
write that can change them moves on: one of the speaker's statements saved or deleted
(its words, state, day, event or speaker), and a person renamed (the search vector holds
the speaker's name). A write to anyone else's statements leaves them kept, and the page
then reads the kept repeats by id instead of looking for candidates, in the same query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from ..caching import charts, shared
from ..caching.release import shared_key
from ..models import PublicationState, Statement
from ..search import backend, similar
from ..text import same_words
from . import visibility

CANDIDATES = 50
SHOWN = 5
KEPT_KEY = shared_key("statements:repeats", "{pk}:{stamps}")
KEPT_TTL = 24 * 3600


@dataclass
class Refrains:
    """Repeats of one statement, each list oldest first."""

    earlier: list[Statement] = field(default_factory=list)  # the nearest SHOWN before it
    first: Statement | None = None  # the earliest, when older than all of ``earlier``
    later: list[Statement] = field(default_factory=list)  # the nearest SHOWN after it
    more_earlier: bool = False  # repeats between ``first`` and ``earlier`` not shown
    more_later: bool = False  # repeats after ``later`` not shown
    every: list[Statement] = field(default_factory=list, repr=False)  # shown or not

    def __bool__(self) -> bool:
        return bool(self.earlier or self.later)

    @property
    def before(self) -> list[Statement]:
        """Everything shown from before the statement, oldest first."""
        return ([self.first] if self.first else []) + self.earlier

    @property
    def statements(self) -> list[Statement]:
        return self.before + self.later


def chronological(statement: Statement) -> tuple:
    """Said earlier first; one day's statements in the order entered."""
    return (statement.said_on, statement.pk)


def is_reprint(statement: Statement, other: Statement) -> bool:
    """Whether ``other`` records the same utterance as ``statement`` a second time. (The
    day and the event first: comparing the words costs far more.)"""
    if statement.said_on != other.said_on:
        return False
    events = (statement.event_id, other.event_id)
    if not (None in events or events[0] == events[1]):
        return False
    return same_words(statement.text) == same_words(other.text)


def candidate_ids(statement: Statement) -> tuple[str, list] | None:
    """SQL for the ids of the speaker's published statements that may repeat
    ``statement``, the CANDIDATES most alike; None when its words are too few to repeat."""
    groups = similar.key_groups(statement.text)
    if not groups:
        return None
    return backend(visibility.statements()).repeat_candidates_sql(
        Statement._meta.db_table,
        statement.text,
        groups,
        speaker_id=statement.speaker_id,
        state=PublicationState.PUBLISHED,
        exclude_id=statement.pk,
        threshold=similar.TRIGRAM_THRESHOLD,
        limit=CANDIDATES,
    )


def with_repeat_candidates(
    statement: Statement, ids: QuerySet, kept: list[int] | None = None
) -> QuerySet | RawSQL:
    """``ids`` (a query of statement ids) and the candidates for repeating ``statement``,
    as one subquery: for a page that loads other statements of the speaker anyway, to
    load the candidates in the same query (pass them all to ``refrains_among``). With
    ``kept`` (``kept_repeats``), those ids instead of the candidates."""
    if kept is None:
        found = candidate_ids(statement)
        if found is None:
            return ids
        sql, params = found
    elif kept:
        by_id = Statement._base_manager.filter(pk__in=kept).values("pk")
        sql, params = by_id.query.get_compiler(using=ids.db).as_sql()
    else:
        return ids
    ids_sql, ids_params = ids.query.get_compiler(using=ids.db).as_sql()
    # A union, not ``pk IN (…) OR pk IN (…)``, which PostgreSQL tests on every row.
    return RawSQL(
        f"SELECT * FROM ({ids_sql}) AS given UNION SELECT * FROM ({sql}) AS candidates",
        [*ids_params, *params],
    )


def kept_repeats(statement: Statement) -> tuple[str | None, list[int] | None]:
    """Where the ids of ``statement``'s repeats are to be kept (see the module; None when
    the shared cache cannot be read), and those ids, or None when they are not kept."""
    key = KEPT_KEY.format(pk=statement.pk, stamps=charts.stamp(statement.speaker_id))
    readable, ids = shared.found(key)
    return (key if readable else None), ids


def keep_repeats(key: str | None, refrains: Refrains) -> None:
    """Keep the ids of every repeat found, under ``kept_repeats``'s key if it gave one."""
    if key is not None:
        shared.keep(key, [repeat.pk for repeat in refrains.every], KEPT_TTL)


def candidates(statement: Statement) -> list[Statement]:
    """The speaker's published statements that may repeat ``statement``, with their event
    and speaker: one query, or none when its words are too few to repeat."""
    found = candidate_ids(statement)
    if found is None:
        return []
    queryset = visibility.statements().select_related("speaker", "event")
    return list(queryset.filter(pk__in=RawSQL(*found)))


def refrains_among(statement: Statement, others: Iterable[Statement]) -> Refrains:
    """The repeats of a published ``statement`` among ``others`` (its candidates and any
    other statements), split at it. No query."""
    repeats_it = similar.RepeatTest(statement.text)
    repeats = sorted(
        (
            other
            for other in others
            if other.pk != statement.pk
            and other.speaker_id == statement.speaker_id
            and repeats_it(other.text)
            and not is_reprint(statement, other)
        ),
        key=chronological,
    )
    here = chronological(statement)
    before = [other for other in repeats if chronological(other) < here]
    after = [other for other in repeats if chronological(other) > here]
    earlier = before[-SHOWN:]
    first = before[0] if len(before) > SHOWN else None
    return Refrains(
        earlier=earlier,
        first=first,
        later=after[:SHOWN],
        more_earlier=len(before) > SHOWN + 1,
        more_later=len(after) > SHOWN,
        every=repeats,
    )


def refrains_of(statement: Statement) -> Refrains:
    """The repeats of a published ``statement``: at most one query."""
    return refrains_among(statement, candidates(statement))
