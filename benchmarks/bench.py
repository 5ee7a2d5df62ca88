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
   (threads, keep-alive) at the same concurrency.
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

Only 127.0.0.1 is contacted. The numbers depend on the machine and on what else runs on
it: compare rows of one run with each other, not runs across machines.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import itertools
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".bench"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
COLD_URLS = 2000
STOCK = "/_bench/stock/"
# Run again on servers with this many threads per worker instead of production's 8:
# the limit and the scenarios named so (see Bench.report).
FEW_THREADS = 2
FEW_THREADS_SCENARIOS = ("List, page 1", "List, topic with narrower")
BARE = "/_bench/bare/"


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- Scenarios (pure: built from the targets found in the database) ---------------------


@dataclass
class Targets:
    """Real values from the database, for meaningful URLs."""

    total: int
    dates: list[str]  # ISO dates spread over the years the statements cover
    half_way_cursors: list[str]  # Cursor(said_on, pk).encode() of rows about half-way
    half_way_pages: list[int]  # page numbers about half-way, for the stock view
    parent_topics: list[str]  # topics with narrower ones, "immigration" first
    topics: list[str]
    speakers: list[str]  # the most prolific first
    statements: list[int]
    races: list[str]
    words: dict[str, tuple[str, int]]  # "rare"/"medium"/"common" -> (word, rows matching)
    export_after: str  # said_after giving about 10,000 statements


@dataclass
class Scenario:
    name: str
    warm: str
    cold: list[str] = field(default_factory=list)  # empty: warm only
    server: str = "project"  # or "limit"
    stock: str | None = None  # the stock scenario it is compared with
    group: str = ""

    def runs(self) -> list[tuple[str, str | list[str]]]:
        return [("cold", self.cold), ("warm", self.warm)] if self.cold else [("warm", self.warm)]


def query(path: str, **params) -> str:
    pairs = [(k, v) for k, values in params.items() for v in _listed(values)]
    return f"{path}?{urllib.parse.urlencode(pairs)}" if pairs else path


