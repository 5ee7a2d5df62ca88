"""Benchmark the public pages at scale and report ratios, not absolute times.

    DATABASE_URL=postgres://…/tracker_bench .venv/bin/python benchmarks/run.py --count 1000000

It migrates the database named by DATABASE_URL, loads the demo article, tops the
statements up to --count with generate_statements, runs ANALYZE, then requests each
scenario in-process (Django's test client: no network, no server) and prints the median
time and its ratio to the first page of /statements/. "Stays fast at any depth" means a
deep page's ratio stays near 1 however large --count is; absolute times depend on the
machine, ratios much less. Never point it at a production database.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from statements.models import Statement  # noqa: E402
from statements.paging import Cursor  # noqa: E402


def prepare(count: int) -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    missing = count - Statement.objects.count()
    if missing > 0:
        print(f"generating {missing:,} statements…", flush=True)
        call_command("generate_statements", count=missing, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def deep_cursor() -> str:
    """A cursor 20 rows from the oldest end: the deepest page a reader can reach."""
    row = Statement.objects.published().order_by("said_on", "id")[20]
    return Cursor(row.said_on, row.pk).encode()


def measure(client: Client, path: str, repeats: int) -> tuple[float, int]:
    client.get(path)  # warm caches, as a busy server would have them
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return statistics.median(timings) * 1000, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    prepare(args.count)
    total = Statement.objects.count()
    scenarios = [
        ("health check (floor)", "/healthz"),
        ("/statements/ page 1", "/statements/"),
        ("/statements/ page 2 (numbered)", "/statements/?page=2"),
        ("/statements/ deepest page (cursor)", f"/statements/?cursor={deep_cursor()}"),
        ("/statements/ oldest first", "/statements/?ordering=said_on"),
        ("topic filter (with narrower)", "/statements/?topic=immigration"),
        ("speaker + kind filter", "/statements/?speaker=jon-ossoff&kind=direct"),
        ("search, a word in a few % of rows", "/statements/?q=misguided"),
        ("search, common word, ranked", "/statements/?q=immigration"),
        ("search, common word, by date", "/statements/?q=immigration&ordering=-said_on"),
        ("search, phrase", "/statements/?q=%22bonds+of+trust%22"),
        ("API statements page 1", "/api/v1/statements/"),
        ("home", "/"),
        ("person page", "/people/jon-ossoff/"),
        ("topic page", "/topics/immigration/"),
    ]
    client = Client()
    print(f"\n{connection.vendor}, {total:,} statements, median of {args.repeats}\n")
    print(f"{'scenario':40} {'ms':>9} {'queries':>8} {'× page 1':>9}")
    base = None
    for name, path in scenarios:
        ms, queries = measure(client, path, args.repeats)
        if path == "/statements/":
            base = ms
        ratio = f"{ms / base:9.2f}" if base else f"{'':9}"
        print(f"{name:40} {ms:9.1f} {queries:8d} {ratio}", flush=True)


if __name__ == "__main__":
    main()
