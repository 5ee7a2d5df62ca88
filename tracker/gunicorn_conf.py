"""gunicorn settings for production and for `make serve` / `make loadtest`.

    gunicorn -c tracker/gunicorn_conf.py

Everything can be changed from the environment:

- GUNICORN_BIND: address to listen on (default 127.0.0.1:$PORT, PORT default 8000). Keep
  it on loopback or a private interface: nginx or the load balancer faces the internet.
- WEB_CONCURRENCY: worker processes (default 2 × cores + 1).
- GUNICORN_TIMEOUT: seconds before a stuck worker is killed and replaced (default 30).
- FORWARDED_ALLOW_IPS: proxies whose X-Forwarded-Proto gunicorn believes (its default:
  127.0.0.1,::1, i.e. nginx on the same host).
"""

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
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 30
keepalive = 5
# Recycle each worker now and then, staggered, so a slow leak never takes the site down.
max_requests = 2000
max_requests_jitter = 200
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
    "gunicorn.access remote=%(h)s method=%(m)s path=%(U)s status=%(s)s bytes=%(B)s "
    "duration_ms=%(M)s request_id=%({x-request-id}o)s"
)
