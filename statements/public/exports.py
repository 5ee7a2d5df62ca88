r"""Streamed exports of exactly the filtered statements: /statements/export.csv and .json.

Both take the same query string as /statements/ (see ``statements.filters.StatementFilter``)
and return *all* the matching published statements, not one page. A malformed filter
value (``said_after=yesterday``, an unknown or unpublished slug, an over-long ``q``)
answers 400 naming the parameter, before any row is sent.

Rows come newest first (``ordering=said_on`` gives oldest first; ``relevance`` is a
page-only ordering and exports fall back to newest first). They are read in keyset
batches of ``BATCH_SIZE`` ids over (said_on, id); for each batch, one query each fetches
its topics, sources and reaction counts, and one more its rows, ``ROW_CHUNK`` at a time.
Rows are written out as they are read, so memory stays flat whatever the size of the
export (about 1 MB for 20,000 rows, as for 2,000). Rows added or changed while a long
export is streaming may or may not appear; no row that exists throughout appears twice
or is lost. A HEAD request gets the headers without reading the statements.

Columns, in this order (the CSV header row; the keys of each JSON object):

    id              the statement's id (stable; the permalink ends with it)
    permalink       absolute URL of the statement's page
    said_on         the date it was said, ISO 8601 (YYYY-MM-DD); see date_precision; empty
                    when the source does not give it
    date_precision  day, month or year: how much of said_on is known (a month-precise date
                    is stored as the 1st of the month, a year-precise one as January 1st);
                    none: the source gives no date (said_on is empty, see reported_on)
    date_inferred   true when the source does not state the date outright
    reported_on     for a statement whose source gives no date (date_precision none): the
                    day it was reported, by which it is sorted; empty otherwise
    kind            direct, partial or paraphrase (a paraphrase is not a quotation)
    text            the words, byte for byte: for a quote, what stands inside the quotation
                    marks; for a paraphrase, the reported speech
    frame           partial quotes: the source's words around the quoted phrase
    context         what prompted the remark
    speaker_slug    the speaker's slug (the ``speaker`` filter)
    speaker_name    the speaker's name
    speaker_role    the speaker's role when they spoke
    speaker_party   the name of the speaker's party when they spoke
    event_slug      the event's slug (the ``event`` filter), empty if none
    event_name      the event's name, empty if none
    race_slug       the slug of the race the speaker was running in when they spoke (the
                    ``race`` filter), empty if none
    race_name       that race's name, empty if none
    topics          topic slugs, joined with "; " (JSON: a list)
    sources         each source's URL, or its title where no URL is known, oldest first,
                    joined with "; " (JSON: a list)
    reaction_count  how many published reactions the statement has

Formats:

* CSV: UTF-8 with a byte-order mark (so spreadsheet programs read the encoding right),
  RFC 4180 quoting, CRLF line ends, the header row first. Any cell that begins with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with a single quote ``'``
  so that spreadsheets do not run it as a formula. That is the one place where an export
  alters the words: use the JSON export for the text byte for byte. Any cell that holds a
  ``#`` is quoted, like one that holds a comma.
* JSON: one object, ``{"statements": [...], "count": N, "complete": true}``. ``statements``
  holds one object per statement, keys as above, in column order. ``id`` and
  ``reaction_count`` are numbers, ``date_inferred`` a boolean, ``topics`` and ``sources``
  lists of strings, everything else strings (empty when unknown). Non-ASCII characters
  are written as themselves, in UTF-8.

The end marker: an export is complete only if it ends with one.

* CSV: the last line is ``# end of export: N statements`` (``1 statement`` for one),
  where N is the number of data rows above it; it matches
  ``^# end of export: (\d+) statements?$``. No data row begins with ``#`` (the first
  column is the numeric id), and a ``#`` inside a cell is always within quotes, so a
  reader that skips comment lines skips exactly this one, e.g. pandas'
  ``read_csv(..., comment="#")`` with its default (C) parser. Spreadsheets show it as a
  last row: delete it after checking it.
* JSON: ``count`` (the length of ``statements``) and ``"complete": true`` come after the
  list, so a cut-off body is not valid JSON at all, and a streaming parser that reads the
  statements one by one learns at the end that it has them all.

Exports are streamed with chunked transfer encoding (HTTP/1.1) and can take minutes. If
the server stops mid-way (a restart, a crash, a database error), the connection is
closed without the terminating chunk, which HTTP clients report as an error (curl: exit
18, "transfer closed with outstanding read data remaining"; Python's http.client:
IncompleteRead), and the end marker is missing. No client gets a complete-looking file
from a cut stream: a file without the marker is incomplete, whatever the status code
said (200 is sent before the first row). An HTTP/1.0 client, which gets no chunks and
sees the connection close at the end, has only the marker to go by. A HEAD request gets
the headers and no body.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from .. import paging
from ..filters import Ordering, StatementFilter, without_empty
from ..models import (
    DatePrecision,
    PublicationState,
    Reaction,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
    Topic,
)
from . import copy as pg_copy
from .stream_slots import STREAM_SLOTS, HoldingSlot, too_many_streams

COLUMNS: list[tuple[str, str]] = [
    ("id", "the statement's id (stable; the permalink ends with it)"),
    ("permalink", "absolute URL of the statement's page"),
    ("said_on", "the date it was said, ISO 8601 (YYYY-MM-DD), empty if the source gives none"),
    ("date_precision", "day, month or year: how much of said_on is known; none: not given"),
    ("date_inferred", "true when the source does not state the date outright"),
    ("reported_on", "date_precision none only: the day it was reported, which sorts it"),
    ("kind", "direct, partial or paraphrase (a paraphrase is not a quotation)"),
    ("text", "the words, byte for byte (for a paraphrase, the reported speech)"),
    ("frame", "partial quotes: the source's words around the quoted phrase"),
    ("context", "what prompted the remark"),
    ("speaker_slug", "the speaker's slug (the speaker filter)"),
    ("speaker_name", "the speaker's name"),
    ("speaker_role", "the speaker's role when they spoke"),
    ("speaker_party", "the name of the speaker's party when they spoke"),
    ("event_slug", "the event's slug (the event filter), empty if none"),
    ("event_name", "the event's name, empty if none"),
    ("race_slug", "the slug of the statement's race (the race filter), empty if none"),
    ("race_name", "the name of the statement's race, empty if none"),
    ("topics", 'topic slugs, joined with "; " (JSON: a list)'),
    ("sources", 'source URLs, or titles where no URL is known, joined with "; " (JSON: a list)'),
    ("reaction_count", "how many published reactions the statement has"),
]
COLUMN_NAMES = [name for name, _ in COLUMNS]

# Statements per keyset batch: one query each for their ids, topics, sources, reaction
# counts and rows. Memory while streaming grows with this, not with the export's size.
BATCH_SIZE = 500
ROW_CHUNK = 100  # rows of a batch read from the database at a time
FLUSH_BYTES = 64 * 1024  # write out at least this much at a time (whole rows only)
LIST_SEPARATOR = "; "
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM = "\ufeff"
# A CSV cell holding any of these is quoted: RFC 4180's four, and the comment sign.
CSV_NEEDS_QUOTES = re.compile(r'[,"\r\n#]')

# What the row query reads for each statement, in this order: the same list as the COPY
# path's, whose output the tests compare with this one byte for byte.
_FIELDS = pg_copy.BASE_FIELDS


# --------------------------------------------------------------------------- filters


def filtered_statements(request: HttpRequest) -> StatementFilter:
    return StatementFilter(without_empty(request.GET), queryset=Statement.objects.published())


def error_lines(filterset: StatementFilter) -> list[str]:
    """One line per bad parameter: "said_after: Enter a valid date."."""
    return [f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()]


def bad_filter_text(filterset: StatementFilter) -> HttpResponse:
    """400, plain text, naming each bad parameter."""
    body = "Bad filter parameter.\n" + "\n".join(error_lines(filterset)) + "\n"
    return HttpResponse(body, status=400, content_type="text/plain; charset=utf-8")


def bad_filter_json(filterset: StatementFilter) -> JsonResponse:
    """400, JSON: {"detail": ..., "errors": {"said_after": ["Enter a valid date."]}}."""
    errors = {name: list(messages) for name, messages in filterset.errors.items()}
    return JsonResponse(
        {"detail": "Bad filter parameter: " + "; ".join(error_lines(filterset)), "errors": errors},
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )


def wants_oldest_first(filterset: StatementFilter) -> bool:
    return filterset.ordering_choice == Ordering.OLDEST


# --------------------------------------------------------------------------- rows


def id_batches(
    queryset: QuerySet, *, ascending: bool = False, size: int | None = None
) -> Iterator[list[int]]:
    """Ids of the queryset's statements in export order, at most `size` at a time.

    Keyset paging over (said_on, id): each batch starts strictly after the last row of the
    one before, so it walks the index however deep it goes, and no row repeats.
    """
    size = size or BATCH_SIZE
    ordering = paging.OLDEST_FIRST if ascending else paging.NEWEST_FIRST
    keys_query = queryset.order_by(*paging.order_by(ordering)).values_list("said_on", "id")
    last = None
    while True:
        page = keys_query if last is None else keys_query.filter(paging.after(ordering, last))
        keys = list(page[:size])
        if not keys:
            return
        yield [pk for _, pk in keys]
        if len(keys) < size:
            return
        last = keys[-1]


def _related(ids: list[int]) -> tuple[dict, dict, dict]:
    """Public topics, sources and reaction counts of these statements (which are public
    already, so only the topic's and the source's side of the rule is asked): three
    queries."""
    topics: dict[int, list[str]] = defaultdict(list)
    for statement_id, slug in (
        StatementTopic.objects.filter(Topic.public_condition("topic__"), statement_id__in=ids)
        .order_by("topic__slug")
        .values_list("statement_id", "topic__slug")
    ):
        topics[statement_id].append(slug)
    sources: dict[int, list[str]] = defaultdict(list)
    for statement_id, url, title in (
        StatementSource.objects.filter(Source.public_condition("source__"), statement_id__in=ids)
        .order_by("source__published_on", "source_id")
        .values_list("statement_id", "source__url", "source__title")
    ):
        sources[statement_id].append(url or title)
    reactions = dict(
        Reaction.objects.published()
        .filter(statement_id__in=ids)
        .order_by()
        .values("statement_id")
        .annotate(count=Count("id"))
        .values_list("statement_id", "count")
    )
    return topics, sources, reactions


def site_of(request: HttpRequest) -> str:
    """The site's address as the request reached it: "https://example.org"."""
    return request.build_absolute_uri("/").rstrip("/")


