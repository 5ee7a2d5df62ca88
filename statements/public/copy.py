"""The exports straight from PostgreSQL, with ``COPY (…) TO STDOUT``.

On PostgreSQL the CSV and JSON exports and the bulk files are not built row by row in
Python (about 5,000 rows a second) but by the database, in one query, and streamed as it
sends them. The bytes are exactly those of the generic path in ``exports.py`` (the tests
compare them): same columns, order, quoting, formula guard, separators, end markers.

The query is the filtered, visible statements (the FilterSet's queryset, which reads
through ``Statement.objects.published()``) joined to their public topics, sources and
published reaction counts, each aggregated per statement over only the filtered
statements, so that the planner chooses index lookups for a small export and hash joins
for the whole set. Each part is compiled from the ORM and its parameters are inlined by
the driver (``mogrify``), never by string formatting.

Each row comes out as one finished line of the export, formatted in SQL:

* CSV: ``COPY … (FORMAT csv)`` quotes by rules of its own (it leaves a cell holding a
  ``#`` unquoted, and writes an empty string as ``""``), so the line is put together in
  SQL with the export's own rules instead;
* JSON: each statement's object, its strings escaped by ``to_json``, which escapes exactly
  the characters Python's ``json.dumps(..., ensure_ascii=False)`` does, the same way.

COPY then sends each line in ``FORMAT binary``, whose only framing is a length before
each value, so nothing is escaped on the way and nothing needs unescaping here.

psycopg2's ``copy_expert`` writes the whole result to a file object before it returns, so
it runs on a thread of its own that hands whole lines, about ``FLUSH_BYTES`` at a time,
through a small queue to the response: memory stays flat (the queue holds at most
``QUEUE_CHUNKS`` chunks), and a slow client slows the database down rather than filling
the worker's memory. If the client goes away, the query is cancelled. If the query fails
mid-way, the error is raised in the response's iterator, so the server closes the
connection without the final chunk and the end marker never comes.
"""

from __future__ import annotations

import queue
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Func, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from psycopg2.extensions import TRANSACTION_STATUS_INERROR

from ..models import Reaction, Source, StatementSource, StatementTopic, Topic
from ..models.base import DatePrecision, PublicationState

CSV = "csv"
JSON = "json"

FLUSH_BYTES = 64 * 1024  # hand over at least this much at a time (whole lines only)
QUEUE_CHUNKS = 4  # chunks waiting for the client, at most
# Up to this many rows, an export reads each statement's topics, sources and reactions
# with index lookups; beyond, it aggregates them over all its statements at once.
SMALL_EXPORT = 10_000
LIST_SEPARATORS = {CSV: "; ", JSON: ", "}

# The statement's own columns, in the order the formatters below read them (b.c0 …).
BASE_FIELDS = (
    "id",
    "said_on",
    "date_precision",
    "date_inferred",
    "kind",
    "text",
    "frame",
    "context",
    "speaker__slug",
    "speaker__name",
    "speaker_role",
    "speaker_party__name",
    "speaker_party__state",
    "event__slug",
    "event__name",
    "event__state",
    "candidacy__race__slug",
    "candidacy__race__name",
    "candidacy__race__state",
    "candidacy__race__election__state",
)
(
    ID, SAID_ON, PRECISION, INFERRED, KIND, TEXT, FRAME, CONTEXT, SPEAKER_SLUG, SPEAKER_NAME,
    SPEAKER_ROLE, PARTY_NAME, PARTY_STATE, EVENT_SLUG, EVENT_NAME, EVENT_STATE,
    RACE_SLUG, RACE_NAME, RACE_STATE, ELECTION_STATE,
) = (f"b.c{i}" for i in range(len(BASE_FIELDS)))  # fmt: skip

# FORMAT binary: a signature, flags and an extension area, then per row a field count and
# each field's length; a field count of -1 ends the data.
BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
BINARY_HEADER = struct.Struct("!11sii")
ROW_HEAD = struct.Struct("!hi")
FIELD_COUNT = struct.Struct("!h")


def supported() -> bool:
    return connection.vendor == "postgresql"


# --------------------------------------------------------------------------- the query


def _to_json(expression) -> Func:
    return Cast(Func(expression, function="to_json"), TextField())


