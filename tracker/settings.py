"""Settings for the statement tracker, read from the environment.

Local defaults are safe for the demo (SQLite, DEBUG on). With DEBUG off there is
no default secret: start-up fails loudly instead.
"""

import hashlib
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the tracker refuses to start without "
            "a secret key: set the SECRET_KEY environment variable."
        )
    # Development only: a per-checkout key is fine when DEBUG is on.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "simple_history",
    "statements",
    "statements.history",
    # Saved searches mailed as digests (its own app: its writes do not touch the
    # content generation of the cached pages).
    "statements.alerts",
    # The project's own: system checks (tracker.checks), the per-username sign-in backoff.
    "tracker",
]

MIDDLEWARE = [
    # First: anonymous readers' pages from the shared cache, with none of the middleware
    # below. What those add to a response (security headers, CSP) was added when the page
    # was stored, and is replayed with it; a request SecurityMiddleware would redirect
    # to HTTPS goes through. Hits are logged by gunicorn's access log, with their
    # X-Request-ID.
    "statements.caching.pages.AnonymousPageCacheMiddleware",
    # So that the request id and the timing cover everything below, static files too.
    "tracker.middleware.RequestLogMiddleware",
    # Warns once per process when X-Forwarded-For disagrees with the proxy settings.
    "tracker.middleware.ForwardingHeadersCheckMiddleware",
    # A query past PostgreSQL's statement_timeout: 503 with Retry-After, not 500.
    "tracker.middleware.QueryTimeLimitMiddleware",
    # A write while the shared cache is down: 503 with Retry-After, not 500.
    "tracker.middleware.CacheOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: records who made each change in the editorial history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Addresses written with the script prefix and urlconf read once per request.
    "tracker.middleware.RoutesReadOnceMiddleware",
    # Last, as django-axes requires: it turns a lockout into the 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses to authenticate while a username + address pair is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "statements.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several readers and one writer without "database is locked" under load.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # A covering index's included columns are PostgreSQL's (statements.Statement's
    # statement_public_speaker_idx); SQLite builds the index on its key columns alone.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Ranked search ranks the first matches a scan finds (statements.search.RANKED_LIMIT).
    # A synchronized scan starts wherever another scan of the table is, so the first
    # matches, and with them page 2 of the ranking, would change from one request to the
    # next; from the start of the table they stay the same. JIT compilation costs a page's
    # query with a large estimated cost hundreds of milliseconds to save a few.
    _options = "-c synchronize_seqscans=off -c jit=off"
    # A query that runs past this ends with an error instead of holding a core and a
    # connection: gunicorn sets it for the site's requests (tracker/gunicorn_conf.py),
    # which then answer 503 (tracker.middleware.QueryTimeLimitMiddleware). Commands
    # (migrations, loads, backups) run without a limit unless it is set for them too.
    # An export's COPY runs as long as its reader reads, so it lifts the limit for itself
    # (statements/public/copy.py).
    _statement_timeout = os.environ.get("DATABASE_STATEMENT_TIMEOUT", "").strip()
    if _statement_timeout:
        if not re.fullmatch(r"\d+\s*(ms|s|min)?", _statement_timeout):
            raise ImproperlyConfigured(
                f"DATABASE_STATEMENT_TIMEOUT={_statement_timeout!r}: give a duration such as "
                "30s, 1500ms or 2min (0 for no limit)."
            )
        _options += f" -c statement_timeout={_statement_timeout.replace(' ', '')}"
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = _options

# Reads whose SQL never changes are prepared once per connection on PostgreSQL
# (statements/reading/prepared.py). Off behind PgBouncer in transaction mode.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "tracker.storage.HashedStaticFilesStorage"
        )
    },
}

# Hashed files (site.3f2a….css) are cached for ten years and marked immutable by WhiteNoise
# itself; this is for the few files that keep their plain name.
WHITENOISE_MAX_AGE = int(os.environ.get("WHITENOISE_MAX_AGE", 0 if DEBUG else 3600))
# Development (and the test suite) look files up as they are asked for; production reads
# the collected files once, at start-up.
WHITENOISE_AUTOREFRESH = DEBUG