def permalink_parts() -> tuple[str, str]:
    """The statement page's path around its id: ("/statements/", "/")."""
    marker = 9_876_543_210_123
    path = reverse("statements:statement-detail", kwargs={"pk": marker})
    before, after = path.split(str(marker))
    return before, after


def permalink_maker(site: str):
    """pk -> absolute statement URL, reversing the URL pattern once rather than per row."""
    before, after = permalink_parts()
    return lambda pk: f"{site}{before}{pk}{after}"


def export_records(queryset: QuerySet, site: str, *, ascending: bool = False):
    """One dict per statement, keys in COLUMN_NAMES order, typed as in the JSON export.

    Per batch of ids: one query each for topics, sources and reaction counts, then the
    statements themselves, read ROW_CHUNK rows at a time.
    """
    permalink = permalink_maker(site)
    published = PublicationState.PUBLISHED
    for ids in id_batches(queryset, ascending=ascending):
        topics, sources, reactions = _related(ids)
        rows = (
            Statement.objects.published()
            .filter(pk__in=ids)
            .order_by(*paging.order_by(paging.OLDEST_FIRST if ascending else paging.NEWEST_FIRST))
            .values_list(*_FIELDS)
            .iterator(chunk_size=ROW_CHUNK)
        )
        for (
            pk, said_on, precision, inferred, kind, text, frame, context,
            speaker_slug, speaker_name, speaker_role, party_name, party_state,
            event_slug, event_name, event_state,
            race_slug, race_name, race_state, election_state,
        ) in rows:  # fmt: skip
            event_public = event_state == published
            race_public = race_state == published and election_state == published
            # A date not given in the source: the stored day is the day it was reported.
            not_given = precision == DatePrecision.NONE
            yield {
                "id": pk,
                "permalink": permalink(pk),
                "said_on": "" if not_given else said_on.isoformat(),
                "date_precision": precision,
                "date_inferred": bool(inferred),
                "reported_on": said_on.isoformat() if not_given else "",
                "kind": kind,
                "text": text,
                "frame": frame,
                "context": context,
                "speaker_slug": speaker_slug,
                "speaker_name": speaker_name,
                "speaker_role": speaker_role,
                "speaker_party": party_name if party_state == published else "",
                "event_slug": event_slug if event_public else "",
                "event_name": event_name if event_public else "",
                "race_slug": race_slug if race_public else "",
                "race_name": race_name if race_public else "",
                "topics": topics.get(pk, []),
                "sources": sources.get(pk, []),
                "reaction_count": reactions.get(pk, 0),
            }


