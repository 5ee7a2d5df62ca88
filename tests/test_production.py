"""Production mode (DEBUG off): strict headers on every response, safe cookies, a clean
deploy check, hashed static files cached for good, and gunicorn serving it all.

The production settings are computed the way a server computes them: tracker.settings
imported in a fresh interpreter with DEBUG=false in the environment. The in-process
tests then apply exactly those values (the test client builds its middleware chain per
client, so MIDDLEWARE and friends take effect).
"""

import json
import os
import re
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent import futures
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client

from statements.models import Person, Statement, Topic

ROOT = Path(__file__).resolve().parent.parent
HOST = "tracker.example.org"

PRODUCTION_SETTINGS = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "MIDDLEWARE",
    "AUTHENTICATION_BACKENDS",
    "CONTENT_SECURITY_POLICY",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_REDIRECT_EXEMPT",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "X_FRAME_OPTIONS",
    "WHITENOISE_MAX_AGE",
    "STORAGES",
    "CACHES",
    "SESSION_ENGINE",
    "TRUSTED_PROXIES",
    "TRUSTED_PROXY_COUNT",
]

EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def production_env(**extra) -> dict:
    # Nothing of the test run leaks in: e.g. the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE,
    # which check --deploy rightly refuses.
    leave_out = {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "SECURE_SSL_REDIRECT",
        "REDIS_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "TRUSTED_PROXIES",
        "TRUSTED_PROXY_COUNT",
        "FORWARDED_ALLOW_IPS",
    }
    env = {k: v for k, v in os.environ.items() if k not in leave_out}
    return {
        **env,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        **extra,
    }