# One cache for every app server, because cached pages are only exact if every worker
# sees the same content generation (statements/caching/generation.py): Redis when
# REDIS_URL is set (e.g. redis://cache:6379/0); else, with DEBUG off (`make serve`, several
# gunicorn workers on one machine), a directory they all share; with DEBUG on (`make run`,
# one process; the test suite, one per test process), memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_DIR = Path(os.environ.get("CACHE_DIR", BASE_DIR / "var" / "cache"))
# Sites that share a Redis or a directory but not a database must not share pages.
_database = DATABASES["default"]
CACHE_KEY_PREFIX = hashlib.sha256(
    "|".join(str(_database.get(part, "")) for part in ("ENGINE", "HOST", "PORT", "NAME")).encode()
).hexdigest()[:8]
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "statements.caching.redis_backend.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Without Redis the pages are read from the database (caching/shared.py); a
            # Redis that stops answering, rather than refusing, must not hold each request
            # for the system's connect timeout (two minutes on Linux) first.
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", 0.5)),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", 2)),
            },
        }
    }
elif not DEBUG:
    CACHES = {
        "default": {
            "BACKEND": "statements.caching.files.FileCache",
            "LOCATION": str(CACHE_DIR),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered fragments (statement cards, briefs and entries, the reactions on a person's
# page, the filter menus) live in each process's memory: their keys hold the content
# generation, read from the shared cache above on every request, so a worker never
# serves a fragment older than the last write, and reading twenty cards costs
# microseconds instead of twenty file or network reads. Django's local-memory cache, but
# strings are kept as they are instead of pickled (statements/caching/fragments.py).
CACHES["fragments"] = {
    "BACKEND": "statements.caching.fragments.FragmentCache",
    "LOCATION": "fragments",
    "TIMEOUT": 24 * 3600,
    "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("FRAGMENT_CACHE_ENTRIES", 20000))},
}
# The timeline charts last shown, kept by each process as well as in the shared cache: a
# prolific speaker's drawing is about 400 kB, and reading it from Redis cost about 0.4 ms
# of every uncached view of their page. A few dozen, so that a process holds at most
# about 30 MB of them (statements/reading/timeline_data.py).
CACHES["charts"] = {
    "BACKEND": "statements.caching.fragments.FragmentCache",
    "LOCATION": "charts",
    "TIMEOUT": 24 * 3600,
    "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CHART_CACHE_ENTRIES", 64))},
}
# Each person's newest statements as their page last read them, kept by each process as
# model instances under the person's own stamps (statements/reading/people.py): a write
# to someone else's statements leaves them kept. A prolific speaker's are about a hundred
# statements, which took 5 ms of their page to read. Kept with their speakers and topics,
# a statement takes about 4 kB: 64 prolific speakers' took 27 MB of a process.
CACHES["said"] = {
    "BACKEND": "statements.caching.fragments.ObjectCache",
    "LOCATION": "said",
    "TIMEOUT": 24 * 3600,
    "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("SAID_CACHE_ENTRIES", 64))},
}
# The anonymous page cache (statements/caching/pages.py). Never for these paths: the
# editors' desk, the benchmark's reference views, the health check, files served whole, and
# /data/, which lists the bulk files: a build changes it without changing the content
# generation that cached pages are keyed on.
PAGE_CACHE_EXCLUDED_PATHS = ["/admin/", "/_bench/", "/healthz", "/static/", "/data/", "/alerts/"]
PAGE_CACHE_MAX_ENTRY_BYTES = int(os.environ.get("PAGE_CACHE_MAX_ENTRY_BYTES", 2_000_000))
# Streamed responses (exports) are copied while they stream: only small ones are kept.
PAGE_CACHE_MAX_STREAMED_BYTES = int(os.environ.get("PAGE_CACHE_MAX_STREAMED_BYTES", 512_000))
# Entries are overwritten by the next generation's; the timeout only bounds URLs nobody asks
# for again. With Redis, also give it a maxmemory and an LRU eviction policy.
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", 24 * 3600))
# Ages (seconds) in anonymous responses' Cache-Control. Zero: browsers and proxies
# revalidate every time (a 304 costs one cache read here), so a change shows on the very
# next request. Raising them trades that for fewer requests.
HTTP_CACHE_MAX_AGE = int(os.environ.get("HTTP_CACHE_MAX_AGE", 0))
HTTP_CACHE_S_MAXAGE = int(os.environ.get("HTTP_CACHE_S_MAXAGE", 0))
HTTP_CACHE_STALE_WHILE_REVALIDATE = int(os.environ.get("HTTP_CACHE_STALE_WHILE_REVALIDATE", 0))

