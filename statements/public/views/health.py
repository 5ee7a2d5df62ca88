"""The load balancer's probe. A server can answer pages only when it reaches both the
database and the shared cache: every public page reads its content generation from the
cache (statements/caching/generation.py), so without it they fail as surely as without
the database."""

from collections.abc import Callable

from django.db import connection
from django.http import JsonResponse

from ...caching import generation


def query_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def read_cache() -> None:
    generation.current()  # the stamp every request reads first (or reads it now)


def reached(check: Callable[[], None]) -> bool:
    try:
        check()
    except Exception:
        return False
    return True


def healthz(request):
    parts = {"database": reached(query_database), "cache": reached(read_cache)}
    answer = {name: "ok" if up else "down" for name, up in parts.items()}
    if all(parts.values()):
        return JsonResponse({"status": "ok", **answer})
    return JsonResponse({"status": "unavailable", **answer}, status=503)