def settings_in_subprocess(names, **env) -> dict:
    code = (
        "import json, sys; from tracker import settings as s; "
        "json.dump({n: getattr(s, n) for n in sys.argv[1:]}, sys.stdout, default=str)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def production_values():
    values = settings_in_subprocess(PRODUCTION_SETTINGS)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def production(settings, production_values):
    """The running settings switched to what the server computes with DEBUG=false
    (static files stay on the plain storage: no collectstatic in the test run)."""
    for name, value in production_values.items():
        if name != "STORAGES":
            setattr(settings, name, value)
    return settings


def https_client(**defaults) -> Client:
    return Client(HTTP_HOST=HOST, **defaults)


def get(client, path, **extra):
    return client.get(path, secure=True, **extra)


def parse_csp(header: str) -> dict[str, list[str]]:
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def assert_strict_headers(response):
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Request-ID"]
    policy = parse_csp(response["Content-Security-Policy"])
    for directive, sources in EXPECTED_CSP.items():
        assert policy.get(directive) == sources, (directive, policy)
    for directive in ("default-src", "script-src", "style-src"):
        for loose in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
            assert loose not in policy[directive], (directive, policy[directive])


# --- settings ---------------------------------------------------------------------------


def test_production_settings_are_strict(production_values):
    v = production_values
    assert v["DEBUG"] is False
    assert v["ALLOWED_HOSTS"] == [HOST]
    assert v["SECURE_SSL_REDIRECT"] is True
    assert v["SECURE_HSTS_SECONDS"] >= 31536000
    assert v["SESSION_COOKIE_SECURE"] and v["CSRF_COOKIE_SECURE"]
    assert v["SESSION_COOKIE_HTTPONLY"] and v["CSRF_COOKIE_HTTPONLY"]
    assert v["SESSION_COOKIE_SAMESITE"] == v["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert v["X_FRAME_OPTIONS"] == "DENY"
    assert v["STORAGES"]["staticfiles"]["BACKEND"] == "tracker.storage.HashedStaticFilesStorage"
    # Without Redis, one directory that every worker of the machine shares: the page
    # cache's generation must be the same for all of them.
    assert v["CACHES"]["default"]["BACKEND"] == "statements.caching.files.FileCache"
    assert v["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert "csp.middleware.CSPMiddleware" in v["MIDDLEWARE"]


def test_redis_url_gives_every_server_one_shared_cache():
    caches = settings_in_subprocess(["CACHES"], REDIS_URL="redis://cache.internal:6379/1")
    default = caches["CACHES"]["default"]
    assert default["BACKEND"] == "statements.caching.redis_backend.RedisCache"
    assert default["LOCATION"] == "redis://cache.internal:6379/1"
    # Named after the database: two sites sharing one Redis never share pages.
    assert len(default["KEY_PREFIX"]) == 8


def test_a_redis_that_stops_answering_is_given_up_on_not_waited_for():
    """A Redis that takes connections but never answers (hung, or behind a full network
    queue) makes each cache read fail after REDIS_TIMEOUT, so that the page is read from
    the database (caching/shared.py) rather than held with no end."""
    import socket

    from redis.exceptions import TimeoutError as RedisTimeoutError

    from statements.caching.redis_backend import RedisCache

    silent = socket.create_server(("127.0.0.1", 0))  # the system takes connections: no reply
    try:
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        found = settings_in_subprocess(["CACHES"], REDIS_URL=url, REDIS_TIMEOUT="0.2")
        params = dict(found["CACHES"]["default"])
        params["OPTIONS"] = {name: float(value) for name, value in params["OPTIONS"].items()}
        assert params["OPTIONS"]["socket_timeout"] == 0.2
        cache = RedisCache(params.pop("LOCATION"), params)
        with pytest.raises(RedisTimeoutError):
            cache.get_many(["content-generation"])
    finally:
        silent.close()


def test_the_static_storage_works_out_each_address_once(tmp_path, settings):
    """The hashed address of a file comes from the manifest read at start: worked out on
    the first page that asks, then given as it was. With DEBUG on, the plain name, as
    Django's own storage gives; a file the manifest lacks is refused every time."""
    import json

    from tracker.storage import HashedStaticFilesStorage

    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": {"css/site.css": "css/site.0123abcd.css"}})
    )
    settings.DEBUG = False
    storage = HashedStaticFilesStorage(location=tmp_path, base_url="/static/")
    worked_out = []
    original = storage.stored_name
    storage.stored_name = lambda name: worked_out.append(name) or original(name)
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert worked_out == ["css/site.css"]
    settings.DEBUG = True
    assert storage.url("css/site.css") == "/static/css/site.css"
    settings.DEBUG = False
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
    assert storage.url("css/site.css", force=True) == "/static/css/site.0123abcd.css"
    assert worked_out == ["css/site.css", "css/missing.css", "css/missing.css", "css/site.css"]


def test_the_redis_cache_keeps_one_client_per_connection_pool():
    """Django's Redis backend makes a new client for every operation; ours keeps one per
    connection pool (the same for reads and writes with one server), made lazily, with
    Django's pool and options, and no connection opened to make it."""
    import redis

    from statements.caching.redis_backend import RedisCache

    cache = RedisCache("redis://cache.internal:6379/1", {"OPTIONS": {"socket_timeout": 0.5}})
    client = cache._cache.get_client("key")
    assert isinstance(client, redis.Redis)
    assert cache._cache.get_client("other key") is client
    assert cache._cache.get_client("key", write=True) is client
    pool = client.connection_pool
    assert pool.connection_kwargs["host"] == "cache.internal"
    assert pool.connection_kwargs["db"] == 1
    assert pool.connection_kwargs["socket_timeout"] == 0.5
    # Two servers: writes to the first, reads from the others, each pool its own client.
    pair = RedisCache("redis://a.internal:6379/0,redis://b.internal:6379/0", {})
    writer, reader = pair._cache.get_client(write=True), pair._cache.get_client()
    assert writer is not reader
    assert writer.connection_pool.connection_kwargs["host"] == "a.internal"
    assert reader.connection_pool.connection_kwargs["host"] == "b.internal"
    assert pair._cache.get_client() is reader


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_counts_one_proxy_on_loopback_by_default(production_values):
    """nginx on the same host, as documented: the client is the last X-Forwarded-For
    entry, believed only from loopback, the addresses gunicorn's FORWARDED_ALLOW_IPS
    believes X-Forwarded-Proto from."""
    assert production_values["TRUSTED_PROXY_COUNT"] == 1
    assert production_values["TRUSTED_PROXIES"] == ["127.0.0.1", "::1"]


def test_check_deploy_warns_behind_a_proxy_with_no_proxy_counted():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(TRUSTED_PROXY_COUNT="0"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "(tracker.W001) SECURE_PROXY_SSL_HEADER says a proxy stands in front" in (
        result.stdout + result.stderr
    )


# --- headers and cookies on real responses ----------------------------------------------


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_strict_headers(production, demo):
    client = https_client()
    statement = Statement.objects.published().first()
    person = Person.objects.get(slug="jon-ossoff")
    topic = Topic.objects.get(slug="immigration")
    paths = {
        "/": 200,
        "/statements/": 200,
        "/statements/?q=immigration": 200,
        statement.get_absolute_url(): 200,
        person.get_absolute_url(): 200,
        topic.get_absolute_url(): 200,
        "/healthz": 200,
        "/admin/login/": 200,
        "/admin/": 302,
        "/no-such-page/": 404,
    }
    for path, status in paths.items():
        response = get(client, path)
        assert response.status_code == status, path
        assert_strict_headers(response)


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_but_healthz_answers(production):
    client = https_client()
    response = client.get("/statements/?q=x")
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}/statements/?q=x"
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_a_request_through_the_proxy_counts_as_https(production):
    response = https_client().get("/healthz", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


@pytest.mark.django_db
def test_an_unknown_host_is_refused(production):
    assert Client(HTTP_HOST="evil.example.com").get("/", secure=True).status_code == 400


@pytest.mark.django_db
def test_cookies_are_secure_httponly_and_samesite_lax(production):
    User.objects.create_user("editor", password="a-long-password-1", is_staff=True)
    client = https_client(enforce_csrf_checks=True)
    page = get(client, "/admin/login/")
    csrf = page.cookies["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]

    response = client.post(
        "/admin/login/",
        {
            "username": "editor",
            "password": "a-long-password-1",
            "next": "/admin/",
            "csrfmiddlewaretoken": token,
        },
        secure=True,
        HTTP_REFERER=f"https://{HOST}/admin/login/",
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"] is True, cookie.key
        assert cookie["httponly"] is True, cookie.key
        assert cookie["samesite"] == "Lax", cookie.key


# --- no inline script or style: what the CSP would block --------------------------------


class InlineCode(HTMLParser):
    """Collects what a strict CSP blocks: inline scripts, <style>, style= and on…=."""

    DATA_TYPES = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            if (attrs.get("type") or "").lower() not in self.DATA_TYPES:
                self.found.append(f"<script {attrs}> without src")
        if tag == "style":
            self.found.append("<style> element")
        if "style" in attrs:
            self.found.append(f"style= on <{tag}>")
        for name in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
        if any((value or "").strip().lower().startswith("javascript:") for value in attrs.values()):
            self.found.append(f"javascript: URL on <{tag}>")


def inline_code(response) -> list[str]:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


def test_the_inline_code_finder_finds_what_it_should():
    parser = InlineCode()
    parser.feed(
        '<script>alert(1)</script><script src="/s.js"></script>'
        '<script type="application/ld+json">{}</script><style>p{}</style>'
        '<p style="color:red" onclick="x()"><a href="javascript:x()">a</a></p>'
    )
    assert len(parser.found) == 5, parser.found


@pytest.mark.django_db
def test_public_pages_have_no_inline_code_the_csp_would_block(production, demo):
    client = https_client()
    statement = Statement.objects.published().first()
    for path in (
        "/",
        "/statements/",
        "/statements/?q=immigration",
        statement.get_absolute_url(),
        "/people/jon-ossoff/",
        "/topics/immigration/",
    ):
        response = get(client, path)
        assert response.status_code == 200, path
        assert inline_code(response) == [], path


@pytest.mark.django_db
def test_the_admin_has_no_inline_code_under_the_csp(production, demo):
    client = https_client()
    assert inline_code(get(client, "/admin/login/")) == []
    client.force_login(User.objects.create_superuser("chief", password="x-long-password-2"))
    statement = Statement.objects.first()
    for path in (
        "/admin/",
        "/admin/statements/statement/",
        "/admin/statements/statement/add/",
        f"/admin/statements/statement/{statement.pk}/change/",
        "/admin/statements/person/?q=ossoff",
    ):
        response = get(client, path)
        assert response.status_code == 200, path
        assert inline_code(response) == [], path


@pytest.mark.django_db
def test_the_lockout_page_is_served_with_the_same_headers(production):
    User.objects.create_user("editor", password="a-long-password-1", is_staff=True)
    client = https_client()
    for attempt in range(production.AXES_FAILURE_LIMIT):
        response = client.post(
            "/admin/login/", {"username": "editor", "password": f"no-{attempt}"}, secure=True
        )
    assert response.status_code == 429
    assert_strict_headers(response)


# --- gunicorn, as `make serve` runs it ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, **headers):
    try:
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_serves_hashed_static_files_and_strict_headers(tmp_path):
    """collectstatic, then gunicorn with tracker/gunicorn_conf.py on loopback: the health
    check answers, the headers are there, hashed files are cached for good, and the
    access log has one line per request with the request id and no query string."""
    port = free_port()
    env = production_env(
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(tmp_path / "static"),
        # /healthz and static files need no tables: an empty database will do.
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)

    log = (tmp_path / "server.log").open("w+")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "tracker/gunicorn_conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                # As nginx forwards it: TLS ended at the proxy.
                status, headers, body = fetch(
                    f"{base}/healthz?token=tok-0009", **{"X-Forwarded-Proto": "https"}
                )
                break
            except OSError:
                assert server.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert status == 200
        assert json.loads(body) == {"status": "ok", "database": "ok", "cache": "ok"}
        assert headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" in headers
        assert parse_csp(headers["Content-Security-Policy"])["script-src"] == ["'self'"]
        request_id = headers["X-Request-ID"]

        status, headers, _ = fetch(f"{base}/static/{hashed}")
        assert status == 200
        assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
        status, headers, _ = fetch(f"{base}/static/css/site.css")
        assert status == 200
        assert headers["Cache-Control"] == "max-age=3600, public"
        status, headers, _ = fetch(f"{base}/static/{hashed}", **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        # gzip even for a client that prefers Brotli: collectstatic writes no .br copies
        # (tracker/storage.py).
        status, headers, _ = fetch(f"{base}/static/{hashed}", **{"Accept-Encoding": "br, gzip"})
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.seek(0)
        output = log.read()
        log.close()

    app_lines = [line for line in output.splitlines() if f"request_id={request_id}" in line]
    assert any(" tracker.access " in line for line in app_lines), output
    assert any(line.startswith("gunicorn.access ") for line in app_lines), output
    assert "tok-0009" not in output
    assert "Booting worker" in output


def test_gunicorn_runs_threads_that_take_a_connection_only_when_one_is_free(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "6")
    conf = runpy.run_path(str(ROOT / "tracker" / "gunicorn_conf.py"))
    assert conf["worker_class"] == "tracker.gunicorn_worker.ThreadWorker"
    assert (conf["workers"], conf["threads"]) == (3, 6)
    assert conf["worker_connections"] == conf["threads"]
    assert conf["keepalive"] == 0
    monkeypatch.delenv("GUNICORN_THREADS")
    assert runpy.run_path(str(ROOT / "tracker" / "gunicorn_conf.py"))["threads"] == 8


def test_workers_are_forked_from_a_warmed_master_and_recycled_now_and_then(monkeypatch):
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    conf = runpy.run_path(str(ROOT / "tracker" / "gunicorn_conf.py"))
    assert conf["preload_app"] is True
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (20_000, 2_000)
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "500")
    conf = runpy.run_path(str(ROOT / "tracker" / "gunicorn_conf.py"))
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (500, 50)


def test_the_master_freezes_what_it_loaded_before_forking_the_workers(monkeypatch):
    """when_ready warms up, then hides what it loaded from the garbage collector."""
    import gc

    conf = runpy.run_path(str(ROOT / "tracker" / "gunicorn_conf.py"))
    loaded: list[list] = []  # what the warm-up leaves in the master's memory

    def warm_up():
        assert gc.get_freeze_count() == 0  # frozen after the warm-up, not before
        loaded.append([])

    monkeypatch.setattr("tracker.warmup.warm_up", warm_up)
    gc.unfreeze()
    try:
        conf["when_ready"](server=None)
        assert gc.get_freeze_count() > 0
        (table,) = loaded
        assert gc.is_tracked(table)
        assert not any(table is tracked for tracked in gc.get_objects())
        made_later = []
        assert any(made_later is tracked for tracked in gc.get_objects())
    finally:
        gc.unfreeze()


def test_the_warm_up_compiles_every_template_of_the_site_and_queries_nothing():
    # Not a database test: pytest-django makes any query here an error.
    from django.template import engines

    from tracker.warmup import warm_up

    site_templates = sorted(
        path.relative_to(ROOT / "templates").as_posix()
        for path in (ROOT / "templates").rglob("*")
        if path.is_file()
    )
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    assert warm_up() == len(site_templates)
    assert "statements/statement_list.html" in site_templates
    assert [name for name in site_templates if name not in loader.get_template_cache] == []


def test_the_worker_closes_finished_connections_off_its_main_loop():
    from gunicorn.workers import gthread

    from tracker.gunicorn_worker import ThreadWorker

    worker = ThreadWorker.__new__(ThreadWorker)  # no process, no main loop
    worker.nr_conns = 2
    submitted = []
    worker.closer = SimpleNamespace(submit=lambda fn, **kw: submitted.append((fn, kw)))
    connection = SimpleNamespace(close=lambda graceful=False: None)

    finished = futures.Future()
    finished.set_result(False)  # the response is done and the connection is to close
    worker.finish_request(connection, finished)
    assert worker.nr_conns == 1
    assert submitted == [(connection.close, {"graceful": True})]

    # Keep-alive, deferral and errors stay gthread's own business.
    for outcome in (True, object()):
        other = futures.Future()
        other.set_result(outcome)
        with mock.patch.object(gthread.ThreadWorker, "finish_request") as parent:
            worker.finish_request(connection, other)
        parent.assert_called_once_with(connection, other)
    assert len(submitted) == 1