def _aggregate(expression, fmt: str, ordering) -> StringAgg:
    """The values of a statement's rows as one string: CSV "a; b", JSON '"a", "b"'."""
    value = _to_json(expression) if fmt == JSON else expression
    return StringAgg(value, LIST_SEPARATORS[fmt], order_by=ordering)


def _related(fmt: str, **which) -> tuple[QuerySet, QuerySet, QuerySet]:
    """Per statement (those the `which` filter picks): its public topics, its public
    sources, its published reactions' count, each as (statement_id, value) rows."""
    topics = (
        StatementTopic.objects.filter(Topic.public_condition("topic__"), **which)
        .order_by()
        .values("statement_id")
        .annotate(value=_aggregate(F("topic__slug"), fmt, ordering=("topic__slug",)))
        .values_list("statement_id", "value")
    )
    source_name = Coalesce(NullIf("source__url", Value("")), "source__title")
    sources = (
        StatementSource.objects.filter(Source.public_condition("source__"), **which)
        .order_by()
        .values("statement_id")
        .annotate(
            value=_aggregate(source_name, fmt, ordering=("source__published_on", "source_id"))
        )
        .values_list("statement_id", "value")
    )
    reactions = (
        Reaction.objects.published()
        .filter(**which)
        .order_by()
        .values("statement_id")
        .annotate(value=Count("id"))
        .values_list("statement_id", "value")
    )
    return topics, sources, reactions


def _small(queryset: QuerySet) -> bool:
    """Whether the export has at most SMALL_EXPORT rows (counting no further)."""
    return queryset.order_by().values("pk")[: SMALL_EXPORT + 1].count() <= SMALL_EXPORT


def _parts(queryset: QuerySet, fmt: str, *, small: bool) -> list[QuerySet]:
    """The statements (unordered) and their related values.

    A small export reads them per statement (correlated subqueries: an index lookup each,
    whatever the planner's statistics say); a big one aggregates them once over all its
    statements and joins the results (hash joins: three times faster at a million rows).
    """
    base = queryset.order_by()
    if small:
        topics, sources, reactions = (
            Subquery(part.values("value")) for part in _related(fmt, statement_id=OuterRef("pk"))
        )
        annotated = base.annotate(x_topics=topics, x_sources=sources, x_reactions=reactions)
        return [annotated.values_list(*BASE_FIELDS, "x_topics", "x_sources", "x_reactions")]
    return [base.values_list(*BASE_FIELDS), *_related(fmt, statement_id__in=base.values("pk"))]


def _compose(sql: str, params) -> str:
    """The SQL with its parameters inlined, quoted by the driver (psycopg2's mogrify)."""
    operations: Any = connection.ops  # the PostgreSQL backend's
    return operations.compose_sql(sql, params)


def _literal(value: str) -> str:
    return _compose("%s", [value])


def _shown(state: str, value: str) -> str:
    """An optional relation's value, or '' unless it is published."""
    return f"(CASE WHEN {state} = {_literal(PublicationState.PUBLISHED)} THEN {value} ELSE '' END)"


def _race(value: str) -> str:
    """The statement's race's value, or '' unless the race and its election are published."""
    published = _literal(PublicationState.PUBLISHED)
    return (
        f"(CASE WHEN {RACE_STATE} = {published} AND {ELECTION_STATE} = {published} "
        f"THEN {value} ELSE '' END)"
    )


def _csv_cell(value: str) -> str:
    """exports.csv_cell + csv_quote for a text value: the formula guard, then RFC 4180
    quoting of a cell holding a comma, a quote, CR, LF or "#"."""
    guarded = (
        f"(CASE WHEN left({value}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
        f"THEN '''' || {value} ELSE {value} END)"
    )
    return (
        f"(CASE WHEN {guarded} ~ '[,\"\\r\\n#]' "
        f"THEN '\"' || replace({guarded}, '\"', '\"\"') || '\"' ELSE {guarded} END)"
    )


