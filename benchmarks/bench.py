#!/usr/bin/env python3
"""`make bench`: the public pages over HTTP, against the limit and the stock approach.

    DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME make bench
        [BENCH_STATEMENTS=1000000] [BENCH_SECONDS=10] [BENCH_ONLY=regex]

1. Data: the PostgreSQL database of DATABASE_URL (SQLite is refused) is migrated, the demo
   loaded and, once, filled by generate_statements up to --statements statements, then
   vacuumed and analysed. Never point it at a production database.
2. Servers: collectstatic, then two gunicorns with tracker/gunicorn_conf.py on free
   loopback ports, DEBUG off, WEB_CONCURRENCY=2, a throwaway SECRET_KEY:
   - the project in bench mode (BENCH_REFERENCE_VIEWS=1), which adds /_bench/bare/ and
     /_bench/stock/ (tracker/bench.py);
   - the limit: benchmarks/bare_settings.py, /_bench/bare/ behind the middleware of a
     fresh startproject only. A second server rather than a route in the first, so that
     none of the project's own middleware is counted in the limit (the project's server
     also answers /_bench/bare/, which shows what that middleware costs).
   gunicorn's worker timeout is production's (30 s; --timeout changes it): a gthread
   worker streams an export for as long as it takes, and the results say whether any
   worker timed out while the exports ran.
3. Scenarios, each warm (one URL, repeated) and cold (a different, meaningful URL for
   each request: random dates, cursors, ids, filter values; up to 2,000 distinct URLs,
   shared out between the driver's threads, taken in turn), driven by wrk (--latency; a
   Lua script picks the cold URLs) when it is installed, else by a Python driver
   (threads, keep-alive) at the same concurrency. Each run waits until the database runs
   no query left from the run before.
   The stock view runs the scenarios it can serve: page 1, a page half-way (?page=N),
   a topic, the searches.
4. The full CSV export, timed, with the peak RSS of the gunicorn workers (from /proc) for
   a selection of about 10,000 statements and for all of them.
5. SQL queries per request, once per scenario: in this process, with Django's test
   Client against the same database.
6. The limit, page 1 and a topic again, on both servers restarted with 2 threads per
   worker instead of 8: how much the thread count moves the limit and the pages.
7. benchmarks/RESULTS.md: the table (req/s, p50, p99, share of the limit, × the stock
   approach, queries), the machine (CPU, RAM, versions), the date, the statement count.

The pieces, in the order they are used: targets.py finds real values in the database,
scenarios.py builds the URLs from them, processes.py starts and watches the servers,
drivers.py runs wrk or the Python driver, report.py compares the rows and writes the
results; this module runs them in turn.

Only 127.0.0.1 is contacted. The numbers depend on the machine and on what else runs on
it: compare rows of one run with each other, not runs across machines.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from benchmarks.drivers import run_python, run_wrk
from benchmarks.places import BIN, HOST, ROOT, WORK
from benchmarks.processes import (
    free_port,
    get_status,
    keep_server_log,
    manage,
    rss_mb,
    server_log_size,
    stop,
    timed_download,
    wait_until_up,
    worker_pids,
    worker_timeouts_logged,
)
from benchmarks.report import (
    FEW_THREADS,
    FEW_THREADS_SCENARIOS,
    Export,
    Row,
    compare,
    document,
    machine,
    results_table,
)
from benchmarks.scenarios import BARE, Scenario, build_scenarios
from benchmarks.targets import Targets, find_targets

# How long a run waits for the queries of the one before it to end (``settle``).
SETTLE_SECONDS = 60


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def settle() -> None:
    """Wait until the database runs no request's query, i.e. none of the run before. The
    requests that the driver leaves in flight when it stops go on: a stock search's (3-7
    s, with parallel workers) went on for 1.5 s into the next run, which is another stock
    run, and slowed it down."""
    from django.db import connection

    deadline = time.monotonic() + SETTLE_SECONDS
    waited = False
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # read afresh in a transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND pid <> pg_backend_pid() "
                "AND backend_type IN ('client backend', 'parallel worker')"  # not autovacuum
            )
            (active,) = cursor.fetchone()
        if not active:
            break
        waited = True
        time.sleep(0.2)
    else:
        log(f"queries of an earlier run still active after {SETTLE_SECONDS} s; going on")
    if waited:
        log("waited for an earlier run's queries to end")


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.cache_name = ""
        self.query_counts: dict[str, dict[str, int | None]] = {}  # by scenario name
        self.kept_logs = 0  # the server logs kept for runs with errors (keep_server_log)
        WORK.mkdir(exist_ok=True)
        for stale in WORK.glob("errors-*.log"):  # an earlier run's
            stale.unlink()
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),  # for this run only
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "SECURE_SSL_REDIRECT": "false",
            "BENCH_REFERENCE_VIEWS": "1",
            "WEB_CONCURRENCY": "2",
            **({"GUNICORN_TIMEOUT": str(args.timeout)} if args.timeout else {}),
            "STATIC_ROOT": str(WORK / "static"),
        }

    # Data

    def prepare(self) -> None:
        env = self.env
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo")
        have = int(
            manage(
                env,
                "shell",
                "--no-imports",
                "-v",
                "0",
                "-c",
                "from statements.models import Statement; print(Statement.objects.count())",
            ).strip()
        )
        missing = self.args.statements - have
        if missing > 0:
            log(f"generating {missing:,} statements (the database has {have:,}; done once)")
            out = manage(
                env, "generate_statements", "--i-know", "--count", str(missing), quiet=False
            )
            log(out.strip())
        else:
            log(f"the database already has {have:,} statements")
        manage(env, "collectstatic", "--noinput", "-v", "0")

    def setup_django(self) -> None:
        os.environ.update({**self.env, "LOG_LEVEL": "WARNING"})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def vacuum(self) -> None:
        from django.db import connection

        # What autovacuum does in time after a bulk load (visibility map, statistics);
        # next to nothing to do when it has already run.
        log("VACUUM ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    def count_queries(self, scenario: Scenario) -> dict[str, int | None]:
        """SQL queries of one request, rendered (as a cold run's requests are) and then
        from the page cache (as a warm run's are, after its first request)."""
        from django.db import connection
        from django.test import Client, override_settings
        from django.test.utils import CaptureQueriesContext

        from benchmarks.scenarios import EVERY_CHART
        from statements.caching import charts, generation
        from statements.models import Person, Topic

        client = Client(HTTP_HOST="localhost")
        overrides = {}
        if scenario.server == "limit":
            from benchmarks import bare_settings

            overrides = {
                "MIDDLEWARE": bare_settings.MIDDLEWARE,
                "ROOT_URLCONF": bare_settings.ROOT_URLCONF,
            }
        counts: dict[str, int | None] = {}
        with override_settings(**overrides):
            client.get(scenario.warm)  # PostgreSQL and the fragments as warm as the server's
            generation.bump()  # ...but no page in the cache: as after a write
            if scenario.every_card_changed:
                generation.bump(generation.CARDS)
            if scenario.charts_changed == EVERY_CHART:
                generation.bump(generation.EVERY_CHART)
            elif scenario.charts_changed:
                kind, slug = scenario.charts_changed.split(":", 1)
                if kind == "person":
                    generation.bump(charts.scope(Person.objects.get(slug=slug).pk))
                else:
                    generation.bump(charts.topic_scope(Topic.objects.get(slug=slug).pk))
            for run in ("cold", "warm"):
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(scenario.warm)
                    if response.streaming:
                        b"".join(response.streaming_content)
                counts[run] = len(queries) if response.status_code == 200 else None
        return counts

    # Servers

    def start(
        self, name: str, port: int, settings: str, threads: int | None = None
    ) -> subprocess.Popen:
        """A gunicorn; ``threads`` per worker instead of the configuration's."""
        env = {**self.env, "GUNICORN_BIND": f"{HOST}:{port}", "DJANGO_SETTINGS_MODULE": settings}
        if threads:
            env["GUNICORN_THREADS"] = str(threads)
        out = open(WORK / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        return subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "tracker/gunicorn_conf.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_cache(self) -> subprocess.Popen | None:
        """The page cache as production has it: a private Redis when redis-server is
        installed, else a directory the workers share (what `make serve` uses)."""
        shutil.rmtree(WORK / "cache", ignore_errors=True)
        self.env["CACHE_DIR"] = str(WORK / "cache")
        server = shutil.which("redis-server")
        if not server:
            self.cache_name = "a directory shared by the workers (no redis-server installed)"
            return None
        port = free_port()
        version = subprocess.run([server, "--version"], capture_output=True, text=True)
        self.cache_name = "Redis " + re.sub(r".*v=(\S+).*", r"\1", version.stdout.strip())
        process = subprocess.Popen(
            [server, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"],
            stdout=(WORK / "redis.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.env["REDIS_URL"] = f"redis://{HOST}:{port}/0"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex((HOST, port)) == 0:
                    return process
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start: see .bench/redis.log")

    def run(self) -> int:
        cache_server = self.start_cache()
        try:
            return self.measure()
        finally:
            if cache_server:
                stop(cache_server)

    def measure(self) -> int:
        args = self.args
        self.prepare()
        self.setup_django()
        self.vacuum()
        log("finding targets (cursors, ids, prolific speakers, search words)")
        targets = find_targets()
        scenarios = build_scenarios(targets)
        if args.only:
            keep = re.compile(args.only, re.I)
            scenarios = [s for s in scenarios if s.server == "limit" or keep.search(s.name)]
        driver_name = "wrk" if shutil.which("wrk") and args.driver != "python" else "python"
        driver = run_wrk if driver_name == "wrk" else run_python
        before = machine()

        bases, servers = self.servers_up()
        rows: list[Row] = []
        exports: list[Export] = []
        idle = 0.0
        try:
            log(f"servers up: project {bases['project']}, limit {bases['limit']}; {driver_name}")
            self.run_scenarios(scenarios, bases, driver, rows)
            if not args.skip_export:
                exports, idle = self.exports(bases["project"], servers["project"].pid, targets)
        finally:
            for server in servers.values():
                stop(server)
        compare(rows, scenarios)
        try:
            few_threads = self.with_few_threads(scenarios, driver)
        except Exception as error:  # the main runs stand without this section
            log(f"the runs with {FEW_THREADS} threads per worker failed: {error!r}")
            few_threads = []
        text = self.report(rows, few_threads, exports, idle, targets, driver_name, before)
        Path(args.output).write_text(text)
        log(f"wrote {os.path.relpath(args.output)}")
        print(results_table(rows))
        return 0

    def run_scenarios(self, scenarios, bases, driver, rows: list[Row]) -> None:
        """Each scenario's runs, appended to ``rows``; the limit runs first and again last
        (the better run is the limit)."""
        args = self.args
        limit = next(s for s in scenarios if s.server == "limit")
        for scenario in [*scenarios, limit]:
            again = scenario is limit and any(row.scenario == limit.name for row in rows)
            base = bases[scenario.server]
            parsed = urllib.parse.urlsplit(base)
            checks = [scenario.warm, *scenario.cold[:3]]
            statuses = {p: get_status(parsed.hostname, parsed.port, p) for p in checks}
            bad = {p: s for p, s in statuses.items() if s != 200}
            if scenario.name not in self.query_counts:
                self.query_counts[scenario.name] = self.count_queries(scenario)
            queries = self.query_counts[scenario.name]
            for run, target in scenario.runs():
                run = f"{run}, again at the end" if again else run
                if bad:
                    rows.append(Row(scenario.name, run, None, None, note=f"{bad}"))
                    continue
                settle()
                logged = server_log_size(scenario.server)
                result = driver(base, target, args.seconds, args.connections, args.threads)
                counted = queries["cold" if run.startswith("cold") else "warm"]
                note = ""
                if result.errors:
                    self.kept_logs += 1
                    kept = keep_server_log(scenario.server, logged, f"errors-{self.kept_logs}.log")
                    note = f"server log: {kept}"
                rows.append(Row(scenario.name, run, result, counted, note=note))
                log(
                    f"{scenario.name} [{run}]: {result.rps:,.1f} req/s, p50 "
                    f"{result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
                    f"{result.errors} errors ({result.errors_described() or 'none'}), "
                    f"{counted} queries"
                )

    def servers_up(
        self, threads: int | None = None
    ) -> tuple[dict[str, str], dict[str, subprocess.Popen]]:
        """The project's server and the limit's, each on a free port, answering."""
        ports = {"project": free_port(), "limit": free_port()}
        bases = {name: f"http://{HOST}:{port}" for name, port in ports.items()}
        servers = {
            "project": self.start("project", ports["project"], "tracker.settings", threads),
            "limit": self.start("limit", ports["limit"], "benchmarks.bare_settings", threads),
        }
        try:
            wait_until_up(bases["project"] + "/healthz", servers["project"])
            wait_until_up(bases["limit"] + BARE, servers["limit"])
        except BaseException:
            for server in servers.values():
                stop(server)
            raise
        return bases, servers

    def with_few_threads(self, scenarios: list[Scenario], driver) -> list[Row]:
        """The limit and a few list pages again, on both servers restarted with
        FEW_THREADS threads per worker instead of production's 8 (see ``report.document``)."""
        picked = [
            s for s in scenarios if s.server == "limit" or s.name.startswith(FEW_THREADS_SCENARIOS)
        ]
        if len(picked) < 2:
            return []
        bases, servers = self.servers_up(FEW_THREADS)
        log(f"servers up with {FEW_THREADS} threads per worker")
        rows: list[Row] = []
        try:
            self.run_scenarios(picked, bases, driver, rows)
        finally:
            for server in servers.values():
                stop(server)
        compare(rows, scenarios)
        return rows

    def exports(self, base: str, master: int, targets: Targets) -> tuple[list[Export], float]:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        idle = max([rss_mb(pid) for pid in worker_pids(master)] or [0.0])
        found = []
        selections = [
            (
                f"said_after={targets.export_after} (about 10,000)",
                f"said_after={targets.export_after}",
            ),
            (f"all ({targets.total:,})", ""),
        ]
        for label, params in selections:
            path = "/statements/export.csv" + (f"?{params}" if params else "")
            log(f"CSV export, {label}…")
            timeouts = worker_timeouts_logged("project")
            rows, size, seconds, peak, complete = timed_download(base, path, master)
            timeouts = worker_timeouts_logged("project") - timeouts
            queries = None
            if params:
                with CaptureQueriesContext(connection) as captured:
                    response = Client(HTTP_HOST="localhost").get(path)
                    b"".join(response.streaming_content)
                queries = len(captured)
            export = Export(label, rows, size / 1e6, seconds, peak, complete, timeouts, queries)
            found.append(export)
            log(
                f"… {rows:,} rows, {size / 1e6:,.1f} MB in {seconds:.1f} s, peak RSS {peak:.0f} MB"
                + ("" if complete else ", NOT COMPLETE")
            )
        return found, idle

    def report(self, rows, few_threads, exports, idle, targets, driver_name, before) -> str:
        return document(
            rows,
            few_threads,
            exports,
            idle,
            targets,
            driver_name,
            before,
            args=self.args,
            cache_name=self.cache_name,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env = os.environ.get
    parser.add_argument("--statements", type=int, default=int(env("BENCH_STATEMENTS") or 1_000_000))
    parser.add_argument("--seconds", type=int, default=int(env("BENCH_SECONDS") or 10))
    parser.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS") or 4))
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--timeout", type=int, default=None, help="gunicorn worker timeout (production's: 30 s)"
    )
    parser.add_argument("--only", default=env("BENCH_ONLY") or "", help="scenarios matching")
    parser.add_argument("--driver", choices=["auto", "python"], default="auto")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--note", default=env("BENCH_NOTE") or "", help="a line for RESULTS.md")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "RESULTS.md"))
    args = parser.parse_args(argv)
    url = env("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error(
            "set DATABASE_URL to a PostgreSQL database (postgres://USER:PASSWORD@HOST:5432/NAME); "
            "the benchmark does not run on SQLite"
        )
    if args.statements < 1 or args.seconds < 1 or args.connections < args.threads:
        parser.error("--statements and --seconds must be positive, --connections ≥ --threads")
    return Bench(args).run()


if __name__ == "__main__":
    sys.exit(main())
