#!/usr/bin/env python3
"""`make loadtest`: serve the site as production does, on loopback, and measure it.

1. Prepares a separate database: LOADTEST_DATABASE_URL, PostgreSQL as in production
   (CI gives it one), or else a SQLite file in .loadtest/. Migrates it, loads the demo,
   and, once, generates --statements statements. The page cache is a directory of its own.
2. Collects static files and starts gunicorn (DEBUG off, tracker/gunicorn_conf.py) on
   127.0.0.1 at a free port (or LOADTEST_PORT); its log goes to .loadtest/server.log.
3. Runs locust headless (loadtest/locustfile.py) with --users closed-loop clients for
   --seconds seconds, then stops the server.
4. Prints requests/s, median, p95, p99 and the errors, per path, for repeated addresses
   (cached) and new ones (uncached), and overall, and exits
   non-zero if any request failed (connection error, 4xx or 5xx) or none was made.

Only 127.0.0.1 is ever contacted, and every step is bounded in time.
"""

import argparse
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".loadtest"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"

PICK_TARGETS = """
import json
from statements.models import Person, Statement, Topic
statements = list(Statement.objects.published().order_by("?").values_list("pk", flat=True)[:200])
people = list(
    Person.objects.published().filter(statements__isnull=False).distinct()
    .order_by("?").values_list("slug", flat=True)[:50]
)
topics = list(Topic.objects.published().values_list("slug", flat=True))
with open(TARGETS, "w") as f:
    json.dump({"statement": statements, "person": people, "topic": topics}, f)
"""


def log(message: str) -> None:
    print(f"[loadtest] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return result.stdout


def prepare_database(env: dict, statements: int) -> None:
    log(f"database: {env['DATABASE_URL']}")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_demo")
    count_file = WORK / "count.json"
    manage(
        env,
        "shell",
        "-c",
        "import json; from statements.models import Statement; "
        f"open({str(count_file)!r}, 'w').write(json.dumps(Statement.objects.count()))",
    )
    have = json.loads(count_file.read_text())
    if have < statements:
        log(f"generating {statements} statements (the database has {have}; done once)")
        log(
            manage(
                env, "generate_statements", "--i-know", "--count", str(statements), timeout=1800
            ).strip()
        )
    else:
        log(f"the database already has {have} statements")


def pick_targets(env: dict) -> Path:
    targets = WORK / "targets.json"
    manage(env, "shell", "-c", f"TARGETS = {str(targets)!r}\n" + PICK_TARGETS)
    return targets


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited while starting: see .loadtest/server.log")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} within {timeout:.0f} s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def grouped(times_ms: dict) -> dict[str, list[str]]:
    """Repeated addresses (served from the page cache after their first request) and
    addresses new to every request (rendered each time): see PATHS in locustfile.py."""
    fresh = [name for name in times_ms if "{day}" in name or "{word}" in name]
    return {
        "CACHED (repeated addresses)": [name for name in times_ms if name not in fresh],
        "UNCACHED (new addresses)": fresh,
    }


def report(results: dict, seconds: int, users: int) -> tuple[int, int, int]:
    elapsed = results["elapsed_seconds"]
    times_ms = results["times_ms"]
    rows = {name: sorted(times) for name, times in sorted(times_ms.items())}
    failures = results["failures"]
    for group, names in grouped(times_ms).items():
        rows[group] = sorted(t for name in names for t in times_ms[name])
        failures[group] = sum(failures.get(name, 0) for name in names)
    rows["TOTAL"] = sorted(t for times in times_ms.values() for t in times)
    failures["TOTAL"] = sum(n for name, n in failures.items() if name in times_ms)

    print()
    print(
        f"{'path':<46} {'requests':>9} {'errors':>7} {'req/s':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    )
    for name, times in rows.items():
        print(
            f"{name:<46} {len(times):>9} {failures.get(name, 0):>7} "
            f"{len(times) / elapsed:>8.1f} {percentile(times, 0.50):>8.1f} "
            f"{percentile(times, 0.95):>8.1f} {percentile(times, 0.99):>8.1f}"
        )
    total = rows["TOTAL"]
    codes = results["status_codes"]
    server_errors = sum(n for code, n in codes.items() if code.startswith("5"))
    print()
    print(
        f"RESULT users={users} seconds={seconds} requests={len(total)} "
        f"rps={len(total) / elapsed:.1f} p50_ms={percentile(total, 0.50):.1f} "
        f"p95_ms={percentile(total, 0.95):.1f} p99_ms={percentile(total, 0.99):.1f} "
        f"errors={failures['TOTAL']} http_5xx={server_errors} "
        f"status_codes={json.dumps(codes, sort_keys=True)}"
    )
    return len(total), failures["TOTAL"], server_errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOADTEST_USERS", 32)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOADTEST_SECONDS", 60)))
    parser.add_argument(
        "--statements",
        type=int,
        default=int(os.environ.get("LOADTEST_STATEMENTS", 50_000)),
        help="generated statements the database should hold",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOADTEST_PORT", 0)))
    args = parser.parse_args()
    if args.users < 1 or not 1 <= args.seconds <= 3600:
        parser.error("--users must be at least 1 and --seconds between 1 and 3600")

    WORK.mkdir(exist_ok=True)
    port = args.port or free_port()
    base = f"http://{HOST}:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("LOADTEST_DATABASE_URL")
        or f"sqlite:///{WORK / 'loadtest.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),  # for this run only
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(WORK / "static"),
        "CACHE_DIR": str(WORK / "cache"),
        "GUNICORN_BIND": f"{HOST}:{port}",
    }
    shutil.rmtree(WORK / "cache", ignore_errors=True)
    prepare_database(env, args.statements)
    manage(env, "collectstatic", "--noinput", "-v", "0")
    targets = pick_targets(env)

    server_log = open(WORK / "server.log", "w")
    log(f"starting gunicorn on {base} (log: .loadtest/server.log)")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "tracker/gunicorn_conf.py"],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_up(f"{base}/healthz", server)
        results_file = WORK / "results.json"
        results_file.unlink(missing_ok=True)
        locust_log = WORK / "locust.log"
        log(f"{args.users} clients for {args.seconds} s against {base}")
        result = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.users),
                "--run-time",
                f"{args.seconds}s",
                "--stop-timeout",
                "10",
                "--host",
                base,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "LOADTEST_TARGETS": str(targets),
                "LOADTEST_RESULTS_FILE": str(results_file),
            },
            stdout=locust_log.open("w"),
            stderr=subprocess.STDOUT,
            timeout=args.seconds + 120,
        )
        if server.poll() is not None:
            log("the server died during the run: see .loadtest/server.log")
            return 1
    finally:
        stop(server)
        server_log.close()

    if not results_file.exists():
        log(f"locust wrote no results (exit code {result.returncode}): see .loadtest/locust.log")
        return 1
    results = json.loads(results_file.read_text())
    requests, failures, server_errors = report(results, args.seconds, args.users)
    if requests == 0 or failures or server_errors or result.returncode not in (0, 1):
        log("FAILED: every request must succeed (details: .loadtest/locust.log)")
        return 1
    log("passed: no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
