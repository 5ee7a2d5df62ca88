"""Slow clients against the server as production runs it, on loopback ports.

Each test starts real servers: gunicorn with tracker/gunicorn_conf.py (gthread), alone or
behind nginx through deploy/serve.py, the code path of `make serve-nginx`. They share one
SQLite database file, migrated, with the demo and 1,000 generated statements (an export
of about half a megabyte), DEBUG off. The slow clients are those of
loadtest/slow_clients.py:

- behind nginx, 20 slowloris connections (one header line a second, never the end of
  the headers) and 5 clients reading the CSV export at 16 KB/s leave /healthz and
  /statements/ answering within a second, even with gunicorn cut down to 4 threads:
  nginx waits for the slow clients, and gunicorn has finished the exports while their
  readers are still reading;
- gunicorn alone keeps answering too, as long as the slow clients are fewer than its
  threads (WEB_CONCURRENCY x GUNICORN_THREADS); once they outnumber them it stops
  answering, which is why production puts nginx in front;
- a download that outlives gunicorn's worker timeout ends complete with gthread workers;
  with sync workers it is cut, and the client can tell (no end marker, or an incomplete
  chunked body), never a short body that looks whole;
- workers recycled after a few requests are replaced by forks of the warmed master,
  which serve pages at once.

Without nginx the tests that need it skip, saying why; in CI (CI=true) a missing nginx
is a failure: CI installs it. Marked `server`: `pytest -m server` runs only these.
"""

from __future__ import annotations

import http.client
import importlib.util
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
GENERATED = 1000
SLOWLORIS = 20
READERS = 5
READ_RATE = 16 * 1024  # bytes/s: a reader needs half a minute for the export
ROUNDS = 5  # of /healthz then /statements/, each answered within:
ANSWER_WITHIN = 1.0  # seconds

pytestmark = pytest.mark.server


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


