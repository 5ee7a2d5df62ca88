"""The load balancer's probe. A server can answer pages only when it reaches the
database. Without the shared cache it still answers them, read from the database alone
(statements/caching/shared.py), but every page costs what an uncached one does and no
write can be saved: the probe says "degraded", with a 200, so that the servers stay in
the load balancer's rotation and the monitoring sees why the site is slow."""

from collections.abc import Callable

from django.db import connection
from django.http import JsonResponse

from ...caching import generation


def query_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def read_cache() -> None:
    # The stamps every request reads first; asked of the cache itself, not of the
    # request's reading (which, without the cache, is made up: generation.unread).
    generation.shared_cache().get_many(generation.stamp_keys())


def reached(check: Callable[[], None]) -> bool:
    try:
        check()
    except Exception:
        return False
    return True


def healthz(request):
    parts = {"database": reached(query_database), "cache": reached(read_cache)}
    answer = {name: "ok" if up else "down" for name, up in parts.items()}
    if not parts["database"]:
        return JsonResponse({"status": "unavailable", **answer}, status=503)
    return JsonResponse({"status": "ok" if parts["cache"] else "degraded", **answer})