def _listed(value) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def build_scenarios(t: Targets, seed: int = 0) -> list[Scenario]:
    rng = random.Random(seed)

    def cold(make: Callable[[], str], n: int = COLD_URLS) -> list[str]:
        """Up to n distinct URLs from ``make``, in a random order."""
        seen: dict[str, None] = {}
        for _ in range(n * 3):
            seen.setdefault(make(), None)
            if len(seen) >= n:
                break
        return list(seen)

    date = lambda: rng.choice(t.dates)  # noqa: E731
    top = t.speakers[0]
    topic = t.parent_topics[0]
    kinds = ["direct", "partial", "paraphrase"]
    out = [
        Scenario("Limit: bare view, Django's default middleware", BARE, server="limit"),
        Scenario("Bare view, the project's middleware", BARE),
        Scenario(
            "List, page 1",
            "/statements/",
            cold(lambda: query("/statements/", said_before=date())),
            stock="Stock: page 1",
            group="list",
        ),
        Scenario(
            "List, half-way (cursor)",
            query("/statements/", cursor=t.half_way_cursors[0]),
            cold(lambda: query("/statements/", cursor=rng.choice(t.half_way_cursors))),
            stock="Stock: half-way (?page=N)",
            group="list",
        ),
        Scenario(
            f"List, topic with narrower ({topic})",
            query("/statements/", topic=topic),
            cold(
                lambda: query("/statements/", topic=rng.choice(t.parent_topics), said_before=date())
            ),
            stock="Stock: topic",
            group="list",
        ),
        Scenario(
            "List, speaker + kind",
            query("/statements/", speaker=top, kind="direct"),
            cold(
                lambda: query(
                    "/statements/",
                    speaker=rng.choice(t.speakers),
                    kind=rng.choice(kinds),
                    said_before=date(),
                )
            ),
            group="list",
        ),
    ]
    for level in ("rare", "medium", "common"):
        word, rows = t.words[level]
        share = f"{rows / t.total:.2%}" if t.total else "?"
        for order, extra in (("ranked", {}), ("by date", {"ordering": "-said_on"})):
            out.append(
                Scenario(
                    f"Search, {level} word “{word}” ({share} of rows), {order}",
                    query("/statements/", q=word, **extra),
                    cold(
                        lambda w=word, e=extra: query("/statements/", q=w, said_before=date(), **e)
                    ),
                    stock=f"Stock: search {level} word",
                    group="search",
                )
            )
    statement = t.statements[0]
    pair = t.speakers[:2]
    out += [
        Scenario(
            "Statement page",
            f"/statements/{statement}/",
            [f"/statements/{pk}/" for pk in t.statements],
            group="pages",
        ),
        Scenario(
            "Person page, most prolific speaker",
            f"/people/{top}/",
            [f"/people/{slug}/" for slug in t.speakers],
            group="pages",
        ),
        Scenario(
            f"Topic page ({topic})",
            f"/topics/{topic}/",
            [f"/topics/{slug}/" for slug in t.topics],
            group="pages",
        ),
        Scenario(
            "Race page",
            f"/races/{t.races[0]}/",
            [f"/races/{slug}/" for slug in t.races],
            group="pages",
        )
        if t.races
        else None,
        Scenario(
            "Compare, two speakers on a topic",
            query("/compare/", people=pair, topic=topic),
            cold(
                lambda: query(
                    "/compare/",
                    people=rng.sample(t.speakers, 2),
                    topic=rng.choice(t.topics),
                )
            ),
            group="pages",
        ),
        Scenario(
            "API, statement list",
            "/api/v1/statements/",
            cold(lambda: query("/api/v1/statements/", said_before=date())),
            group="api",
        ),
        Scenario(
            "API, one statement",
            f"/api/v1/statements/{statement}/",
            [f"/api/v1/statements/{pk}/" for pk in t.statements],
            group="api",
        ),
        Scenario(
            "RSS feed",
            "/statements/feed/",
            cold(lambda: query("/statements/feed/", said_before=date())),
            group="api",
        ),
        Scenario(
            "Stock: page 1",
            STOCK,
            cold(lambda: query(STOCK, said_before=date())),
            group="stock",
        ),
        Scenario(
            "Stock: half-way (?page=N)",
            query(STOCK, page=t.half_way_pages[0]),
            cold(lambda: query(STOCK, page=rng.choice(t.half_way_pages))),
            group="stock",
        ),
        Scenario(
            "Stock: topic",
            query(STOCK, topic=topic),
            cold(lambda: query(STOCK, topic=rng.choice(t.parent_topics), said_before=date())),
            group="stock",
        ),
    ]
    for level in ("rare", "medium", "common"):
        word, _ = t.words[level]
        out.append(
            Scenario(
                f"Stock: search {level} word",
                query(STOCK, q=word),
                cold(lambda w=word: query(STOCK, q=w, said_before=date())),
                group="stock",
            )
        )
    return [scenario for scenario in out if scenario is not None]


# --- Drivers ------------------------------------------------------------------------


@dataclass
class Result:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    # Socket errors, timeouts and responses other than 2xx/3xx, by kind, e.g.
    # {"read": 3, "non-2xx/3xx": 2}; kinds that did not occur are left out.
    error_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(self.error_kinds.values())

    def errors_described(self) -> str:
        """The errors' kinds and counts, e.g. "read 3, non-2xx/3xx 2" (empty: none)."""
        return ", ".join(f"{kind} {n:,}" for kind, n in sorted(self.error_kinds.items()))


LUA_SCRIPT = """\
-- Cold runs: each request takes the next path of a file (one path a line). Arguments: the
-- file, the thread count. Each thread has its own share of the paths (every n-th one, from
-- its own place), so that no two threads ask for the same address; once a thread has been
-- through its share, it adds round=N to each path, so that no address is ever asked twice
-- and the page cache never answers.
local threads = 0
function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end

local paths, i, done = {}, 0, 0
function init(args)
  local all = {}
  for line in io.lines(args[1]) do
    all[#all + 1] = line
  end
  for n = number + 1, #all, tonumber(args[2]) do
    paths[#paths + 1] = all[n]
  end
  if #paths == 0 then
    paths = all
  end
end

function request()
  i = i % #paths + 1
  done = done + 1
  local path = paths[i]
  local round = math.floor((done - 1) / #paths)
  if round > 0 then
    local glue = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. glue .. "round=" .. number .. "-" .. round
  end
  return wrk.format("GET", path)
end
"""

# What every request accepts, as Chrome and Firefox send it: the site answers anonymous
# readers in Brotli, and a person's page is 33 kB so, 480 kB not.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip()).groups()
    return float(number) * UNITS_MS[unit]