# Fixtures and backups keep datetimes to the microsecond (Django's own JSON cuts to ms).
SERIALIZATION_MODULES = {"json": "tracker.serializers"}

# After signing in, where a missing or refused ?next= leads: the editors' desk.
LOGIN_REDIRECT_URL = "admin:index"

# Sessions live in the database (Django's default), so any app server can serve any reader.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Statement Tracker API",
    "DESCRIPTION": (
        "Read-only access to published statements, people, topics, events, races, "
        "reactions, organizations and sources. Statement lists take the same filters "
        "as the /statements/ page."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page's assets come from our own static files, pinned with the package.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

SITE_NAME = os.environ.get("SITE_NAME", "Statement Tracker")

# `make bench` only: adds the reference routes /_bench/bare/ and /_bench/stock/
# (tracker/bench.py). Never set it anywhere else.
BENCH_REFERENCE_VIEWS = env_bool("BENCH_REFERENCE_VIEWS", False)

# Production hardening: on whenever DEBUG is off.
SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if SECURE else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = SECURE
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# The healthz endpoint answers load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp 4): our own files only. No inline script or style,
# no eval, no plugins, no framing. A page that needs more (e.g. API docs that load a
# CDN script) widens it for itself with csp.decorators.csp_update.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
    },
}

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from
# one address, that pair gets a 429 page, even with the right password, for the cool-off.
# Attempts are kept in the database, so every app server sees the same count.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracker.security.lockout_response"
# Also per username, across addresses (tracker.signin): an attempt from an address that has
# never signed in as that username is "unfamiliar". Once SIGNIN_USERNAME_FAILURE_LIMIT
# unfamiliar attempts failed within SIGNIN_USERNAME_WINDOW, the next unfamiliar one must
# wait 1 s after the latest, then 2, 4, 8 … s as more fail, at most SIGNIN_BACKOFF_MAX;
# too early, it gets the 429 page with Retry-After and no password check. Sign-ins from an
# address the username has signed in from before are never delayed by this rule, only by
# the lockout of their own username + address pair: strangers guessing from anywhere cannot
# lock the owner out of where they usually sign in. The window is a day, so that guessing
# slowly does not reset the count; the longest wait is the cool-off. Kept in the database,
# like axes' attempts (admin: "Sign-in throttling"; delete a username's failures there to
# lift its backoff early).
AXES_HANDLER = "tracker.signin.SignInHandler"
SIGNIN_USERNAME_FAILURE_LIMIT = int(os.environ.get("SIGNIN_USERNAME_FAILURE_LIMIT") or 10)
SIGNIN_USERNAME_WINDOW = timedelta(hours=int(os.environ.get("SIGNIN_USERNAME_WINDOW_HOURS") or 24))
SIGNIN_BACKOFF_MAX = AXES_COOLOFF_TIME
# The client's address (tracker.security.client_ip): REMOTE_ADDR, unless REMOTE_ADDR is one
# of TRUSTED_PROXIES (addresses or networks; default loopback, i.e. nginx on the same host,
# as gunicorn's FORWARDED_ALLOW_IPS) and TRUSTED_PROXY_COUNT says how many proxies of ours
# (load balancer, nginx) append to X-Forwarded-For: then the client is that many entries
# from the right of X-Forwarded-For. Anyone can send that header, so a request reaching
# gunicorn directly from any other address is counted by its REMOTE_ADDR.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
# Default: with DEBUG off, one proxy, as SECURE_PROXY_SSL_HEADER above assumes: the deployment
# this README documents (nginx on the same host, appending to X-Forwarded-For). It is safe
# without nginx too (`make serve`: gunicorn alone on loopback): a request with no
# X-Forwarded-For, or from an address not in TRUSTED_PROXIES, is counted by REMOTE_ADDR.
# With DEBUG on (runserver, tests) there is no proxy: 0. `check --deploy` warns when a
# proxy is assumed (SECURE_PROXY_SSL_HEADER) but TRUSTED_PROXY_COUNT is 0 (tracker.checks).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or (0 if DEBUG else 1))
AXES_CLIENT_IP_CALLABLE = "tracker.security.client_ip"

