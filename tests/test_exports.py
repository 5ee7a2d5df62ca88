"""CSV and JSON exports: exactly the filtered set, all of it, streamed, safe in spreadsheets."""

import csv
import datetime
import io
import json
import re
import time
import tracemalloc

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse

from statements.models import (
    Person,
    PublicationState,
    Source,
    Statement,
    StatementSource,
    StatementTopic,
)
from statements.public.exports import COLUMN_NAMES, COLUMNS

from .factories import (
    EventFactory,
    OutletFactory,
    PartyFactory,
    PersonFactory,
    ReactionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)
from .support import NEWEST_FIRST, OLDEST_FIRST, QUERIES, filtered_ids, page_ids

pytestmark = pytest.mark.django_db

CSV_URL = "/statements/export.csv"
JSON_URL = "/statements/export.json"


def body(response) -> bytes:
    assert response.status_code == 200, response
    assert response.streaming
    return b"".join(response.streaming_content)


TRAILER = re.compile(r"# end of export: (\d+) statements?")


def csv_data(raw: bytes) -> list[dict]:
    """The data rows of a whole CSV export, after checking its header and end marker."""
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    text = raw.decode("utf-8-sig")
    assert text.endswith("\r\n")
    head, _, last = text[:-2].rpartition("\r\n")
    marker = TRAILER.fullmatch(last)  # the last line is the end marker
    assert marker, last
    reader = csv.reader(io.StringIO(head + "\r\n", newline=""))
    header = next(reader)
    assert header == COLUMN_NAMES
    rows = [dict(zip(header, row, strict=True)) for row in reader]
    assert int(marker.group(1)) == len(rows)
    return rows


def csv_rows(client, query: str = "") -> list[dict]:
    response = client.get(f"{CSV_URL}?{query}")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="statements.csv"'
    return csv_data(body(response))


def json_data(raw: bytes) -> list[dict]:
    """The statements of a whole JSON export, after checking its count and end marker."""
    data = json.loads(raw.decode("utf-8"))
    assert list(data) == ["statements", "count", "complete"]
    assert data["complete"] is True
    rows = data["statements"]
    assert isinstance(rows, list)
    assert data["count"] == len(rows)
    for row in rows:
        assert list(row) == COLUMN_NAMES
    return rows


def json_rows(client, query: str = "") -> list[dict]:
    response = client.get(f"{JSON_URL}?{query}")
    assert response["Content-Type"] == "application/json"
    return json_data(body(response))


def api_ids(client, query: str) -> list[int] | None:
    """Ids from the JSON API's statement list, every page; None while there is no API."""
    try:
        resolve("/api/v1/statements/")
    except Resolver404:
        return None
    found, url = [], f"/api/v1/statements/?{query}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        data = response.json()
        items = data["results"] if isinstance(data, dict) else data
        for item in items:
            if "id" in item:
                found.append(int(item["id"]))
            else:
                found.append(int(re.search(r"/statements/(\d+)/", item["url"]).group(1)))
        url = data.get("next") if isinstance(data, dict) else None
    return found


# --------------------------------------------------------------------------- the rows


@pytest.mark.parametrize("query", QUERIES)
def test_exports_have_exactly_the_filtered_set(client, world, query):
    expected = filtered_ids(query, oldest="ordering=said_on" in query)
    csv_ids = [int(row["id"]) for row in csv_rows(client, query)]
    json_ids = [row["id"] for row in json_rows(client, query)]
    assert csv_ids == expected
    assert json_ids == expected
    page_query = query.replace("page=2", "")
    assert set(page_ids(client, page_query)) == set(expected)
    from_api = api_ids(client, page_query)
    if from_api is not None:
        assert sorted(from_api) == sorted(expected)


def test_export_is_every_row_not_one_page(client):
    speaker, source = PersonFactory(), SourceFactory()
    made = [StatementFactory(speaker=speaker, sources=[source]) for _ in range(75)]
    assert len(page_ids(client, "")) < 75
    assert {int(row["id"]) for row in csv_rows(client)} == {s.pk for s in made}
    assert {row["id"] for row in json_rows(client)} == {s.pk for s in made}


