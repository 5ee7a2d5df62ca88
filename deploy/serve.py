#!/usr/bin/env python3
"""`make serve-nginx`: the production topology on loopback, nginx in front of gunicorn.

    python deploy/serve.py [--port 8000] [--runtime-dir .serve]

1. Renders deploy/nginx/local.conf.template with this checkout's paths into the runtime
   directory (default .serve/, untracked), next to a copy of deploy/nginx/snippets/, the
   same snippets production includes (deploy/nginx/tracker.conf). nginx's pid file,
   temporary files and access log live there too; its errors go to stderr.
2. Starts gunicorn (tracker/gunicorn_conf.py, gthread) on a free loopback port, with
   TRUSTED_PROXY_COUNT=1 unless set, and waits until it answers /healthz.
3. Starts nginx in the foreground (`daemon off`) on 127.0.0.1:--port, serving /static/
   from STATIC_ROOT (default staticfiles/) and passing everything else to gunicorn.
4. Runs until Ctrl-C (SIGINT) or SIGTERM, then stops nginx, then gunicorn, gracefully. If
   either exits on its own, the other is stopped too and the exit status is non-zero.

The environment is passed through to gunicorn and Django (DEBUG, SECRET_KEY,
DATABASE_URL, ...): `make serve-nginx` sets it as `make serve` does. NGINX names the nginx
binary (default: nginx on the PATH, else /usr/sbin/nginx). tests/test_slow_clients.py
starts the server through this script.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
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
NGINX_DIR = ROOT / "deploy" / "nginx"
TEMPLATE = NGINX_DIR / "local.conf.template"
HOST = "127.0.0.1"
TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def log(message: str) -> None:
    print(f"[serve-nginx] {message}", file=sys.stderr, flush=True)


def find_nginx() -> str | None:
    candidates = [os.environ.get("NGINX"), shutil.which("nginx"), "/usr/sbin/nginx"]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def mime_types_directive(nginx: str) -> str:
    """`include <nginx's own mime.types>;`, found next to its compiled-in nginx.conf."""
    result = subprocess.run([nginx, "-V"], capture_output=True, text=True, timeout=10)
    match = re.search(r"--conf-path=(\S+)", result.stderr + result.stdout)
    if match:
        mime_types = Path(match.group(1)).parent / "mime.types"
        if mime_types.is_file():
            return f"include {mime_types};"
    # nginx built without a conf path we can find: the types static files need.
    return (
        "types { text/html html; text/css css; application/javascript js mjs; "
        "application/json json map; image/svg+xml svg; image/png png; image/jpeg jpg; "
        "image/gif gif; image/x-icon ico; font/woff woff; font/woff2 woff2; "
        "text/plain txt; }"
    )


def server_names(allowed_hosts: str) -> str:
    """nginx server_name for ALLOWED_HOSTS: "127.0.0.1,localhost" -> "127.0.0.1 localhost"."""
    names = [h.strip() for h in allowed_hosts.split(",") if h.strip()]
    if not names or "*" in names:
        return "~."  # Django accepts any name: so does this server
    return " ".join(names)


def render(template: str, values: dict[str, str]) -> str:
    """Replace each {{name}}; a placeholder without a value is an error, not a blank."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"{TEMPLATE.name}: no value for {{{{{name}}}}}")
        return values[name]

    return re.sub(r"\{\{(\w+)\}\}", value, template)