# --------------------------------------------------------------------------- CSV


def neutralise(value: str) -> str:
    """Keep spreadsheets from running a cell as a formula: prefix a single quote."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def csv_cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    if isinstance(value, str):
        return neutralise(value)
    return "" if value is None else str(value)


def _chunks(pieces: Iterable[str], first: str = "") -> Iterator[bytes]:
    """Join pieces into UTF-8 chunks of about FLUSH_BYTES, never splitting a piece."""
    buffer, size = [first] if first else [], len(first)
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= FLUSH_BYTES:
            yield "".join(buffer).encode("utf-8")
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


def csv_quote(cell: str) -> str:
    """RFC 4180 quoting, and a cell with a "#" quoted too, so no "#" is outside quotes."""
    if CSV_NEEDS_QUOTES.search(cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_line(cells: Iterable[str]) -> str:
    return ",".join(csv_quote(cell) for cell in cells) + "\r\n"


def csv_trailer(count: int) -> str:
    """The end marker, the export's last line (see the module's docstring)."""
    return f"# end of export: {count} statement{'' if count == 1 else 's'}\r\n"


def csv_lines(records: Iterable[dict]) -> Iterator[str]:
    yield csv_line(COLUMN_NAMES)
    count = 0
    for record in records:
        yield csv_line([csv_cell(record[name]) for name in COLUMN_NAMES])
        count += 1
    yield csv_trailer(count)


def json_pieces(records: Iterable[dict]) -> Iterator[str]:
    """{"statements": [...], "count": N, "complete": true}, one statement per line."""
    yield '{"statements": ['
    separator = "\n"
    count = 0
    for record in records:
        yield separator + json.dumps(record, ensure_ascii=False)
        separator = ",\n"
        count += 1
    yield f'\n], "count": {count}, "complete": true}}\n'


# --------------------------------------------------------------------------- content


def csv_content(queryset: QuerySet, site: str, *, ascending: bool = False) -> Iterator[bytes]:
    """The whole CSV export of these statements, in chunks of whole lines: from COPY on
    PostgreSQL (statements/public/copy.py), from export_records elsewhere."""
    if not pg_copy.supported():
        records = export_records(queryset, site, ascending=ascending)
        yield from _chunks(csv_lines(records), first=CSV_BOM)
        return
    sql = pg_copy.copy_sql(
        queryset, fmt=pg_copy.CSV, ascending=ascending, permalink=_site_permalink(site)
    )
    rows = pg_copy.CopyStream(sql)
    yield (CSV_BOM + csv_line(COLUMN_NAMES)).encode("utf-8")
    yield from rows
    yield csv_trailer(rows.rows).encode("utf-8")


def json_content(queryset: QuerySet, site: str, *, ascending: bool = False) -> Iterator[bytes]:
    """The whole JSON export of these statements, in chunks of whole statements."""
    if not pg_copy.supported():
        yield from _chunks(json_pieces(export_records(queryset, site, ascending=ascending)))
        return
    sql = pg_copy.copy_sql(
        queryset, fmt=pg_copy.JSON, ascending=ascending, permalink=_site_permalink(site)
    )
    rows = pg_copy.CopyStream(sql, first=b"\n", between=b",\n")
    yield b'{"statements": ['
    yield from rows
    yield f'\n], "count": {rows.rows}, "complete": true}}\n'.encode()


def _site_permalink(site: str) -> tuple[str, str]:
    before, after = permalink_parts()
    return site + before, after


# --------------------------------------------------------------------------- views


def streamed(request: HttpRequest, content, content_type: str, filename: str, *, as_json: bool):
    if request.method == "HEAD":
        # No body at all, not even an end marker that would claim "no rows"; no slot.
        content = iter(())
    elif STREAM_SLOTS.take():
        content = HoldingSlot(content)
    else:
        return too_many_streams(as_json=as_json)
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = filtered_statements(request)
    if filterset.errors:
        return bad_filter_text(filterset)
    content = csv_content(
        filterset.results(), site_of(request), ascending=wants_oldest_first(filterset)
    )
    return streamed(request, content, "text/csv; charset=utf-8", "statements.csv", as_json=False)


@require_safe
def export_json(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = filtered_statements(request)
    if filterset.errors:
        return bad_filter_json(filterset)
    content = json_content(
        filterset.results(), site_of(request), ascending=wants_oldest_first(filterset)
    )
    return streamed(request, content, "application/json", "statements.json", as_json=True)
