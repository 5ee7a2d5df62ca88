"""The processes the benchmark runs and watches: manage.py commands, the servers
(started, awaited, stopped, their logs read) and the timed CSV downloads with the workers'
memory sampled from /proc."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from benchmarks.places import HOST, ROOT, WORK


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