def test_demo_rows_are_complete_and_exact(client, demo):
    rows = {row["id"]: row for row in json_rows(client)}
    flat = {int(row["id"]): row for row in csv_rows(client)}
    statements = Statement.objects.published()
    assert set(rows) == set(flat) == set(statements.values_list("pk", flat=True))
    for statement in statements:
        row = rows[statement.pk]
        topics = sorted(statement.topics.values_list("slug", flat=True))
        assert row == {
            "id": statement.pk,
            "permalink": f"http://testserver/statements/{statement.pk}/",
            "said_on": "2020-05-30",
            "date_precision": "day",
            "date_inferred": True,
            "reported_on": "",
            "kind": statement.kind,
            "text": statement.text,  # byte for byte
            "frame": statement.frame,
            "context": statement.context,
            "speaker_slug": "jon-ossoff",
            "speaker_name": "Jon Ossoff",
            "speaker_role": "candidate, U.S. Senate, Georgia",
            "speaker_party": "Democratic Party",
            "event_slug": "online-town-hall-college-democrats-of-georgia-2020-05-30",
            "event_name": "Online town hall with the College Democrats of Georgia",
            "race_slug": "2020-georgia-us-senate-democratic-primary",
            "race_name": statement.candidacy.race.name,
            "topics": topics,
            # The article's URL is not recorded: its title stands in.
            "sources": ["Ossoff: Local Law Enforcement Should Not Enforce Federal Immigration Law"],
            "reaction_count": statement.reactions.count(),
        }
        assert flat[statement.pk] == {
            **{name: str(value) for name, value in row.items()},
            "date_inferred": "true",
            "topics": "; ".join(topics),
            "sources": row["sources"][0],
        }
    assert sorted(row["reaction_count"] for row in rows.values()) == [0, 0, 0, 0, 0, 1, 1]
    assert any("\u00a0" in row["text"] for row in rows.values())  # no-break space kept


def test_columns_are_documented():
    import statements.public.exports as exports

    assert [name for name, _ in COLUMNS] == COLUMN_NAMES
    assert len(set(COLUMN_NAMES)) == len(COLUMN_NAMES) == 21
    for name, description in COLUMNS:
        assert description
        assert re.search(rf"^    {name} ", exports.__doc__, re.MULTILINE), name


def test_empty_set_is_a_header_and_an_empty_array(client, world):
    assert csv_rows(client, "speaker=jon-ossoff&kind=direct") == []
    assert json_rows(client, "speaker=jon-ossoff&kind=direct") == []


# --------------------------------------------------------------------------- end markers


def test_csv_ends_with_the_count_of_its_rows(client, world):
    everything = body(client.get(CSV_URL))
    count = Statement.objects.published().count()
    assert count > 1
    assert everything.endswith(f"\r\n# end of export: {count} statements\r\n".encode())
    assert len(csv_data(everything)) == count

    query = "speaker=jon-ossoff"
    filtered = body(client.get(f"{CSV_URL}?{query}"))
    expected = len(filtered_ids(query))
    assert 0 < expected < count
    assert filtered.decode("utf-8-sig").splitlines()[-1] == (
        f"# end of export: {expected} statement{'' if expected == 1 else 's'}"
    )
    assert len(csv_data(filtered)) == expected


def test_an_empty_csv_is_the_header_and_the_marker(client, world):
    raw = body(client.get(f"{CSV_URL}?speaker=jon-ossoff&kind=direct"))
    header = ",".join(COLUMN_NAMES)
    assert raw.decode("utf-8-sig") == f"{header}\r\n# end of export: 0 statements\r\n"


def test_one_statement_is_one_statement(client):
    StatementFactory()
    assert body(client.get(CSV_URL)).endswith(b"\r\n# end of export: 1 statement\r\n")