def _line(fmt: str, permalink: str, topics: str, sources: str, reactions: str) -> str:
    """The SQL of one finished line (its cells in exports.COLUMN_NAMES order)."""
    not_given = _literal(DatePrecision.NONE)
    text = {
        "permalink": permalink,
        # A date not given in the source: its stored day is the day it was reported.
        "said_on": f"(CASE WHEN {PRECISION} = {not_given} THEN '' "
        f"ELSE to_char({SAID_ON}, 'YYYY-MM-DD') END)",
        "date_precision": PRECISION,
        "reported_on": f"(CASE WHEN {PRECISION} = {not_given} "
        f"THEN to_char({SAID_ON}, 'YYYY-MM-DD') ELSE '' END)",
        "kind": KIND,
        "text": TEXT,
        "frame": FRAME,
        "context": CONTEXT,
        "speaker_slug": SPEAKER_SLUG,
        "speaker_name": SPEAKER_NAME,
        "speaker_role": SPEAKER_ROLE,
        "speaker_party": _shown(PARTY_STATE, PARTY_NAME),
        "event_slug": _shown(EVENT_STATE, EVENT_SLUG),
        "event_name": _shown(EVENT_STATE, EVENT_NAME),
        "race_slug": _race(RACE_SLUG),
        "race_name": _race(RACE_NAME),
    }
    inferred = f"(CASE WHEN {INFERRED} THEN 'true' ELSE 'false' END)"
    reactions = f"coalesce({reactions}, 0)::text"
    if fmt == CSV:
        cells = {name: _csv_cell(f"coalesce({sql}, '')") for name, sql in text.items()}
        cells |= {
            "id": f"{ID}::text",
            "date_inferred": inferred,
            "topics": _csv_cell(f"coalesce({topics}, '')"),
            "sources": _csv_cell(f"coalesce({sources}, '')"),
            "reaction_count": reactions,
        }
        separator, end = "','", "chr(13) || chr(10)"
    else:
        cells = {name: f"to_json(coalesce({sql}, ''))::text" for name, sql in text.items()}
        cells |= {
            "id": f"{ID}::text",
            "date_inferred": inferred,
            "topics": f"'[' || coalesce({topics}, '') || ']'",
            "sources": f"'[' || coalesce({sources}, '') || ']'",
            "reaction_count": reactions,
        }
        cells = {name: f"'\"{name}\": ' || {sql}" for name, sql in cells.items()}
        separator, end = "', '", "'}'"
        cells["id"] = "'{' || " + cells["id"]
    from .exports import COLUMN_NAMES

    return f" || {separator} || ".join(cells[name] for name in COLUMN_NAMES) + f" || {end}"


@dataclass(frozen=True)
class Copy:
    sql: str  # the COPY statement, its values inlined
    big: bool  # more than SMALL_EXPORT rows: read with hash joins


def copy_sql(
    queryset: QuerySet, *, fmt: str, ascending: bool, permalink: tuple[str, str]
) -> Copy | None:
    """The COPY statement for these statements, one finished line per row; None when the
    queryset can have no rows (e.g. ``.none()``)."""
    try:
        small = _small(queryset)
        compiled = []
        for part in _parts(queryset, fmt, small=small):
            sql, params = part.query.sql_with_params()
            compiled.append(_compose(sql, params))
    except EmptyResultSet:
        return None
    before, after = permalink
    link = f"{_literal(before)} || {ID}::text || {_literal(after)}"
    direction = "ASC" if ascending else "DESC"
    if small:
        (base,) = compiled
        names = [f"c{i}" for i in range(len(BASE_FIELDS))] + ["topics", "sources", "reactions"]
        joins = ""
        line = _line(fmt, link, "b.topics", "b.sources", "b.reactions")
    else:
        base, topics, sources, reactions = compiled
        names = [f"c{i}" for i in range(len(BASE_FIELDS))]
        joins = (
            f" LEFT JOIN ({topics}) AS t(statement_id, value) ON t.statement_id = {ID}"
            f" LEFT JOIN ({sources}) AS s(statement_id, value) ON s.statement_id = {ID}"
            f" LEFT JOIN ({reactions}) AS r(statement_id, value) ON r.statement_id = {ID}"
        )
        line = _line(fmt, link, "t.value", "s.value", "r.value")
    sql = (
        f"COPY (SELECT {line} FROM ({base}) AS b({', '.join(names)}){joins}"
        # paging.NEWEST_FIRST / OLDEST_FIRST: a day's statements in the order entered.
        f" ORDER BY {SAID_ON} {direction}, {ID} ASC) TO STDOUT WITH (FORMAT binary)"
    )
    return Copy(sql=sql, big=not small)


