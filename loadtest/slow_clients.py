#!/usr/bin/env python3
"""Slow clients against a server on loopback, and how long a normal page takes meanwhile.

    python loadtest/slow_clients.py --base http://127.0.0.1:8000 [--slowloris 20]
        [--readers 5] [--rate 65536] [--seconds 20]

Two kinds of hostile (or merely slow) clients, each on its own thread:

- slowloris: sends the start of a request, then one header line every --interval
  seconds, never the blank line that ends the headers; when the server drops it, it
  connects again at once;
- slow reader: asks for --export-path (by default /statements/export.csv) and reads the
  body at --rate bytes per second, a few KB at a time, with a small receive buffer so the
  kernel cannot read ahead for it; when the body ends, it asks again.

Meanwhile a prober asks for /healthz and /statements/ in turn and prints how long each
took. Every request goes to the host and port of --base, which must be a loopback
address. tests/test_slow_clients.py uses the same functions.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import socket
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

PARTIAL_REQUEST = "GET /healthz HTTP/1.1\r\nHost: {host}\r\nUser-Agent: slowloris\r\n"


@dataclass
class Tally:
    """What the slow clients saw, for the report."""

    connects: int = 0
    dropped: int = 0  # connections the server closed (or refused to open)
    bytes_read: int = 0
    bodies: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


def _connect(host: str, port: int, timeout: float, rcvbuf: int | None = None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(timeout)
    sock.connect((host, port))
    return sock


def hold_headers(
    host: str, port: int, stop: threading.Event, tally: Tally, interval: float = 1.0
) -> None:
    """Hold a connection with a request whose headers never end, until `stop` is set."""
    line = 0
    while not stop.is_set():
        try:
            sock = _connect(host, port, timeout=5)
        except OSError:
            tally.add(dropped=1)
            stop.wait(0.2)
            continue
        tally.add(connects=1)
        try:
            sock.sendall(PARTIAL_REQUEST.format(host=host).encode())
            while not stop.wait(interval):
                line += 1
                sock.sendall(f"X-Slow-{line}: {line}\r\n".encode())
                # A server that gave up on us has closed the socket: notice it.
                sock.setblocking(False)
                try:
                    if sock.recv(4096) == b"":
                        raise ConnectionResetError
                except BlockingIOError:
                    pass
                finally:
                    sock.setblocking(True)
                    sock.settimeout(5)
        except OSError:
            tally.add(dropped=1)
        finally:
            sock.close()


def read_slowly(
    host: str,
    port: int,
    path: str,
    stop: threading.Event,
    tally: Tally,
    rate: int = 64 * 1024,
    piece: int = 4096,
    again: bool = True,
) -> None:
    """Download `path` at about `rate` bytes per second, again and again, until `stop`."""
    pause = piece / rate
    while not stop.is_set():
        try:
            sock = _connect(host, port, timeout=30, rcvbuf=piece * 2)
        except OSError:
            tally.add(dropped=1)
            stop.wait(0.2)
            continue
        tally.add(connects=1)
        try:
            sock.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
            )
            while not stop.is_set():
                data = sock.recv(piece)
                if not data:
                    tally.add(bodies=1)
                    break
                tally.add(bytes_read=len(data))
                stop.wait(pause)
        except OSError:
            tally.add(dropped=1)
        finally:
            sock.close()
        if not again:
            return


def timed_get(host: str, port: int, path: str, timeout: float = 30.0) -> tuple[float, int]:
    """Seconds one GET took (connect to end of body) and its status; status 0 on error."""
    began = time.monotonic()
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        connection.close()
    return time.monotonic() - began, status


class SlowClients:
    """Start `slowloris` and `readers` slow clients on threads; stop them on exit."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        slowloris: int = 20,
        readers: int = 5,
        interval: float = 1.0,
        rate: int = 64 * 1024,
        export_path: str = "/statements/export.csv",
        again: bool = True,
    ):
        self.stop = threading.Event()
        self.loris = Tally()
        self.reading = Tally()
        self.threads = [
            threading.Thread(
                target=hold_headers,
                args=(host, port, self.stop, self.loris, interval),
                daemon=True,
            )
            for _ in range(slowloris)
        ] + [
            threading.Thread(
                target=read_slowly,
                args=(host, port, export_path, self.stop, self.reading, rate, 4096, again),
                daemon=True,
            )
            for _ in range(readers)
        ]

    def __enter__(self) -> SlowClients:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)


def probe(
    host: str, port: int, seconds: float, paths=("/healthz", "/statements/"), timeout=30.0
) -> list[tuple[str, float, int]]:
    """Ask for each path in turn for `seconds`: (path, seconds taken, status) per request."""
    results = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in paths:
            took, status = timed_get(host, port, path, timeout=timeout)
            results.append((path, took, status))
        time.sleep(0.25)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--slowloris", type=int, default=20)
    parser.add_argument("--readers", type=int, default=5)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between lines")
    parser.add_argument("--rate", type=int, default=64 * 1024, help="bytes/s per reader")
    parser.add_argument("--export-path", default="/statements/export.csv")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before probing")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of probing")
    args = parser.parse_args()
    url = urlsplit(args.base)
    host, port = url.hostname or "", url.port or 80
    if not ipaddress.ip_address(socket.gethostbyname(host)).is_loopback:
        parser.error("--base must be a loopback address")

    with SlowClients(
        host,
        port,
        slowloris=args.slowloris,
        readers=args.readers,
        interval=args.interval,
        rate=args.rate,
        export_path=args.export_path,
    ) as clients:
        time.sleep(args.warmup)
        results = probe(host, port, args.seconds)
    for path in sorted({path for path, _, _ in results}):
        times = [took for p, took, _ in results if p == path]
        failed = sum(1 for p, _, status in results if p == path and status != 200)
        print(
            f"{path:<14} requests={len(times)} failed={failed} "
            f"median_s={statistics.median(times):.3f} max_s={max(times):.3f}"
        )
    print(f"slowloris: {clients.loris}")
    print(f"readers:   {clients.reading}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