def test_json_is_an_object_with_the_count_and_complete_last(client, world):
    raw = body(client.get(JSON_URL))
    text = raw.decode("utf-8")
    count = Statement.objects.published().count()
    assert text.startswith('{"statements": [\n{"id": ')
    assert text.endswith(f'}}\n], "count": {count}, "complete": true}}\n')
    assert len(json_data(raw)) == count
    # Cut anywhere before the end, the body does not parse: no partial list passes for all.
    for cut in (len(raw) // 3, len(raw) // 2, len(raw) - 40, len(raw) - 2):
        with pytest.raises(json.JSONDecodeError):
            json.loads(raw[:cut].decode("utf-8", errors="ignore"))

    empty = json.loads(body(client.get(f"{JSON_URL}?speaker=jon-ossoff&kind=direct")))
    assert empty == {"statements": [], "count": 0, "complete": True}


def test_no_hash_sign_outside_quotes_but_the_marker(client):
    """A reader that skips comment lines (pandas' comment="#") loses the marker only."""
    tricky = [
        "We're #1, and #MeToo matters",
        "#hashtag first",
        'A "quote" and a #sign',
        "Two lines,\n# the second starts with a hash sign",
    ]
    made = {StatementFactory(text=text, context=text).pk: text for text in tricky}
    raw = body(client.get(CSV_URL))
    text = raw.decode("utf-8-sig")
    outside, inside_quotes = [], False
    for position, char in enumerate(text):
        if char == '"':
            inside_quotes = not inside_quotes
        elif char == "#" and not inside_quotes:
            outside.append(position)
    assert len(outside) == 1
    assert text[outside[0] :] == f"# end of export: {len(made)} statements\r\n"
    rows = {int(row["id"]): row for row in csv_data(raw)}
    for pk, words in made.items():
        assert rows[pk]["text"] == rows[pk]["context"] == words


def test_head_gets_the_headers_and_no_body(client, world):
    for url, content_type in ((CSV_URL, "text/csv; charset=utf-8"), (JSON_URL, "application/json")):
        head = client.head(url)
        assert head.status_code == 200
        assert head["Content-Type"] == content_type
        assert head["Content-Disposition"].startswith("attachment; filename=")
        assert b"".join(head.streaming_content) == b""


# --------------------------------------------------------------------------- safety


PAYLOADS = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


def test_formula_injection_is_neutralised_in_csv_only(client):
    speaker = PersonFactory(name="=cmd|' /C calc'!A0", slug="mallory")
    made = {}
    for payload in PAYLOADS:
        statement = StatementFactory(
            speaker=speaker,
            text=payload,
            context=payload,
            speaker_role=payload,
            sources=[SourceFactory(title=payload, url="")],
        )
        made[statement.pk] = payload
    partial = StatementFactory(speaker=speaker, kind="partial", frame="-called it", text="@x")
    flat = {int(row["id"]): row for row in csv_rows(client)}
    for pk, payload in made.items():
        row = flat[pk]
        for column in ("text", "context", "speaker_role", "sources"):
            assert row[column] == "'" + payload, (column, row[column])
        assert row["speaker_name"] == "'=cmd|' /C calc'!A0"
    assert flat[partial.pk]["frame"] == "'-called it"
    assert flat[partial.pk]["text"] == "'@x"
    # No cell anywhere starts a formula.
    for row in flat.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    # JSON keeps the words as they are.
    exact = {row["id"]: row for row in json_rows(client)}
    for pk, payload in made.items():
        assert exact[pk]["text"] == payload
        assert exact[pk]["sources"] == [payload]


def test_drafts_and_draft_parts_never_exported(client, world):
    hidden_topic = TopicFactory(slug="hidden-topic", state="draft")
    hidden_source = SourceFactory(url="https://example.org/secret", state="draft")
    hidden_party = PartyFactory(name="Secret Party", state="draft")
    hidden_event = EventFactory(name="Secret meeting", state="draft")
    shown = StatementFactory(
        topics=[TopicFactory(slug="open-topic"), hidden_topic],
        sources=[SourceFactory(url="https://example.org/open"), hidden_source],
        speaker_party=hidden_party,
        event=hidden_event,
    )
    ReactionFactory(statement=shown, state="draft")
    ReactionFactory(statement=shown)
    for state in ("draft", "review", "withdrawn"):
        StatementFactory(state=state, text=f"Hidden {state} words.")
    for rows in (json_rows(client), csv_rows(client)):
        ids = {int(row["id"]) for row in rows}
        assert ids == set(Statement.objects.published().values_list("pk", flat=True))
        assert not any(row["text"].startswith("Hidden") for row in rows)
        row = next(row for row in rows if int(row["id"]) == shown.pk)
        assert row["topics"] in (["open-topic"], "open-topic")
        assert row["sources"] in (["https://example.org/open"], "https://example.org/open")
        assert row["speaker_party"] == row["event_slug"] == row["event_name"] == ""
        assert str(row["reaction_count"]) == "1"
    assert not Statement.objects.published().filter(text__startswith="Hidden").exists()


def test_empty_filter_values_mean_no_filter(client, world):
    """What a submitted form sends for the fields left empty filters nothing."""
    empty = "q=&speaker=&topic=&party=&race=&event=&kind=&said_after=&has_reactions="
    expected = filtered_ids("")
    assert [int(row["id"]) for row in csv_rows(client, empty)] == expected
    assert [row["id"] for row in json_rows(client, empty)] == expected


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("said_after=yesterday", "said_after"),
        ("said_before=2020-13-45", "said_before"),
        ("speaker=no-such-person", "speaker"),
        ("topic=a%00b", "topic"),
        ("kind=rumour", "kind"),
        ("ordering=sideways", "ordering"),
        ("q=" + "x" * 10_000, "q"),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(client, world, query, parameter):
    response = client.get(f"{CSV_URL}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert re.search(rf"^{parameter}: ", response.content.decode(), re.MULTILINE)
    response = client.get(f"{JSON_URL}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert list(data["errors"]) == [parameter]
    assert parameter in data["detail"]


def test_only_get_and_head(client, world):
    assert client.post(CSV_URL).status_code == 405
    assert client.post(JSON_URL).status_code == 405
    with CaptureQueriesContext(connection) as captured:
        head = client.head(f"{CSV_URL}?speaker=jon-ossoff")
        assert head.status_code == 200
        assert head["Content-Type"] == "text/csv; charset=utf-8"
        assert b"".join(head.streaming_content) == b""
        head = client.head(JSON_URL)
        assert head.status_code == 200 and head["Content-Type"] == "application/json"
        assert b"".join(head.streaming_content) == b""
    # Only validating the speaker's slug; no statement is read.
    assert not any("statements_statement" in query["sql"] for query in captured.captured_queries)


# --------------------------------------------------------------------------- scale


def test_queries_per_batch_not_per_row(client, world):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            body(client.get(url))
        return len(captured)

    before = {url: queries(url) for url in (CSV_URL, JSON_URL)}
    topic, outlet = TopicFactory(), OutletFactory()
    for _ in range(40):
        StatementFactory(
            topics=[topic, TopicFactory()],
            sources=[SourceFactory(outlet=outlet), SourceFactory(outlet=outlet)],
        )
    assert {url: queries(url) for url in before} == before
    assert max(before.values()) <= 6  # statements, topics, sources, reaction counts


ROWS = 20_000


def generate(count: int) -> list[int]:
    """`count` published statements (and some drafts), with sources and topics, in bulk."""
    speaker = PersonFactory(name="Bulk Speaker", slug="bulk-speaker")
    party, event = PartyFactory(), EventFactory()
    topics = [TopicFactory(), TopicFactory()]
    sources = [SourceFactory(url=""), SourceFactory()]
    start = datetime.date(2000, 1, 1)
    words = "words of the statement, as the source reports them, byte for byte; " * 4
    rows = [
        Statement(
            speaker=speaker,
            speaker_name=speaker.name,
            speaker_party=party,
            event=event,
            speaker_role="candidate",
            kind="direct",
            text=f"{i}: {words}",
            context="Context.",
            said_on=start + datetime.timedelta(days=i // 7),
            state=PublicationState.PUBLISHED,
        )
        for i in range(count)
    ]
    rows += [
        Statement(
            speaker=speaker,
            speaker_name=speaker.name,
            kind="direct",
            text=f"Draft {i}.",
            said_on=start,
            state=PublicationState.DRAFT,
        )
        for i in range(100)
    ]
    created = Statement.objects.bulk_create(rows, batch_size=2000)
    StatementSource.objects.bulk_create(
        [StatementSource(statement=s, source=src) for s in created for src in sources],
        batch_size=5000,
    )
    StatementTopic.objects.bulk_create(
        [StatementTopic(statement=s, topic=topics[s.pk % 2]) for s in created],
        batch_size=5000,
    )
    return [s.pk for s in created if s.state == PublicationState.PUBLISHED]


def consume(response, count_rows) -> dict:
    """Read the stream chunk by chunk, keeping nothing, under tracemalloc."""
    assert response.streaming
    total = biggest = chunks = rows = 0
    tracemalloc.start()
    tracemalloc.reset_peak()
    began = time.perf_counter()
    for chunk in response.streaming_content:
        chunks += 1
        total += len(chunk)
        biggest = max(biggest, len(chunk))
        rows += count_rows(chunk)
    seconds = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "total": total,
        "biggest": biggest,
        "chunks": chunks,
        "rows": rows,
        "peak": peak,
        "seconds": seconds,
    }


def csv_chunk_rows(chunk: bytes) -> int:
    # Chunks hold whole rows, so each parses on its own.
    return sum(1 for _ in csv.reader(io.StringIO(chunk.decode("utf-8-sig"), newline="")))


def json_chunk_rows(chunk: bytes) -> int:
    return chunk.count(b'{"id": ')


# Peak memory while streaming must stay below this, whatever the export's size. Measured
# on SQLite with BATCH_SIZE 500: about 1.2 MB (CSV, 9.4 MB body) and 1.0 MB (JSON, 15 MB).
MEMORY_BOUND = int(2.5 * 1024 * 1024)


def test_twenty_thousand_rows_stream_in_flat_memory(client, capsys):
    published = generate(ROWS)
    assert len(published) == ROWS
    reverse("statements:statement-detail", kwargs={"pk": 1})  # fill the URL resolver's cache

    csv_stats = consume(client.get(CSV_URL), csv_chunk_rows)
    json_stats = consume(client.get(JSON_URL), json_chunk_rows)
    # A tenth of the rows: memory must not grow with the number of rows.
    small_stats = consume(client.get(f"{CSV_URL}?said_before=2000-10-05"), csv_chunk_rows)
    with capsys.disabled():
        print(f"\nexport memory: CSV {csv_stats}\nJSON {json_stats}\nCSV, 2,000 rows {small_stats}")

    assert csv_stats["rows"] == ROWS + 2  # and the header and the end marker
    assert json_stats["rows"] == ROWS
    days = (datetime.date(2000, 10, 5) - datetime.date(2000, 1, 1)).days + 1
    assert small_stats["rows"] == days * 7 + 2
    for stats in (csv_stats, json_stats):
        assert stats["total"] > 8 * 1024 * 1024
        assert stats["chunks"] > 50
        assert stats["biggest"] < stats["total"] / 50  # no chunk is more than 2% of the body
        assert stats["peak"] < MEMORY_BOUND
        assert stats["peak"] < stats["total"] / 4
    # Ten times the rows, not ten times the memory.
    assert csv_stats["peak"] < small_stats["peak"] * 1.5 + 256 * 1024

    # Every published row, no draft, no duplicate, in order (a day's rows in entry order).
    exported = [int(row["id"]) for row in csv_rows(client)]
    published_rows = Statement.objects.published()
    expected = list(published_rows.order_by(*NEWEST_FIRST).values_list("pk", flat=True))
    assert exported == expected
    assert sorted(exported) == sorted(published)
    oldest = [row["id"] for row in json_rows(client, "ordering=said_on")]
    assert oldest == list(published_rows.order_by(*OLDEST_FIRST).values_list("pk", flat=True))
    sample = json_rows(client, "said_before=2000-01-07")
    assert len(sample) == 49  # seven days (inclusive), seven a day
    assert all(len(row["sources"]) == 2 and len(row["topics"]) == 1 for row in sample)
    assert Source.objects.count() == 2 and Person.objects.count() == 1


# --------------------------------------------------------------------------- PostgreSQL


def close(response) -> None:
    """Close a response as the server does when the client has gone, but keep the test's
    database connection (closing a response signals request_finished, which would close
    it, as the test client itself avoids)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def copy_path_and_generic(client, monkeypatch, url: str) -> tuple[bytes, bytes]:
    """The body from COPY (PostgreSQL's path) and from the generic path, same data."""
    from statements.public import copy as pg_copy

    copied = body(client.get(url))
    monkeypatch.setattr(pg_copy, "supported", lambda: False)
    generic = body(client.get(url))
    monkeypatch.undo()
    return copied, generic


TRICKY = [
    "We're #1, and #MeToo matters",
    'A "quote", a comma',
    "Two lines,\r\n# the second starts with a hash sign",
    "=SUM(A1)",
    "-minus",
    "\tleading tab",
    "Back\\slash, control \x01\x1f and DEL \x7f",
    "Ünïcödé — “curly” ‘quotes’ \u00a0no-break \u2028 separator 😀",
    "",
]


@pytest.mark.parametrize("big", [False, True], ids=["per-statement", "aggregated"])
def test_copy_is_byte_for_byte_the_generic_export(client, world, monkeypatch, settings, big):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    # Each address is read twice, once per path: never a copy from the page cache.
    settings.PAGE_CACHE_EXCLUDED_PATHS = [*settings.PAGE_CACHE_EXCLUDED_PATHS, "/statements/"]
    from statements.public import copy as pg_copy

    speaker = PersonFactory(name="=Mallory, #1", slug="-mallory")
    for index, text in enumerate(TRICKY):
        StatementFactory(
            speaker=speaker,
            text=text or "(empty context)",
            context=text,
            frame=text,
            speaker_role=text,
            kind="partial",
            topics=[TopicFactory(slug=f"topic-{index}"), TopicFactory(slug=f"a-topic-{index}")],
            sources=[
                SourceFactory(title=text or "(untitled)", url=""),
                SourceFactory(url=f"https://e.org/{index}#x"),
            ],
            event=EventFactory(name=text or "Event"),
            speaker_party=PartyFactory(name=text or "Party"),
        )
    ReactionFactory(statement=Statement.objects.filter(speaker=speaker).first())
    # The per-statement shape for small exports, the aggregated one for big ones.
    monkeypatch.setattr(pg_copy, "SMALL_EXPORT", 0 if big else 10_000)
    for query in ["", "speaker=-mallory", "ordering=said_on", "speaker=jon-ossoff&kind=direct"]:
        for url in (CSV_URL, JSON_URL):
            monkeypatch.setattr(pg_copy, "SMALL_EXPORT", 0 if big else 10_000)
            copied, generic = copy_path_and_generic(client, monkeypatch, f"{url}?{query}")
            assert copied == generic, (url, query)
    everything = json_data(body(client.get(JSON_URL)))
    assert {row["text"] for row in everything} >= {text for text in TRICKY if text}


def test_a_copy_that_fails_midway_raises_and_never_ends_with_the_marker(client, monkeypatch):
    """The response's iterator raises, so the server closes the connection without the
    final chunk; nothing that looks like a whole export is ever sent."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    from django.db import DataError

    from statements.public import copy as pg_copy

    StatementFactory()
    # 100,000 lines of 200 bytes; the last one divides by zero.
    failing = pg_copy.Copy(
        sql="COPY (SELECT repeat('x', 198 + 1 / (100000 - i)) || chr(13) || chr(10) "
        "FROM generate_series(1, 100000) AS i) TO STDOUT WITH (FORMAT binary)",
        big=False,
    )
    monkeypatch.setattr(pg_copy, "copy_sql", lambda *args, **kwargs: failing)
    response = client.get(CSV_URL)
    received = bytearray()
    with pytest.raises(DataError, match="division by zero"):
        for chunk in response.streaming_content:
            received += chunk
    assert len(received) > 1_000_000  # it failed mid-way, after many lines
    assert b"# end of export" not in received


@pytest.mark.django_db(transaction=True)
def test_a_client_that_leaves_stops_the_query(client):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    import threading

    generate(3000)
    response = client.get(JSON_URL)
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b'{"statements": [')
    assert next(chunks)
    close(response)
    assert not [thread for thread in threading.enumerate() if thread.name == "export-copy"]
    # The connection is free and usable again, and the query is no longer running.
    assert Statement.objects.published().count() == 3000
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY %%' AND pid <> %s"
            " AND datname = current_database()",
            [connection.connection.get_backend_pid()],
        )
        assert cursor.fetchone() == (0,)


# --------------------------------------------------------------------------- stream slots


def test_beyond_the_streams_per_worker_an_export_gets_503_pointing_at_bulk_files(
    client, world, settings
):
    settings.EXPORT_STREAMS_PER_WORKER = 2
    held = [client.get(CSV_URL), client.get(JSON_URL)]  # streaming, not yet read
    assert [response.status_code for response in held] == [200, 200]

    refused = client.get(CSV_URL)
    assert refused.status_code == 503
    assert refused["Retry-After"] == "30"
    assert refused["Cache-Control"] == "no-store"
    assert refused["Content-Type"] == "text/plain; charset=utf-8"
    assert "/data/" in refused.content.decode()
    refused = client.get(JSON_URL)
    assert refused.status_code == 503 and refused["Retry-After"] == "30"
    assert refused.json()["bulk_files"] == "/data/"
    assert "Try again in 30 seconds" in refused.json()["detail"]
    # Bad filters are still told as such, and HEAD streams nothing: no slot needed.
    assert client.get(f"{CSV_URL}?said_after=yesterday").status_code == 400
    assert client.head(CSV_URL).status_code == 200

    close(held[0])  # the server closes a response however its stream ended
    again = client.get(CSV_URL)
    assert again.status_code == 200
    csv_data(body(again))  # read to the end: the test client closes it, freeing the slot
    close(held[1])
    for day in range(1, 4):  # slots come back: one after another, exports never run out
        # (each a new address, so that none is a copy from the page cache)
        query = f"said_before=2030-01-0{day}"
        assert len(csv_data(body(client.get(f"{CSV_URL}?{query}")))) == len(filtered_ids(query))