# Logs go to stdout, one line per record, each with the id of the request it belongs to.
# Access lines come from tracker.middleware (logger "tracker.access"): method, path, query
# string with secrets redacted, status and duration; never cookies, headers or bodies.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "tracker.logging.RequestIDFilter"},
        "disallowed_host": {"()": "tracker.logging.DisallowedHostFilter"},
    },
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "tracker.logging.StdoutHandler",
            "filters": ["request_id"],
            "formatter": "line",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own console and mail handlers are replaced by the root handler above,
        # so that its errors (django.request) carry the request id and are printed once.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # SQL is logged at DEBUG and may hold session keys or password hashes: never.
        "django.db.backends": {"level": "INFO"},
        "django.security.DisallowedHost": {"filters": ["disallowed_host"]},
        # Its start-up banner would otherwise open the output of every manage.py command.
        "axes.apps": {"level": "WARNING"},
    },
}

# Exports (statements/public/stream_slots.py): how many export streams each worker process sends
# at once; one more gets a 503 pointing at the bulk files. Keep it below GUNICORN_THREADS.
EXPORT_STREAMS_PER_WORKER = int(os.environ.get("EXPORT_STREAMS_PER_WORKER") or 2)

# Bulk files (statements/public/bulk.py, `manage.py build_bulk_files`): the whole published
# set as gzipped CSV and JSON, listed on /data/ and served at /data/files/<name>. The
# command runs from cron every BULK_FILES_EVERY_MINUTES (the /data/ page says so); the
# permalinks in the files start with SITE_URL. With BULK_FILES_ACCEL_PREFIX set (e.g.
# "/_bulk/", behind nginx: deploy/nginx/snippets/tracker-app.conf), Django only checks the
# name and nginx sends the file; without it Django sends the file itself.
BULK_FILES_DIR = Path(os.environ.get("BULK_FILES_DIR") or BASE_DIR / "var" / "bulk")
BULK_FILES_EVERY_MINUTES = int(os.environ.get("BULK_FILES_EVERY_MINUTES") or 10)
BULK_FILES_ACCEL_PREFIX = os.environ.get("BULK_FILES_ACCEL_PREFIX", "")
SITE_URL = os.environ.get("SITE_URL") or ("http://127.0.0.1:8000" if DEBUG else "")

# Mail (statements/alerts/): the backend comes from the environment. With DEBUG on
# (`make run`) mail is printed to the console; otherwise it goes out by SMTP to EMAIL_HOST.
# The tests use the in-memory backend (tests/conftest.py).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT") or 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <alerts@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Alerts (statements/alerts/delivery.py; `manage.py send_alerts` from cron). A digest per
# address goes at most ALERTS_MAX_PER_MINUTE a minute, through one connection per batch of
# ALERTS_BATCH_SIZE subscribers; each saved search lists at most ALERTS_MAX_PER_SEARCH
# statements (and says how many more). Statements are mailed once their publication is
# ALERTS_SETTLE_SECONDS old, and never more than ALERTS_LOOKBACK_DAYS after it.
ALERTS_MAX_PER_MINUTE = int(os.environ.get("ALERTS_MAX_PER_MINUTE") or 600)
ALERTS_BATCH_SIZE = int(os.environ.get("ALERTS_BATCH_SIZE") or 1000)
ALERTS_MAX_PER_SEARCH = int(os.environ.get("ALERTS_MAX_PER_SEARCH") or 20)
ALERTS_MAX_NEW_PER_RUN = int(os.environ.get("ALERTS_MAX_NEW_PER_RUN") or 5000)
ALERTS_SETTLE_SECONDS = int(os.environ.get("ALERTS_SETTLE_SECONDS") or 60)
ALERTS_LOOKBACK_DAYS = int(os.environ.get("ALERTS_LOOKBACK_DAYS") or 7)
# How long a confirmation link works (seconds), and how many subscription requests a
# client address and an email address may make per window (seconds).
ALERTS_CONFIRM_MAX_AGE = int(os.environ.get("ALERTS_CONFIRM_MAX_AGE") or 3 * 24 * 3600)
ALERTS_REQUESTS_PER_CLIENT = int(os.environ.get("ALERTS_REQUESTS_PER_CLIENT") or 20)
ALERTS_REQUESTS_CLIENT_WINDOW = 3600
ALERTS_REQUESTS_PER_ADDRESS = int(os.environ.get("ALERTS_REQUESTS_PER_ADDRESS") or 3)
ALERTS_REQUESTS_ADDRESS_WINDOW = 24 * 3600