def write_config(
    runtime: Path,
    *,
    nginx: str,
    port: int,
    upstream: str,
    static_root: Path,
    allowed_hosts: str,
    error_log_level: str = "warn",
) -> Path:
    """The runtime config and its snippets under `runtime`; returns the config's path."""
    runtime.mkdir(parents=True, exist_ok=True)
    for name in TEMP_DIRS:
        (runtime / "temp" / name).mkdir(parents=True, exist_ok=True)
    snippets = runtime / "snippets"
    snippets.mkdir(exist_ok=True)
    for snippet in sorted((NGINX_DIR / "snippets").glob("*.conf")):
        shutil.copyfile(snippet, snippets / snippet.name)
    # As root, nginx's workers would otherwise switch to an unprivileged user that cannot
    # read a checkout or temporary directory private to this one: keep this user's rights
    # (the server listens on loopback only). Without root, nginx keeps the user anyway.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    config = render(
        TEMPLATE.read_text(),
        {
            "runtime_dir": str(runtime),
            "user_directive": user,
            "error_log_level": error_log_level,
            "mime_types": mime_types_directive(nginx),
            "listen": f"{HOST}:{port}",
            "upstream": upstream,
            "server_names": server_names(allowed_hosts),
            "static_root": str(static_root).rstrip("/"),
        },
    )
    path = runtime / "nginx.conf"
    path.write_text(config)
    return path


def wait_until_up(url: str, process: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited while starting (status {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise SystemExit(f"{what} did not answer {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen, sig: int, timeout: float = 35) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Stop(Exception):
    pass


def _raise_stop(signum, frame) -> None:
    raise Stop(signal.Signals(signum).name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    parser.add_argument("--runtime-dir", type=Path, default=ROOT / ".serve")
    parser.add_argument(
        "--upstream-port", type=int, default=0, help="gunicorn's loopback port (default: free)"
    )
    args = parser.parse_args()

    nginx = find_nginx()
    if nginx is None:
        raise SystemExit("nginx is not installed (apt-get install -y nginx), or set NGINX")
    runtime = args.runtime_dir.resolve()
    upstream = f"{HOST}:{args.upstream_port or free_port()}"
    static_root = Path(os.environ.get("STATIC_ROOT") or ROOT / "staticfiles").resolve()
    env = {
        **os.environ,
        "GUNICORN_BIND": upstream,
        "TRUSTED_PROXY_COUNT": os.environ.get("TRUSTED_PROXY_COUNT") or "1",
    }
    config = write_config(
        runtime,
        nginx=nginx,
        port=args.port,
        upstream=upstream,
        static_root=static_root,
        allowed_hosts=os.environ.get("ALLOWED_HOSTS") or "127.0.0.1,localhost",
    )
    nginx_command = [nginx, "-p", f"{runtime}/", "-c", str(config)]
    checked = subprocess.run([*nginx_command, "-t", "-q"], capture_output=True, text=True)
    if checked.returncode != 0:
        sys.stderr.write(checked.stdout + checked.stderr)
        raise SystemExit(f"nginx rejects {config}")

    # Ctrl-C reaches this process only (the servers run in sessions of their own), so
    # they are stopped in order: nginx first, then gunicorn.
    signal.signal(signal.SIGINT, _raise_stop)
    signal.signal(signal.SIGTERM, _raise_stop)
    gunicorn = nginx_process = None
    status = 0
    try:
        gunicorn = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "tracker/gunicorn_conf.py"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        wait_until_up(f"http://{upstream}/healthz", gunicorn, "gunicorn")
        nginx_process = subprocess.Popen(nginx_command, cwd=ROOT, start_new_session=True)
        wait_until_up(f"http://{HOST}:{args.port}/healthz", nginx_process, "nginx")
        log(
            f"nginx on http://localhost:{args.port}/ -> gunicorn on {upstream} "
            f"(config and logs in {runtime}; Ctrl-C stops both)"
        )
        while True:
            for name, process in (("nginx", nginx_process), ("gunicorn", gunicorn)):
                if process.poll() is not None:
                    log(f"{name} exited with status {process.returncode}: stopping")
                    return 1
            time.sleep(0.5)
    except Stop as why:
        log(f"{why}: stopping nginx, then gunicorn")
    except SystemExit as error:
        log(str(error))
        status = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if nginx_process is not None:
            stop(nginx_process, signal.SIGQUIT)  # graceful: finish the requests in flight
        if gunicorn is not None:
            stop(gunicorn, signal.SIGTERM)
    return status


if __name__ == "__main__":
    sys.exit(main())
