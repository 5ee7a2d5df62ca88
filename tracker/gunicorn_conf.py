"""gunicorn settings for production and for `make serve` / `make serve-nginx` / `make loadtest`.

    gunicorn -c tracker/gunicorn_conf.py

Everything can be changed from the environment:

- GUNICORN_BIND: address to listen on (default 127.0.0.1:$PORT, PORT default 8000). Keep
  it on loopback or a private interface: nginx or the load balancer faces the internet.
- WEB_CONCURRENCY: worker processes (default 2 × cores + 1).
- GUNICORN_THREADS: threads per worker (default 8). At most WEB_CONCURRENCY ×
  GUNICORN_THREADS requests run at once, each on a database connection of its own.
- GUNICORN_TIMEOUT: seconds before a worker whose main loop stopped answering is killed
  and replaced (default 30). It does not limit a request: see below.
- FORWARDED_ALLOW_IPS: proxies whose X-Forwarded-Proto gunicorn believes (its default:
  127.0.0.1,::1, i.e. nginx on the same host).
- DATABASE_STATEMENT_TIMEOUT: how long one SQL query of a request may run on PostgreSQL
  (default 30s; 0 for no limit). See below.

Threaded workers (gthread), not sync ones. A sync worker serves one connection at a time,
from the first byte of the request to the last byte of the response, so five clients that
send their headers slowly, or read an export slowly, stop five workers, i.e. the site; and
its `timeout` kills a worker that streams a long export, which cuts the download short.
A gthread worker's main loop accepts connections and reports to the arbiter while its
threads serve requests, so:

- `timeout` no longer ends a long request: an export takes as long as the client needs.
  A runaway request is bounded by the database instead: PostgreSQL's statement_timeout,
  set below for the site's connections, ends a query that runs past it, and the request
  gets a 503 (tracker.middleware.QueryTimeLimitMiddleware). An export's COPY, which
  runs as long as its reader reads, lifts the limit for itself. Slow clients are bounded
  by nginx in front.
- A worker takes a connection only when it has a free thread for it (worker_connections
  = threads below; the others wait in the listen queue for any worker with a free
  thread), so slow clients never queue a quick request behind themselves. Up to
  WEB_CONCURRENCY × GUNICORN_THREADS slow clients at once cannot stop the site; more
  can, which is why production puts nginx in front (deploy/nginx/tracker.conf): nginx
  waits for slow clients, gunicorn never sees them.
- No keep-alive: a kept-alive idle connection would hold one of those places. Behind
  nginx (or on a private network) a new connection per request costs next to nothing.
- Finished connections are closed off the main loop (tracker/gunicorn_worker.py): a
  client still reading its response no longer freezes the worker for 2 seconds.

Django is thread-safe for this: each thread has its own database connection (kept for
CONN_MAX_AGE seconds), so a server opens up to WEB_CONCURRENCY × GUNICORN_THREADS
connections; PostgreSQL's max_connections must exceed that sum over all app servers
(or put PgBouncer in between). The cache (local memory or Redis) is thread-safe too.
"""

import gc
import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "tracker.wsgi:application"
# Explicit, because gunicorn's own default binds 0.0.0.0 whenever PORT is set.
bind = [os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"]
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
worker_class = "tracker.gunicorn_worker.ThreadWorker"  # gthread, see that module
threads = int(os.environ.get("GUNICORN_THREADS") or 8)
# A connection only when a thread is free for it; hence no keep-alive (see above).
worker_connections = threads
keepalive = 0
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 30
# Set in the master before the app is loaded, so every connection of every worker has it
# (tracker/settings.py); management commands run outside gunicorn, without it. At a
# million statements the site's slowest read (a common topic's chart, once per content
# generation) takes about a second, and the stock pages of `make bench` a few.
raw_env = [f"DATABASE_STATEMENT_TIMEOUT={os.environ.get('DATABASE_STATEMENT_TIMEOUT') or '30s'}"]
# Load the app once, in the master, and fork the workers from it, warmed up (when_ready
# below): a new or recycled worker answers its first request at once instead of spending
# most of a second of CPU importing and compiling what every worker needs.
preload_app = True
# Recycle each worker now and then, staggered, so a slow leak never takes the site down.
# Not too often: a worker starts with empty in-process caches, and at a thousand cached
# pages a second 2,000 requests are two seconds of a worker's life.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 20_000)
max_requests_jitter = max_requests // 10
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# No runtime control socket: two servers on one machine (serve and loadtest) would share
# its default path.
control_socket_disable = True

# Access log on stdout, one line per request, with the id the app gave the request (the
# X-Request-ID response header) so it matches the app's own lines. The path is logged
# without its query string, which the app logs redacted.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    "gunicorn.access remote=%(h)s pid=%(p)s method=%(m)s path=%(U)s status=%(s)s bytes=%(B)s "
    "duration_ms=%(M)s request_id=%({x-request-id}o)s"
)


def when_ready(server):
    """In the master, after the app is loaded and before the first worker is forked."""
    from tracker.warmup import warm_up

    warm_up()
    freeze_loaded_objects()


def freeze_loaded_objects() -> None:
    """Move what the master has loaded (modules, URL tables, compiled templates: about
    120,000 objects) out of the garbage collector's sight, as Python's documentation of
    gc.freeze advises before forking: they live as long as the process, so scanning them
    finds nothing. A worker's collections then walk only what its requests made; at a
    million statements they took 0.48 ms of a list page rendered afresh, and 0.32 once the
    loaded objects were frozen. The workers also keep sharing those objects' memory pages
    with the master, which a collection would otherwise write to."""
    gc.collect()
    gc.freeze()
