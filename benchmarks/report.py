"""The results: each run's row against the limit and the stock approach, the targets
table, the exports' table, the machine, and the whole of benchmarks/RESULTS.md."""

from __future__ import annotations

import datetime
import math
import os
import platform
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.drivers import ACCEPT_ENCODING, Result
from benchmarks.processes import PRODUCTION_TIMEOUT
from benchmarks.scenarios import Scenario
from benchmarks.targets import COLD_URLS

# Run again on servers with this many threads per worker instead of production's 8:
# the limit and the scenarios named so (see ``document``).
FEW_THREADS = 2
FEW_THREADS_SCENARIOS = ("List, page 1", "List, topic with narrower")


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


def document(
    rows, few_threads, exports, idle, targets, driver_name, before, *, args, cache_name
) -> str:
    """benchmarks/RESULTS.md: how the run was made, the targets, every run's row."""
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    import gunicorn

    after = machine()
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
        f"PostgreSQL {postgres} (shared_buffers {shared_buffers}), gunicorn "
        f"{gunicorn.__version__} (2 gthread workers of 8 threads per server, "
        "tracker/gunicorn_conf.py), DEBUG off; page cache: "
        f"{cache_name}.",
        f"- Driver: {driver}, {args.connections} connections, {args.seconds} s per run; "
        f"every request sends Accept-Encoding: {ACCEPT_ENCODING}, as browsers do.",
        "- Warm: one URL, repeated: after its first request the anonymous page cache "
        "answers it (cached). Cold: a different meaningful URL per request (random "
        f"dates, cursors, ids, filter values; up to {COLD_URLS:,} distinct URLs, shared "
        "out between the driver's threads and taken in turn, then again with round=N "
        "added so that no address repeats): rendered every time (uncached). A page asked "
        "again with round=N may find its cards in the worker's fragment cache, and a "
        "person's or topic's chart in the shared cache, as any page does that shows what "
        "was drawn since the last write that changed it: a card is kept under its "
        "statement's version and a stamp of every card's (statements/caching/"
        "card_versions.py), so after a write that changes it; a person's chart and a "
        "topic's are kept under stamps of their own (statements/caching/charts.py), so "
        "after a write that changes them, and so are the statements of a person's that "
        "their page last read, in the worker's memory. In the table of all runs, each "
        "scenario begins as after a write that changes every card, as renaming a person "
        "would (counting its queries, done once per scenario, moves the stamps on), so "
        "its cold run draws cards afresh as it goes; the rows “again after a write to one "
        "statement” follow their first row at its addresses, after a write that changes "
        "no card they show, so they find the cards that run drew, in the memory of the "
        "worker that drew them (one of two). The "
        "first person row's write changes every chart (as unpublishing a source would), "
        "so that run draws every chart and reads every person's statements it asks for; "
        "the second row follows it, with those drawn and read, after a write to the most "
        "prolific speaker's statements, which changes that one person's chart. The two "
        "topic rows are the same: after a write that changes every chart, then after a "
        "write to statements on one topic, which changes that topic's chart (and those "
        "of the topics above it).",
        "- Share of the limit: req/s ÷ req/s of the bare view behind Django's default "
        "middleware (benchmarks/bare_settings.py, its own gunicorn), the better of its "
        "two runs (first and last). × stock: req/s ÷ req/s of /_bench/stock/ "
        "(django-filter FilterView, Paginator COUNT + OFFSET, icontains) in the same "
        "scenario, cold with cold, warm with warm; “> n×” when no stock request finished "
        "within the run.",
        "- Requests: those that finished within the run; where there are few, the "
        "percentiles are rough. Each run starts once the database runs no query left "
        "from the run before (a stock request goes on after the driver stops).",
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