def parse_wrk(output: str) -> Result:
    """The numbers of `wrk --latency`'s report."""
    requests, seconds = re.search(r"(\d+) requests in ([\d.]+\w+),", output).groups()
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M))
    kinds = {kind: int(n) for kind, n in re.findall(r"(connect|read|write|timeout) (\d+)", output)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    kinds["non-2xx/3xx"] = int(non_2xx.group(1)) if non_2xx else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return Result(
        requests=int(requests),
        seconds=to_ms(seconds) / 1000,
        rps=rps,
        p50_ms=to_ms(latency["50"]) if "50" in latency and int(requests) else math.nan,
        p99_ms=to_ms(latency["99"]) if "99" in latency and int(requests) else math.nan,
        error_kinds={kind: n for kind, n in kinds.items() if n},
    )


def run_wrk(
    base: str, target: str | list[str], seconds: int, connections: int, threads: int
) -> Result:
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "60s",
        "--header",
        f"Accept-Encoding: {ACCEPT_ENCODING}",
    ]
    if isinstance(target, list):
        paths = WORK / "cold-paths.txt"
        paths.write_text("\n".join(target) + "\n")
        script = WORK / "cold.lua"
        script.write_text(LUA_SCRIPT)
        command += ["-s", str(script), base, "--", str(paths), str(threads)]
    else:
        command.append(base + target)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    return parse_wrk(done.stdout)


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (nan when empty)."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(1, math.ceil(fraction * len(sorted_values))) - 1]


def thread_paths(paths: Sequence[str], thread: int, threads: int):
    """What the Lua script does: the thread's own share of the paths (every threads-th one,
    from its own place) in turn, and round=N added once the thread has been through them:
    no address is asked twice, by this thread or another. A single path (a warm run) is
    repeated as it is."""
    if len(paths) == 1:
        yield from itertools.repeat(paths[0])
        return
    share = list(paths[thread::threads]) or list(paths)
    for done, path in enumerate(itertools.cycle(share)):
        round_ = done // len(share)
        if round_:
            path += ("&" if "?" in path else "?") + f"round={thread}-{round_}"
        yield path