slow_clients = load("slow_clients", ROOT / "loadtest" / "slow_clients.py")
serve = load("serve_nginx", ROOT / "deploy" / "serve.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for(condition, timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(interval)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 30) -> int:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    return process.returncode


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def nginx():
    """nginx's path; skip without it, but fail in CI, which installs it."""
    found = serve.find_nginx()
    if found is None:
        reason = "nginx is not installed (apt-get install -y nginx)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI runs the server tests: {reason}")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Environment for production-like servers: a migrated SQLite file with the demo and
    GENERATED statements, collected static files, DEBUG off. Returns (env, published)."""
    work = tmp_path_factory.mktemp("site")
    leave_out = {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "TRUSTED_PROXY_COUNT", "PORT"}
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in leave_out and not k.startswith(("GUNICORN_", "WEB_CONCURRENCY"))
        },
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(work / "static"),
        "GUNICORN_LOG_LEVEL": "warning",
        # A cache of its own; and these tests are about streams, so the export (half a
        # megabyte) must stream every time, not come back from the page cache.
        "CACHE_DIR": str(work / "cache"),
        "PAGE_CACHE_MAX_STREAMED_BYTES": "0",
        # Slow readers hold exports open on purpose here; the limit on streams per worker
        # has tests of its own (tests/test_exports.py).
        "EXPORT_STREAMS_PER_WORKER": "8",
    }
    for args in (
        ["migrate", "--noinput", "-v", "0"],
        ["load_demo"],
        ["generate_statements", "--count", str(GENERATED), "--seed", "7", "--i-know"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    counted = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from statements.models import Statement; print(Statement.objects.published().count())",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    published = int(counted.stdout.split()[-1])
    assert published > GENERATED
    return env, published


class Server:
    """A server started for a test: where it listens and what it logged."""

    def __init__(self, process: subprocess.Popen, log: Path, port: int | None = None):
        self.process, self.log, self.port = process, log, port

    def logged(self, pattern: str) -> int:
        return len(re.findall(pattern, self.log.read_text(errors="replace")))

    def finished_exports(self) -> int:
        """Exports gunicorn has written to the end (its access line comes after the body)."""
        return self.logged(r"gunicorn\.access .*path=/statements/export\.csv status=200")


def start_gunicorn(env: dict, work: Path, bind: str, *args: str, **extra_env: str) -> Server:
    log = work / "gunicorn.log"
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "tracker/gunicorn_conf.py", *args],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": bind, "GUNICORN_LOG_LEVEL": "info", **extra_env},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return Server(process, log)


def wait_until_up(server: Server, check, what: str) -> None:
    def up() -> bool:
        assert server.process.poll() is None, f"{what} exited:\n{server.log.read_text()}"
        return check()

    wait_for(up, 90, what)


@pytest.fixture
def gunicorn_alone(site, tmp_path):
    """Start gunicorn alone on a free loopback port; stopped after the test."""
    env, _ = site
    started = []

    def start(*args: str, **extra_env: str) -> Server:
        port = free_port()
        server = start_gunicorn(env, tmp_path, f"{HOST}:{port}", *args, **extra_env)
        server.port = port
        started.append(server)
        wait_until_up(server, lambda: answers(f"http://{HOST}:{port}/healthz"), "gunicorn")
        return server

    yield start
    for server in started:
        stop(server.process)


@pytest.fixture(scope="module")
def behind_nginx(nginx, site, tmp_path_factory):
    """deploy/serve.py, as `make serve-nginx` runs it: nginx on a free loopback port in
    front of gunicorn cut down to one worker of 4 threads. Stopped with SIGINT (Ctrl-C),
    which must stop both."""
    env, _ = site
    work = tmp_path_factory.mktemp("nginx")
    port = free_port()
    log = work / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "deploy/serve.py", "--port", str(port), "--runtime-dir", str(work)],
        cwd=ROOT,
        env={**env, "NGINX": nginx, "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4"},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(process, log, port)
    wait_until_up(server, lambda: server.logged(r"Ctrl-C stops both") == 1, "serve-nginx")
    yield server
    assert stop(process, signal.SIGINT, timeout=60) == 0, log.read_text()
    assert not (work / "nginx.pid").exists()
    with pytest.raises(OSError):
        socket.create_connection((HOST, port), timeout=2).close()
    assert "stopping nginx, then gunicorn" in log.read_text()


# --------------------------------------------------------------------------- slow clients


def still_answering(port: int, server: Server, *, readers: int = READERS) -> None:
    """With SLOWLORIS slowloris connections and `readers` slow export readers on `port`,
    /healthz and /statements/ each answer within ANSWER_WITHIN seconds, ROUNDS times."""
    before = server.finished_exports()
    with slow_clients.SlowClients(
        HOST, port, slowloris=SLOWLORIS, readers=readers, rate=READ_RATE, again=False
    ) as clients:
        wait_for(
            lambda: clients.loris.connects >= SLOWLORIS and clients.reading.connects >= readers,
            30,
            "the slow clients to connect",
        )
        # Every export generated (the costly part, for the processor), every slowloris a
        # header line or two in: from now on the slow clients only wait.
        wait_for(lambda: server.finished_exports() >= before + readers, 60, "the exports")
        time.sleep(2.5)
        results = []
        for _ in range(ROUNDS):
            for path in ("/healthz", "/statements/"):
                results.append((path, *slow_clients.timed_get(HOST, port, path, timeout=10)))
            time.sleep(0.2)
        assert clients.reading.bodies == 0, "a reader finished: the test is too slow to tell"
        assert clients.reading.bytes_read > 0
    slow = [(path, round(took, 3), status) for path, took, status in results]
    assert all(status == 200 and took < ANSWER_WITHIN for _, took, status in slow), slow


def test_nginx_in_front_keeps_answering_slow_clients(behind_nginx):
    healthz = r"gunicorn\.access .*path=/healthz "
    before = behind_nginx.logged(healthz)
    still_answering(behind_nginx.port, behind_nginx)
    # gunicorn saw the prober's requests and nothing of the slowloris' unfinished ones.
    assert behind_nginx.logged(healthz) == before + ROUNDS


def test_gunicorn_alone_keeps_answering_while_slow_clients_are_fewer_than_threads(
    gunicorn_alone,
):
    # 2 x 16 threads: room for the 25 slow clients and the prober.
    server = gunicorn_alone(WEB_CONCURRENCY="2", GUNICORN_THREADS="16")
    still_answering(server.port, server)


def test_gunicorn_alone_stops_answering_once_slow_clients_outnumber_its_threads(
    gunicorn_alone, behind_nginx
):
    """The limit nginx removes: 8 slowloris hold a gunicorn of 4 threads, not nginx."""
    server = gunicorn_alone(WEB_CONCURRENCY="1", GUNICORN_THREADS="4")
    with slow_clients.SlowClients(HOST, server.port, slowloris=8, readers=0):
        time.sleep(1.5)
        took, status = slow_clients.timed_get(HOST, server.port, "/healthz", timeout=3)
        assert status == 0 and took >= 2.9  # no answer at all
    with slow_clients.SlowClients(HOST, behind_nginx.port, slowloris=8, readers=0):
        time.sleep(1.5)
        took, status = slow_clients.timed_get(HOST, behind_nginx.port, "/healthz", timeout=3)
        assert status == 200 and took < ANSWER_WITHIN


def test_recycled_workers_come_from_the_warmed_master_and_serve_pages(gunicorn_alone):
    """Workers are forked from a master that loaded the app and compiled the templates
    (preload_app, tracker/warmup.py); every worker that replaces a recycled one has its
    own database connection and renders pages."""
    server = gunicorn_alone(WEB_CONCURRENCY="1", GUNICORN_MAX_REQUESTS="3")
    pages = []
    for n in range(10):
        status, _, body = request(server.port, f"/statements/?round={n}")
        pages.append((status, b"<main" in body))
    assert pages == [(200, True)] * 10
    # 10 requests (and the health check) at 3 a worker: the first and at least three more.
    wait_for(lambda: server.logged(r"Booting worker") >= 4, 30, "the recycled workers")
    assert server.logged(r"Autorestarting worker") >= 3


# --------------------------------------------------------------------------- nginx itself


def request(port: int, path: str, *, source: str = HOST, **headers: str):
    connection = http.client.HTTPConnection(HOST, port, timeout=10, source_address=(source, 0))
    try:
        connection.request("GET", path, headers={"Host": HOST, **headers})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_nginx_serves_static_files_and_passes_the_request_on(behind_nginx, site):
    env, _ = site
    port = behind_nginx.port
    status, headers, body = request(port, "/healthz", **{"X-Request-ID": "from-the-client"})
    assert status == 200 and body == b'{"status": "ok", "database": "ok", "cache": "ok"}'
    # nginx's own request id, not the client's, reaches the app and comes back.
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
    assert headers["Server"] == "nginx"  # no version

    manifest = (Path(env["STATIC_ROOT"]) / "staticfiles.json").read_text()
    hashed = re.search(r'"css/site\.css": "(css/site\.[0-9a-f]{12}\.css)"', manifest).group(1)
    status, headers, _ = request(port, f"/static/{hashed}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert headers["Content-Encoding"] == "gzip"  # collectstatic's .gz
    status, headers, _ = request(port, "/static/css/site.css")
    assert status == 200 and headers["Cache-Control"] == "max-age=3600, public"
    # Straight from the disk: gunicorn never saw them.
    assert behind_nginx.logged(r"gunicorn\.access .*path=/static/") == 0


def test_nginx_drops_an_unknown_host(behind_nginx):
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        request(behind_nginx.port, "/healthz", Host="evil.example.com")


def test_nginx_limits_exports_per_address_but_not_this_host(behind_nginx):
    empty = "/statements/export.csv?said_before=1900-01-01"
    # From another address (all of 127.0.0.0/8 is loopback): a burst of 10, then 429.
    statuses = [request(behind_nginx.port, empty, source="127.0.0.2")[0] for _ in range(14)]
    assert statuses[:10] == [200] * 10 and 429 in statuses[10:], statuses
    # This host (health checks, load tests) is not rate limited.
    assert {request(behind_nginx.port, empty)[0] for _ in range(14)} == {200}


def test_the_production_config_passes_nginx_t(nginx, tmp_path):
    """deploy/nginx/tracker.conf with its placeholders filled, in an http { } block as
    Debian's nginx.conf has it, and the snippets where it includes them."""
    openssl = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=tracker.example.org", "-keyout", "key.pem", "-out", "cert.pem"],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
    )
    assert openssl.returncode == 0, openssl.stderr
    (tmp_path / "snippets").mkdir()
    for snippet in (ROOT / "deploy" / "nginx" / "snippets").glob("*.conf"):
        (tmp_path / "snippets" / snippet.name).write_text(snippet.read_text())
    site_config = (ROOT / "deploy" / "nginx" / "tracker.conf").read_text()
    for placeholder, value in {
        "/etc/letsencrypt/live/tracker.example.org/fullchain.pem": tmp_path / "cert.pem",
        "/etc/letsencrypt/live/tracker.example.org/privkey.pem": tmp_path / "key.pem",
        "/var/log/nginx/tracker.access.log": tmp_path / "access.log",
    }.items():
        assert placeholder in site_config
        site_config = site_config.replace(placeholder, str(value))
    (tmp_path / "tracker.conf").write_text(site_config)
    temp = " ".join(
        f"{name}_temp_path {tmp_path / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n  {serve.mime_types_directive(nginx)}\n  {temp}\n"
        f"  access_log {tmp_path / 'default.log'};\n  include tracker.conf;\n}}\n"
    )
    checked = subprocess.run(
        [nginx, "-t", "-p", f"{tmp_path}/", "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


# --------------------------------------------------------------------------- worker timeout


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("127.0.0.1", timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


def read_slowly(path: str, rate: int) -> tuple[bytes, Exception | None, float]:
    """GET the CSV export over gunicorn's unix socket at about `rate` bytes a second:
    (the body as far as it came, the error that ended it or None, seconds taken)."""
    began = time.monotonic()
    connection = UnixHTTPConnection(path, timeout=20)
    body, error = bytearray(), None
    try:
        connection.request("GET", "/statements/export.csv", headers={"Host": HOST})
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Transfer-Encoding") == "chunked"
        while piece := response.read(4096):
            body += piece
            time.sleep(len(piece) / rate)
    except (http.client.IncompleteRead, OSError) as cut:
        error = cut
    finally:
        connection.close()
    return bytes(body), error, time.monotonic() - began


def marker_and_rows(body: bytes) -> tuple[int | None, int]:
    """The end marker's count (None without one) and the number of data rows."""
    text = body.decode("utf-8-sig", errors="replace")
    lines = text.split("\r\n")
    match = re.fullmatch(r"# end of export: (\d+) statements?", lines[-2]) if text else None
    rows = sum(1 for line in lines[1:] if re.match(r"\d+,http", line))
    return (int(match.group(1)) if match else None), rows


# A unix socket buffers about 200 KB, where loopback TCP buffers megabytes: with it, a
# half-megabyte export read at 64 KB/s keeps gunicorn writing for seconds, well past its
# 2-second timeout, as a 20 MB export does over the internet.
SLOW_READ = 64 * 1024
SHORT_TIMEOUT = "2"


def test_a_download_outliving_the_worker_timeout_ends_complete_with_gthread(site, tmp_path):
    env, published = site
    sock = tmp_path / "g.sock"
    server = start_gunicorn(
        env, tmp_path, f"unix:{sock}", GUNICORN_TIMEOUT=SHORT_TIMEOUT, WEB_CONCURRENCY="1"
    )
    try:
        wait_until_up(server, sock.exists, "gunicorn")
        body, error, seconds = read_slowly(str(sock), SLOW_READ)
    finally:
        stop(server.process)
    assert seconds > 2 * int(SHORT_TIMEOUT)
    assert error is None
    assert marker_and_rows(body) == (published, published)
    assert server.logged("WORKER TIMEOUT") == 0


def test_with_sync_workers_the_timeout_cuts_the_download_and_the_client_can_tell(site, tmp_path):
    env, published = site
    sock = tmp_path / "s.sock"
    server = start_gunicorn(
        env, tmp_path, f"unix:{sock}", "-k", "sync", "--threads", "1",
        GUNICORN_TIMEOUT=SHORT_TIMEOUT, WEB_CONCURRENCY="1",
    )  # fmt: skip
    try:
        wait_until_up(server, sock.exists, "gunicorn")
        body, error, _ = read_slowly(str(sock), SLOW_READ)
    finally:
        stop(server.process)
    assert server.logged("Using worker: sync") == 1
    marker, rows = marker_and_rows(body)
    # Never a body with the end marker that is short.
    assert marker is None or marker == rows == published
    # Here the worker was killed mid-stream: the client sees it twice over.
    assert server.logged("WORKER TIMEOUT") >= 1
    assert isinstance(error, http.client.IncompleteRead), error
    assert marker is None and rows < published


# --------------------------------------------------------------------------- PostgreSQL COPY

PG_GENERATED = 3000  # an export of about 1.5 MB


@pytest.fixture(scope="module")
def pg_site(tmp_path_factory):
    """Like `site`, on a PostgreSQL database of its own, where exports come from COPY; only
    when the suite runs on PostgreSQL. Returns (env, published); the database is dropped."""
    import psycopg2

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("exports use COPY on PostgreSQL only: run with DATABASE_URL=postgres:///…")
    server, _, _ = url.rpartition("/")
    name = f"tracker_server_{secrets.token_hex(4)}"
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    work = tmp_path_factory.mktemp("pg-site")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "WEB_CONC"))},
        "DATABASE_URL": f"{server}/{name}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(work / "static"),
        "CACHE_DIR": str(work / "cache"),
    }
    try:
        for args in (
            ["migrate", "--noinput", "-v", "0"],
            ["generate_statements", "--count", str(PG_GENERATED), "--seed", "7", "--i-know"],
        ):
            subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
            )  # fmt: skip
        yield env, PG_GENERATED
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def worker_peak_rss_kb(master: int) -> int:
    """The peak resident memory (VmHWM) of the gunicorn master's one worker."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, children
    status = Path(f"/proc/{children[0]}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def test_a_copied_export_outliving_the_worker_timeout_ends_complete_in_flat_memory(
    pg_site, tmp_path
):
    env, published = pg_site
    sock = tmp_path / "pg.sock"
    server = start_gunicorn(
        env, tmp_path, f"unix:{sock}", GUNICORN_TIMEOUT=SHORT_TIMEOUT, WEB_CONCURRENCY="1"
    )
    try:
        wait_until_up(server, sock.exists, "gunicorn")
        connection = UnixHTTPConnection(str(sock), timeout=20)
        connection.request("GET", "/statements/export.csv?said_before=1900-01-01")
        small = connection.getresponse().read()
        connection.close()
        assert marker_and_rows(small) == (0, 0)
        after_small = worker_peak_rss_kb(server.process.pid)
        # Read at 256 KB/s: the download outlives the 2-second timeout twice over.
        body, error, seconds = read_slowly(str(sock), 4 * SLOW_READ)
        after_big = worker_peak_rss_kb(server.process.pid)
    finally:
        stop(server.process)
    assert seconds > 2 * int(SHORT_TIMEOUT)
    assert error is None
    assert marker_and_rows(body) == (published, published)
    assert server.logged("WORKER TIMEOUT") == 0
    # The whole export, 1.5 MB, streamed in the memory of an empty one.
    assert len(body) > 1_000_000
    assert after_big < 1.2 * after_small, (after_small, after_big)
