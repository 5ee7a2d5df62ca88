"""`make bench`: the reference views (bench mode only) and the bench tool's pure pieces.
No server is started and no number is asserted."""

import datetime
import importlib.util
import itertools
import math
import re
import sys
import threading
import time
from pathlib import Path

import django
import pytest
from django.db import connection
from django.test import override_settings

from benchmarks import bare_settings, bench, drivers, processes, report
from benchmarks.scenarios import Scenario, build_scenarios
from benchmarks.targets import Targets
from statements.paging import Cursor

from .factories import PersonFactory, StatementFactory, TopicFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def bench_mode(settings):
    """tracker/urls.py as it is read with BENCH_REFERENCE_VIEWS on."""
    settings.BENCH_REFERENCE_VIEWS = True
    name = "bench_mode_urls"
    spec = importlib.util.spec_from_file_location(name, ROOT / "tracker" / "urls.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    settings.ROOT_URLCONF = name
    yield
    del sys.modules[name]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/_bench/bare/", "/_bench/stock/"])
def test_reference_views_do_not_exist_outside_bench_mode(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_bare_view_in_bench_mode(client, bench_mode):
    response = client.get("/_bench/bare/")
    assert response.status_code == 200 and response.content == b"ok"
    assert "X-Request-ID" in response  # the project's own middleware ran


def test_limit_has_djangos_default_middleware_only(client):
    template = Path(django.__file__).parent / "conf/project_template/project_name/settings.py-tpl"
    listed = re.search(r"MIDDLEWARE = \[(.*?)\]", template.read_text(), re.S).group(1)
    assert bare_settings.MIDDLEWARE == re.findall(r"'([\w.]+)'", listed)
    with override_settings(
        MIDDLEWARE=bare_settings.MIDDLEWARE, ROOT_URLCONF=bare_settings.ROOT_URLCONF
    ):
        response = client.get("/_bench/bare/")
        assert response.status_code == 200 and response.content == b"ok"
        # None of the project's extra middleware: no request id, no CSP.
        assert "X-Request-ID" not in response
        assert "Content-Security-Policy" not in response


@pytest.mark.django_db
def test_stock_view_filters_searches_and_pages(client, bench_mode, django_assert_max_num_queries):
    parent = TopicFactory(slug="economy", name="Economy")
    child = TopicFactory(slug="taxes", name="Taxes", parent=parent)
    speaker = PersonFactory(slug="pat-rivera", name="Pat Rivera")
    taxed = StatementFactory(speaker=speaker, text="Cut the lamplighter tax.", kind="direct")
    taxed.topics.add(child)
    for _ in range(25):
        StatementFactory(text="Something else entirely.")

    with django_assert_max_num_queries(4):  # count, page, topics, and nothing per row
        page = client.get("/_bench/stock/")
    assert page.status_code == 200 and page.context["paginator"].count == 26
    assert len(page.context["object_list"]) == 20
    assert client.get("/_bench/stock/?page=2").context["object_list"][0].text
    for query in ("topic=economy", "q=LAMPLIGHTER", "speaker=pat-rivera&kind=direct"):
        found = client.get(f"/_bench/stock/?{query}").context["object_list"]
        assert list(found) == [taxed], query
        assert b"Pat Rivera" in client.get(f"/_bench/stock/?{query}").content
    assert client.get("/_bench/stock/?page=99").status_code == 404


# --- The bench tool's pure pieces ---------------------------------------------------

# wrk ends each latency line with a space (\x20).
WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:8000/statements/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.50ms    3.01ms  80.00ms   90.00%
    Req/Sec   160.00     20.00   200.00     70.00%
  Latency Distribution
     50%   11.90ms\x20
     75%   13.00ms\x20
     90%   15.00ms\x20
     99%    1.20s\x20
  3200 requests in 10.01s, 12.30MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:    319.68
Transfer/sec:      1.23MB
"""


def test_wrk_report_without_a_finished_request_has_no_percentiles():
    none = WRK_OUTPUT.replace("3200 requests", "0 requests").replace("319.68", "0.00")
    result = drivers.parse_wrk(none)
    assert result.requests == 0 and math.isnan(result.p50_ms) and math.isnan(result.p99_ms)


def test_wrk_report_is_parsed():
    result = drivers.parse_wrk(WRK_OUTPUT)
    assert (result.requests, result.rps, result.p50_ms, result.p99_ms) == (
        3200,
        319.68,
        11.9,
        1200.0,
    )
    assert result.seconds == pytest.approx(10.01) and result.errors == 7
    assert result.error_kinds == {"read": 1, "timeout": 2, "non-2xx/3xx": 4}
    assert result.errors_described() == "non-2xx/3xx 4, read 1, timeout 2"
    assert [drivers.to_ms(t) for t in ("250.00us", "3.5ms", "2.00s", "1.00m")] == [
        0.25,
        3.5,
        2000.0,
        60_000.0,
    ]


def targets(**changes):
    values = dict(
        total=100_000,
        dates=[f"2020-01-{day:02d}" for day in range(1, 29)],
        half_way_cursors=[Cursor(datetime.date(2020, 1, 1), pk).encode() for pk in (50, 51)],
        half_way_pages=[2501, 2400, 2600],
        parent_topics=["immigration", "economy"],
        topics=["immigration", "economy", "taxes"],
        speakers=["pat-rivera", "jon-hall", "ann-lee"],
        statements=[1, 2, 3],
        races=["georgia-senate"],
        words={
            "rare": ("lamplighter", 70),
            "medium": ("district", 1000),
            "common": ("family", 24000),
        },
        export_after="2024-06-01",
    )
    return Targets(**{**values, **changes})


def test_scenarios_have_meaningful_distinct_cold_urls_and_their_stock_match():
    scenarios = build_scenarios(targets())
    names = {scenario.name for scenario in scenarios}
    assert len(names) == len(scenarios)
    assert [s.server for s in scenarios].count("limit") == 1
    for scenario in scenarios:
        assert scenario.warm.startswith("/") and all(p.startswith("/") for p in scenario.cold)
        assert len(set(scenario.cold)) == len(scenario.cold)
        assert scenario.stock is None or scenario.stock in names
    by_name = {scenario.name: scenario for scenario in scenarios}
    half_way = by_name["List, half-way (cursor)"]
    token = half_way.warm.split("cursor=")[1]
    assert Cursor.decode(token) == Cursor(datetime.date(2020, 1, 1), 50)
    assert by_name["Stock: half-way (?page=N)"].warm == "/_bench/stock/?page=2501"
    ranked = by_name["Search, rare word “lamplighter” (0.07% of rows), ranked"]
    assert ranked.warm == "/statements/?q=lamplighter"
    assert all("q=lamplighter&said_before=2020-01-" in p for p in ranked.cold)
    assert ranked.stock == "Stock: search rare word"
    compare = by_name["Compare, two speakers on a topic"]
    assert compare.warm == "/compare/?people=pat-rivera&people=jon-hall&topic=immigration"
    assert "Race page" not in {s.name for s in build_scenarios(targets(races=[]))}


def test_the_again_rows_follow_their_first_at_its_addresses_after_a_write_no_card_shows():
    scenarios = build_scenarios(targets())
    names = [scenario.name for scenario in scenarios]
    for name in ("List, page 1", "List, topic with narrower (immigration)"):
        first, again = scenarios[names.index(name)], scenarios[names.index(name) + 1]
        assert again.name == f"{name}, again after a write to one statement"
        assert again.cold == first.cold and again.warm != first.warm
        assert (first.every_card_changed, again.every_card_changed) == (True, False)
        assert again.group == first.group == "list" and again.stock == first.stock
    assert sum(not scenario.every_card_changed for scenario in scenarios) == 2


def test_cold_urls_are_shared_out_between_threads_taken_in_turn_and_never_asked_twice():
    assert "args[1]" in drivers.LUA_SCRIPT and "args[2]" in drivers.LUA_SCRIPT
    assert "round=" in drivers.LUA_SCRIPT
    paths = [f"/p{i}" for i in range(5)] + ["/p5?a=1"]
    first = list(itertools.islice(drivers.thread_paths(paths, 0, 2), 10))
    second = list(itertools.islice(drivers.thread_paths(paths, 1, 2), 10))
    assert first[:7] == [
        "/p0",
        "/p2",
        "/p4",
        "/p0?round=0-1",
        "/p2?round=0-1",
        "/p4?round=0-1",
        "/p0?round=0-2",
    ]
    assert second[:4] == ["/p1", "/p3", "/p5?a=1", "/p1?round=1-1"]
    assert second[5] == "/p5?a=1&round=1-1"
    # No address twice, within a thread or between them: the page cache never answers.
    assert len(set(first) | set(second)) == len(first) + len(second)
    # Fewer paths than threads: each thread takes them all, its rounds its own.
    assert list(itertools.islice(drivers.thread_paths(["/a", "/b"], 2, 3), 3)) == [
        "/a",
        "/b",
        "/a?round=2-1",
    ]
    # A warm run's one address is repeated as it is.
    assert set(itertools.islice(drivers.thread_paths(["/w"], 0, 2), 5)) == {"/w"}
    assert drivers.percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert math.isnan(drivers.percentile([], 0.99))


def test_results_table_gives_share_of_the_limit_and_times_stock():
    scenarios = [
        Scenario("Limit", "/_bench/bare/", server="limit"),
        Scenario("List, page 1", "/statements/", ["/statements/?a=1"], stock="Stock: page 1"),
        Scenario("Stock: page 1", "/_bench/stock/", ["/_bench/stock/?a=1"]),
    ]
    result = lambda rps: drivers.Result(int(rps * 10), 10.0, rps, 5.25, 120.0)  # noqa: E731
    rows = [
        report.Row("Limit", "warm", result(800.0), 0),
        report.Row("List, page 1", "cold", result(250.0), 9),
        report.Row("List, page 1", "warm", result(300.0), 9),
        report.Row("Stock: page 1", "cold", result(50.0), 3),
        report.Row("Stock: page 1", "warm", drivers.Result(0, 10.0, 0.0, math.nan, math.nan), 3),
        report.Row("Limit", "warm, again at the end", result(1000.0), 0),
    ]
    report.compare(rows, scenarios)
    table = report.results_table(rows).splitlines()
    assert table[0].startswith("| Scenario | Run | Requests | req/s | p50 ms | p99 ms | Share")
    assert table[2] == "| Limit | warm | 8,000 | 800 | 5.2 | 120 | 80.0% | — | 0 | 0 |"
    assert table[3] == "| List, page 1 | cold | 2,500 | 250 | 5.2 | 120 | 25.0% | 5.0× | 9 | 0 |"
    # No stock request finished in 10 s: stock < 0.1 req/s, so at least 300 × 10.
    assert (
        table[4] == "| List, page 1 | warm | 3,000 | 300 | 5.2 | 120 | 30.0% | > 3,000.0× | 9 | 0 |"
    )
    assert table[6] == "| Stock: page 1 | warm | 0 | 0.0 | — | — | 0.0% | — | 3 | 0 |"
    not_run = report.Row("Stock: page 1", "warm", None, 3, note="{'/_bench/stock/': 500}")
    assert (
        report.results_table([not_run])
        .splitlines()[2]
        .endswith("| — | — | 3 | not run ({'/_bench/stock/': 500}) |")
    )


def test_errors_column_says_what_the_errors_were_and_where_the_server_log_is():
    failed = drivers.Result(100, 10.0, 10.0, 5.0, 50.0, error_kinds={"status 500": 3})
    row = report.Row("Statement page", "cold", failed, 8, note="server log: .bench/errors-1.log")
    assert report.errors_cell(row) == "3 (status 500 3; server log: .bench/errors-1.log)"
    clean = report.Row("Statement page", "warm", drivers.Result(100, 10.0, 10.0, 5.0, 50.0), 0)
    assert report.errors_cell(clean) == "0"
    assert (
        report.results_table([row])
        .splitlines()[2]
        .endswith("| 8 | 3 (status 500 3; server log: .bench/errors-1.log) |")
    )


def test_a_runs_server_log_is_kept_from_where_the_run_began(tmp_path, monkeypatch):
    monkeypatch.setattr(processes, "WORK", tmp_path / ".bench")
    monkeypatch.setattr(processes, "ROOT", tmp_path)
    processes.WORK.mkdir()
    log = processes.WORK / "project.log"
    log.write_text("started\n")
    since = processes.server_log_size("project")
    with log.open("a") as more:
        more.write("ERROR Internal Server Error: /statements/1/\nTraceback ...\n")
    assert processes.keep_server_log("project", since, "errors-1.log") == ".bench/errors-1.log"
    assert (processes.WORK / "errors-1.log").read_text() == (
        "ERROR Internal Server Error: /statements/1/\nTraceback ...\n"
    )
    assert processes.server_log_size("no-such-server") == 0


def test_python_driver_counts_errors_by_kind():
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            status = 404 if self.path.startswith("/missing") else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        result = drivers.run_python(base, ["/ok", "/missing"], 1, 2)
    finally:
        server.shutdown()
        server.server_close()
    # Each connection takes its share in turn: one asks /ok only, the other /missing only.
    assert result.requests > 0 and result.errors > 0
    assert result.error_kinds == {"status 404": result.errors}


def test_export_table_says_whether_each_export_ended_complete_and_any_worker_timed_out():
    exports = [
        report.Export("about 10,000", 10_000, 5.3, 3.0, 80.0, True, 0, 12),
        report.Export("all (1,000,000)", 999_000, 530.0, 240.0, 82.0, False, 1),
    ]
    text = report.export_table(exports, 75.0, None)
    assert "| about 10,000 | 10,000 | 5.3 | 3.0 | 3,333 | 80 | yes | 0 | 12 |" in text
    assert "| all (1,000,000) | 999,000 | 530.0 | 240.0 | 4,162 | 82 | **no** | 1 | — |" in text
    assert "worker timeout: 30 s, as production" in text
    assert "worker timeout: 900 s, set for this run" in report.export_table(exports, 75.0, 900)


@pytest.mark.parametrize(
    ("lines", "tail", "expected"),
    [
        (4, b"3,http://x/3/,...\r\n# end of export: 2 statements\r\n", (2, True)),
        (3, b"...\r\n# end of export: 1 statement\r\n", (1, True)),
        (2, b"id,url\r\n# end of export: 0 statements\r\n", (0, True)),
        (5, b"...\r\n# end of export: 2 statements\r\n", (3, False)),  # rows missing
        (4, b"3,http://x/3/,cut off mid-ro", (3, False)),  # no marker: cut short
    ],
)
def test_a_csv_download_is_complete_only_with_an_end_marker_counting_its_rows(
    lines, tail, expected
):
    assert processes.csv_rows(lines, tail) == expected


def test_bench_refuses_sqlite(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///db.sqlite3")
    with pytest.raises(SystemExit) as exit_:
        bench.main([])
    assert exit_.value.code == 2 and "PostgreSQL" in capsys.readouterr().err


def test_targets_table_says_which_targets_are_met():
    scenarios = [
        Scenario("Limit", "/_bench/bare/", server="limit"),
        Scenario("List, page 1", "/statements/", ["/s?a=1"], stock="Stock: page 1"),
        Scenario("Stock: page 1", "/_bench/stock/", ["/_bench/stock/?a=1"]),
    ]
    result = lambda rps: drivers.Result(int(rps * 10), 10.0, rps, 5.0, 50.0)  # noqa: E731
    rows = [
        report.Row("Limit", "warm", result(1000.0), 0),
        report.Row("List, page 1", "cold", result(150.0), 6),
        report.Row("List, page 1", "warm", result(500.0), 0),
        report.Row("Stock: page 1", "cold", result(5.0), 3),
    ]
    report.compare(rows, scenarios)
    exports = [
        report.Export("10k", 10_000, 5.0, 1.0, 80.0, True, 0),
        report.Export("all", 10**6, 500.0, 40.0, 90.0, True, 0),
    ]

    def met(exports):
        return dict(
            (line.split(" | ")[0].strip("| "), line.rsplit(" | ", 1)[1].strip(" |"))
            for line in report.targets_table(rows, exports).splitlines()[2:]
        )

    table = met(exports)
    assert table["Cached pages ≥ 60% of the limit"] == "**no**"  # 50%
    assert table["Uncached list, any filter, deep ≥ 10%"] == "yes"  # 15%
    assert table["Uncached page 1 ≥ 20× stock"] == "yes"  # 30×
    assert table["At most 8 SQL queries per page"] == "yes"
    export_target = "Full CSV export completes; peak RSS at all rows ≤ 1.2× at 10k"
    assert table[export_target] == "yes"
    small = exports[0]
    cut_short = report.Export("all", 10**6 - 1, 500.0, 40.0, 90.0, False, 0)
    timed_out = report.Export("all", 10**6, 500.0, 40.0, 90.0, True, 1)
    assert met([small, cut_short])[export_target] == "**no**"
    assert met([small, timed_out])[export_target] == "**no**"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bench reads PostgreSQL's pg_stat_activity"
)
@pytest.mark.django_db(transaction=True)  # autocommit, as the bench's connection is
def test_a_run_starts_once_the_queries_left_by_the_run_before_have_ended():
    """A query of another connection (a request the driver left in flight) is waited
    for: the run starts after it ended, by the database's clock; with none, at once."""
    import psycopg2

    bench.settle()  # nothing is running: returns at once

    in_flight = psycopg2.connect(**connection.get_connection_params())
    ended_at = []

    def request_left_in_flight():
        with in_flight.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1), clock_timestamp()")
            ended_at.append(cursor.fetchone()[1])

    thread = threading.Thread(target=request_left_in_flight)
    thread.start()
    try:
        with connection.cursor() as cursor:
            for _ in range(500):  # until PostgreSQL reports it running (5 s at most)
                time.sleep(0.01)
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE query LIKE 'SELECT pg_sleep(1)%%' AND state = 'active'"
                )
                if cursor.fetchone()[0]:
                    break
            else:
                pytest.fail("the query left in flight never showed as running")
            bench.settle()
            cursor.execute("SELECT clock_timestamp()")
            started_at = cursor.fetchone()[0]
    finally:
        thread.join()
        in_flight.close()
    assert started_at >= ended_at[0]