def run_python(
    base: str, target: str | list[str], seconds: int, connections: int, threads: int = 0
) -> Result:
    """The same measure without wrk: ``connections`` threads, each with one keep-alive
    connection, sending requests back to back for ``seconds``."""
    parsed = urllib.parse.urlsplit(base)
    paths = target if isinstance(target, list) else [target]
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors: list[Counter[str]] = [Counter() for _ in range(connections)]
    deadline = time.monotonic() + seconds

    def work(n: int) -> None:
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        for path in thread_paths(paths, n, connections):
            if time.monotonic() >= deadline:
                break
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING})
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors[n][f"status {response.status}"] += 1
            except (OSError, http.client.HTTPException) as error:
                errors[n][type(error).__name__] += 1
                connection.close()
                connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
                continue
            latencies[n].append((time.perf_counter() - started) * 1000)
        connection.close()

    started = time.monotonic()
    workers = [threading.Thread(target=work, args=(n,)) for n in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    done = sorted(itertools.chain.from_iterable(latencies))
    return Result(
        requests=len(done),
        seconds=elapsed,
        rps=len(done) / elapsed,
        p50_ms=percentile(done, 0.50),
        p99_ms=percentile(done, 0.99),
        error_kinds=dict(sum(errors, Counter())),
    )


# --- The table ------------------------------------------------------------------------


@dataclass
class Row:
    scenario: str
    run: str
    result: Result | None  # None: not run (its URL did not answer 200)
    queries: int | None = None
    limit_share: float | None = None
    vs_stock: float | None = None
    at_least: bool = False  # vs_stock is a lower bound
    note: str = ""


def errors_cell(row: Row) -> str:
    """The Errors column: how many, of which kinds, and the row's note (e.g. where the
    server's log of the run was kept)."""
    r = row.result
    if r is None:
        return "not run" + (f" ({row.note})" if row.note else "")
    details = "; ".join(part for part in (r.errors_described(), row.note) if part)
    return f"{r.errors:,}" + (f" ({details})" if details else "")


def compare(rows: list[Row], scenarios: list[Scenario]) -> None:
    """Fills in each row's share of the limit (the best of the limit's runs) and its ratio
    to the matching stock row. When no stock request finished within the run, the stock
    rate is below 1 per run: the ratio is then a lower bound."""
    by_name = {scenario.name: scenario for scenario in scenarios}
    found = {(row.scenario, row.run): row.result for row in rows if row.result}
    limit = max(
        (row.result.rps for row in rows if row.result and by_name[row.scenario].server == "limit"),
        default=0.0,
    )
    for row in rows:
        if row.result is None:
            continue
        if limit:
            row.limit_share = row.result.rps / limit
        stock_name = by_name[row.scenario].stock
        stock = found.get((stock_name, row.run)) if stock_name else None
        if stock and stock.requests:
            row.vs_stock = row.result.rps / stock.rps
        elif stock and stock.seconds:
            row.vs_stock, row.at_least = row.result.rps * stock.seconds, True


def _number(value: float, digits: int = 1) -> str:
    if value is None or math.isnan(value):
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def results_table(rows: list[Row]) -> str:
    lines = [
        "| Scenario | Run | Requests | req/s | p50 ms | p99 ms | Share of the limit | × stock "
        "| SQL queries | Errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        r = row.result
        cells = [
            row.scenario.replace("|", "\\|"),
            row.run,
            f"{r.requests:,}" if r else "—",
            _number(r.rps) if r else "—",
            _number(r.p50_ms) if r else "—",
            _number(r.p99_ms) if r else "—",
            f"{row.limit_share:.1%}" if row.limit_share is not None else "—",
            ("> " if row.at_least else "") + f"{row.vs_stock:,.1f}×"
            if row.vs_stock is not None
            else "—",
            str(row.queries) if row.queries is not None else "—",
            errors_cell(row),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets_table(rows: list[Row], exports: list[Export]) -> str:
    """The performance issue's targets, each against the rows that measure it."""
    found = {(row.scenario, row.run): row for row in rows if row.result}

    def pick(test: Callable[[str], bool], run: str) -> list[Row]:
        return [row for (name, r), row in found.items() if r == run and test(name)]

    def share(rows_: list[Row]) -> list[str]:
        return [f"{row.scenario}: {row.limit_share:.1%}" for row in rows_]

    def stock(rows_: list[Row]) -> list[str]:
        return [
            f"{row.scenario}: {'> ' if row.at_least else ''}{row.vs_stock:,.0f}×"
            for row in rows_
            if row.vs_stock is not None
        ]

    cached = pick(
        lambda n: n in ("List, page 1", "Statement page") or n.startswith("Person"), "warm"
    )
    listed = pick(lambda n: n.startswith("List,"), "cold")
    slower = pick(lambda n: n.startswith("Person") or ("medium" in n and "ranked" in n), "cold")
    page_1 = pick(lambda n: n == "List, page 1", "cold")
    deep = pick(lambda n: n.startswith("List, half-way") or n.startswith("Search,"), "cold")
    ours = [row for row in rows if row.result and not row.scenario.startswith(("Stock", "Limit"))]
    checks = [
        (
            "Cached pages ≥ 60% of the limit",
            share(cached),
            all(r.limit_share >= 0.6 for r in cached),
        ),
        (
            "Uncached list, any filter, deep ≥ 10%",
            share(listed),
            all(r.limit_share >= 0.1 for r in listed),
        ),
        (
            "Uncached person page, ranked medium search ≥ 5%",
            share(slower),
            all(r.limit_share >= 0.05 for r in slower),
        ),
        (
            "Uncached page 1 ≥ 20× stock",
            stock(page_1),
            all((r.vs_stock or 0) >= 20 for r in page_1),
        ),
        (
            "Uncached deep pages and search ≥ 500× stock",
            stock(deep),
            all((r.vs_stock or 0) >= 500 for r in deep if r.vs_stock is not None),
        ),
        (
            "At most 8 SQL queries per page",
            [f"most: {max((r.queries or 0) for r in ours)}"] if ours else [],
            all((r.queries or 0) <= 8 for r in ours),
        ),
    ]
    if len(exports) == 2:
        small, full = exports
        ratio = full.peak_rss_mb / small.peak_rss_mb if small.peak_rss_mb else math.inf
        checks.append(
            (
                "Full CSV export completes; peak RSS at all rows ≤ 1.2× at 10k",
                [
                    f"{full.rows:,} rows in {full.seconds:,.1f} s, "
                    + ("complete" if full.complete else "**not complete**")
                    + f", {full.worker_timeouts} worker timeouts; RSS ratio {ratio:.2f}"
                ],
                full.complete and full.worker_timeouts == 0 and ratio <= 1.2,
            )
        )
    lines = ["| Target | Measured | Met |", "|---|---|---|"]
    for name, measured, met in checks:
        lines.append(f"| {name} | {'; '.join(measured) or '—'} | {'yes' if met else '**no**'} |")
    return "\n".join(lines)


@dataclass
class Export:
    selection: str
    rows: int
    megabytes: float
    seconds: float
    peak_rss_mb: float
    complete: bool  # ended with the end marker, which counts its rows
    worker_timeouts: int  # logged by gunicorn while it ran
    queries: int | None = None


def export_table(exports: list[Export], idle_rss_mb: float, timeout: int | None) -> str:
    lines = [
        "| Selection | Rows | MB | Seconds | rows/s | Worker peak RSS MB | Complete "
        "| Worker timeouts | SQL queries |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for e in exports:
        lines.append(
            f"| {e.selection} | {e.rows:,} | {e.megabytes:,.1f} | {e.seconds:,.1f} "
            f"| {e.rows / e.seconds if e.seconds else 0:,.0f} | {e.peak_rss_mb:,.0f} "
            f"| {'yes' if e.complete else '**no**'} | {e.worker_timeouts} "
            f"| {e.queries if e.queries is not None else '—'} |"
        )
    setting = (
        f"{timeout} s, set for this run" if timeout else f"{PRODUCTION_TIMEOUT} s, as production"
    )
    note = (
        f"\nIdle worker RSS before the exports: {idle_rss_mb:,.0f} MB. Complete: the download "
        "ended with the end marker (`# end of export: N statements`) and N is its number of "
        f"rows. gunicorn's worker timeout: {setting}; worker timeouts: those its log shows "
        "while the download ran (a gthread worker streams for as long as the download takes)."
    )
    return "\n".join(lines) + "\n" + note


# --- Machine --------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = re.findall(r"^model name\s*:\s*(.+)$", cpu, re.M)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    kib = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    model = models[0] if models else platform.processor() or "?"
    return {
        "cpu": f"{model} × {len(models) or os.cpu_count()}",
        "ram": f"{int(kib.group(1)) / 1024**2:.1f} GiB" if kib else "?",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load": " ".join(load),
    }


# --- The run --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str, timeout: int = 3600, quiet: bool = True) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if quiet else None,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + (result.stderr or ""))
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return result.stdout


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    parsed = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"a server exited while starting: see {WORK.name}/*.log")
        try:
            if get_status(parsed.hostname, parsed.port, parsed.path) == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"no answer from {url} within {timeout:.0f} s")


def get_status(host: str, port: int, path: str) -> int:
    connection = http.client.HTTPConnection(host, port, timeout=120)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


PRODUCTION_TIMEOUT = 30  # tracker/gunicorn_conf.py, without GUNICORN_TIMEOUT


def server_log_size(server: str) -> int:
    """How many bytes the gunicorn of ``server`` has logged so far."""
    try:
        return (WORK / f"{server}.log").stat().st_size
    except OSError:
        return 0


def keep_server_log(server: str, since: int, name: str) -> str:
    """What the gunicorn of ``server`` logged from byte ``since`` on (a run's errors, with
    their tracebacks), kept as ``name`` beside the servers' logs, which the runs after it
    go on writing. Returns where, from the project's root."""
    kept = WORK / name
    with (WORK / f"{server}.log").open("rb") as log_file:
        log_file.seek(since)
        kept.write_bytes(log_file.read())
    return os.path.relpath(kept, ROOT)


def worker_timeouts_logged(server: str) -> int:
    """How many times the gunicorn of ``server`` has logged a worker timeout so far."""
    try:
        return (WORK / f"{server}.log").read_bytes().count(b"WORKER TIMEOUT")
    except OSError:
        return 0


def timed_download(base: str, path: str, master: int) -> tuple[int, int, float, float, bool]:
    """(rows, bytes, seconds, peak worker RSS in MB, complete) for one streamed CSV
    download: its data rows (not the header or the end marker), and whether it ended with
    an end marker that counts them."""
    parsed = urllib.parse.urlsplit(base)
    peak = [0.0]
    running = threading.Event()
    running.set()

    def sample() -> None:
        while running.is_set():
            peak[0] = max([peak[0], *(rss_mb(pid) for pid in worker_pids(master))])
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=900)
    lines = size = 0
    tail = b""
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        while chunk := response.read(1 << 16):
            size += len(chunk)
            lines += chunk.count(b"\n")
            tail = (tail + chunk)[-200:]
    finally:
        connection.close()
        seconds = time.monotonic() - started
        running.clear()
        sampler.join()
    rows, complete = csv_rows(lines, tail)
    return rows, size, seconds, peak[0], complete


def csv_rows(lines: int, tail: bytes) -> tuple[int, bool]:
    """A CSV download's data rows, from its number of lines (less the header and the end
    marker) and its last bytes, and whether it ended with an end marker that counts them."""
    from statements.public.bulk import CSV_END  # the exports' end marker (Django is set up)

    marker = CSV_END.search(tail)
    rows = max(lines - 1 - (1 if marker else 0), 0)
    return rows, bool(marker) and int(marker.group(1)) == rows


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

    def targets(self) -> Targets:
        from django.db import connection
        from django.db.models import Count

        from statements.management.commands._vocabulary import NOUNS
        from statements.models import Person, Race, Statement, Topic
        from statements.paging import PAGE_SIZE, Cursor
        from statements.search import matching

        published = Statement.objects.published()
        total = published.count()
        rng = random.Random(1)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT min(said_on), max(said_on) FROM statements_statement WHERE state = %s",
                ["published"],
            )
            first, last = cursor.fetchone()
        days = (last - first).days
        # Distinct days, as many as there are (up to COLD_URLS): page 1 "up to a day" is a
        # different page for each day.
        dates = sorted(
            (first + datetime.timedelta(days=offset)).isoformat()
            for offset in rng.sample(range(days + 1), min(days + 1, COLD_URLS))
        )
        middle = published.order_by("-said_on", "id").values_list("said_on", "pk")
        lo, hi = int(total * 0.45), max(int(total * 0.55), int(total * 0.45) + 1)
        # One query for the rows from 45% to 55% of the way down, then a sample of them;
        # the exact half-way row first (the warm URL).
        band = list(middle[lo:hi])
        half = band[min(total // 2 - lo, len(band) - 1)]
        cursors = [Cursor(*half).encode()]
        cursors += [Cursor(*row).encode() for row in rng.sample(band, min(COLD_URLS, len(band)))]
        pages = [total // 2 // PAGE_SIZE + 1]
        pages += [rng.randrange(lo // PAGE_SIZE + 1, hi // PAGE_SIZE + 2) for _ in range(COLD_URLS)]
        topics = list(Topic.objects.published().order_by("slug").values_list("slug", flat=True))
        parents = sorted(
            Topic.objects.published()
            .filter(children__isnull=False)
            .values_list("slug", flat=True)
            .distinct(),
            key=lambda slug: (slug != "immigration", slug),
        )
        speakers = list(
            Person.objects.published()
            .annotate(n=Count("statements"))
            .order_by("-n", "slug")
            .values_list("slug", flat=True)[:50]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM statements_statement TABLESAMPLE SYSTEM (%s) "
                "WHERE state = 'published' LIMIT %s",
                [min(100.0, 100.0 * 4 * COLD_URLS / max(total, 1)), COLD_URLS],
            )
            ids = [row[0] for row in cursor.fetchall()]
        rng.shuffle(ids)
        races = list(Race.objects.published().order_by("slug").values_list("slug", flat=True))
        words = {}
        for level, word in (("rare", NOUNS[-1]), ("medium", NOUNS[19]), ("common", NOUNS[0])):
            words[level] = (word, matching(published, word).count())
        tenth = middle[min(10_000, total - 1)][0]
        return Targets(
            total=total,
            dates=dates,
            half_way_cursors=cursors,
            half_way_pages=pages,
            parent_topics=parents,
            topics=topics,
            speakers=speakers,
            statements=ids,
            races=races,
            words=words,
            export_after=tenth.isoformat(),
        )

    def count_queries(self, scenario: Scenario) -> dict[str, int | None]:
        """SQL queries of one request, rendered (as a cold run's requests are) and then
        from the page cache (as a warm run's are, after its first request)."""
        from django.db import connection
        from django.test import Client, override_settings
        from django.test.utils import CaptureQueriesContext

        from statements.caching import generation

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
            generation.bump()  # ...but no page in the cache
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
        targets = self.targets()
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
        FEW_THREADS threads per worker instead of production's 8 (see ``report``)."""
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
        import django
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0]
        import gunicorn

        after = machine()
        args = self.args
        wrk = ""
        if driver_name == "wrk":
            version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
            wrk = (version.stdout + version.stderr).split("\n")[0].split(" [")[0]
        driver = f"{wrk}, {args.threads} threads" if driver_name == "wrk" else "the Python driver"
        words = ", ".join(
            f"{level} “{word}” in {n:,} statements ({n / targets.total:.2%})"
            for level, (word, n) in targets.words.items()
        )
        lines = [
            "# Benchmark results",
            "",
            f"`make bench` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
            f"{targets.total:,} published statements.",
            "",
            f"- Machine: {after['cpu']}, {after['ram']} RAM, {after['os']}. Load average "
            f"(1, 5, 15 min) at the start {before['load']}, at the end {after['load']}.",
            f"- Software: Python {after['python']}, Django {django.get_version()}, "
            f"PostgreSQL {postgres}, gunicorn {gunicorn.__version__} (2 gthread workers of "
            "8 threads per server, tracker/gunicorn_conf.py), DEBUG off; page cache: "
            f"{self.cache_name}.",
            f"- Driver: {driver}, {args.connections} connections, {args.seconds} s per run; "
            f"every request sends Accept-Encoding: {ACCEPT_ENCODING}, as browsers do.",
            "- Warm: one URL, repeated: after its first request the anonymous page cache "
            "answers it (cached). Cold: a different meaningful URL per request (random "
            f"dates, cursors, ids, filter values; up to {COLD_URLS:,} distinct URLs, shared "
            "out between the driver's threads and taken in turn, then again with round=N "
            "added so that no address repeats): rendered every time (uncached). A page asked "
            "again with round=N may find its cards in the worker's fragment cache, and a "
            "person's or topic's chart in the shared cache, as any page does that shows what "
            "was drawn since the last write: both are kept per content generation, so after "
            "a write they are drawn afresh. In the table of all runs, each scenario begins as "
            "after a write (counting its queries, done once per scenario, moves the "
            "generation on), so its cold run draws them afresh as it goes: for a person's or "
            "topic's page, every chart it asks for.",
            "- Share of the limit: req/s ÷ req/s of the bare view behind Django's default "
            "middleware (benchmarks/bare_settings.py, its own gunicorn), the better of its "
            "two runs (first and last). × stock: req/s ÷ req/s of /_bench/stock/ "
            "(django-filter FilterView, Paginator COUNT + OFFSET, icontains) in the same "
            "scenario, cold with cold, warm with warm; “> n×” when no stock request finished "
            "within the run.",
            "- Requests: those that finished within the run; where there are few, the "
            "percentiles are rough.",
            "- SQL queries: per request, counted once per scenario in-process (Django's "
            "test Client, same database, the warm URL): rendered for cold rows, from the "
            "page cache for warm rows.",
            f"- Search words, from the generator's Zipf vocabulary: {words}.",
            "- Errors: socket errors, timeouts and non-2xx/3xx answers during the run, by "
            "kind; for a row with any, what its server logged meanwhile is kept, and the row "
            "says where.",
        ]
        if args.note:
            lines.append(f"- {args.note}")
        lines += ["", "## Targets", "", targets_table(rows, exports), ""]
        lines += ["## All runs", "", results_table(rows), ""]
        if few_threads:
            lines += [
                f"## With {FEW_THREADS} threads per worker",
                "",
                f"Both servers again with GUNICORN_THREADS={FEW_THREADS} instead of "
                "production's 8 (threads are what lets a worker wait on slow clients and "
                "stream exports: tracker/gunicorn_conf.py), for the limit and a few rows. "
                "The targets above are measured as production is configured; this shows how "
                "much that choice moves the limit and the pages on this machine. The share "
                "of the limit here is against this table's limit.",
                "",
                results_table(few_threads),
                "",
            ]
        if exports:
            lines += ["## CSV export", "", export_table(exports, idle, args.timeout), ""]
        return "\n".join(lines)


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