# --------------------------------------------------------------------------- the stream


_DONE = object()


class _Lines:
    """The file object COPY writes to (on the copying thread): reads the binary format,
    puts whole lines, about FLUSH_BYTES at a time, on the queue."""

    def __init__(self, chunks: queue.Queue, stopped: threading.Event, first: bytes, between: bytes):
        self.chunks, self.stopped = chunks, stopped
        self.first, self.between = first, between
        self.pending = bytearray()  # received, not yet read
        self.out = bytearray()  # lines read, not yet handed over
        self.header_read = False
        self.rows = 0

    def write(self, data: bytes) -> None:
        if self.stopped.is_set():
            return  # the client is gone; the query is being cancelled
        pending = self.pending
        pending += data
        at = 0
        if not self.header_read:
            if len(pending) < BINARY_HEADER.size:
                return
            signature, _, extension = BINARY_HEADER.unpack_from(pending)
            assert signature == BINARY_SIGNATURE, signature
            at = BINARY_HEADER.size + extension
            self.header_read = True
        end = len(pending)
        while end - at >= FIELD_COUNT.size:
            if FIELD_COUNT.unpack_from(pending, at)[0] == -1:  # the end of the data
                at += FIELD_COUNT.size
                break
            if end - at < ROW_HEAD.size:
                break
            _, length = ROW_HEAD.unpack_from(pending, at)
            start = at + ROW_HEAD.size
            if end - start < length:
                break
            self.out += self.between if self.rows else self.first
            self.out += pending[start : start + length]
            self.rows += 1
            at = start + length
        del pending[:at]
        if len(self.out) >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.out:
            self.put(bytes(self.out))
            self.out.clear()

    def put(self, item: Any) -> None:
        """Wait for room in the queue, unless the client has gone."""
        while not self.stopped.is_set():
            try:
                self.chunks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue


class CopyStream:
    """Iterate over it for the lines of a COPY statement from ``copy_sql``, in chunks of
    whole lines; afterwards ``rows`` is how many there were. ``first`` goes before the
    first line and ``between`` before each later one."""

    def __init__(self, copy: Copy | None, *, first: bytes = b"", between: bytes = b""):
        self.copy, self.first, self.between = copy, first, between
        self.rows = 0

    def __iter__(self) -> Iterator[bytes]:
        if self.copy is None:
            return
        connection.ensure_connection()
        raw = connection.connection
        chunks: queue.Queue = queue.Queue(maxsize=QUEUE_CHUNKS)
        stopped = threading.Event()
        lines = _Lines(chunks, stopped, self.first, self.between)
        sql, big = self.copy.sql, self.copy.big

        def copy() -> None:
            try:
                with connection.wrap_database_errors, raw.cursor() as cursor:
                    # The COPY runs for as long as the client takes to read it: the limit
                    # on a web request's queries (DATABASE_STATEMENT_TIMEOUT) would cut a
                    # slow reader's file short.
                    overrides = {"statement_timeout": "0"}
                    if big:
                        # Hash joins, even where the statistics are stale (a table just
                        # loaded): a nested loop over the aggregates would rescan them
                        # for every statement.
                        overrides["enable_nestloop"] = "off"
                    cursor.execute(
                        "; ".join(f"SET {name} = {value}" for name, value in overrides.items())
                    )
                    try:
                        cursor.copy_expert(sql, lines)
                    finally:
                        if raw.get_transaction_status() != TRANSACTION_STATUS_INERROR:
                            cursor.execute("; ".join(f"RESET {name}" for name in overrides))
                lines.flush()
                lines.put(_DONE)
            except BaseException as error:  # handed to the response, which raises it
                lines.put(error)

        thread = threading.Thread(target=copy, name="export-copy", daemon=True)
        thread.start()
        try:
            while (item := chunks.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                yield item
            self.rows = lines.rows
        finally:
            if thread.is_alive():  # the client went away: stop the query
                stopped.set()
                raw.cancel()
                thread.join()
