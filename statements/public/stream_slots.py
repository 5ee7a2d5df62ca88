"""How many exports a worker process streams at once: a bounded number, so that streams
never hold every thread that serves pages."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse


class StreamSlots:
    """How many export streams this worker process is sending, bounded.

    gunicorn's gthread workers (tracker/gunicorn_conf.py) serve each request on one of a
    few threads (GUNICORN_THREADS, 8), and a streamed export holds its thread from the
    first row to the last, for as long as the client takes to read it when nginx is not
    in front. Without a bound, a handful of exports (a scraper, a newsroom downloading at
    once) would hold every thread of a worker, and the pages it serves would wait behind
    them. So each worker streams at most EXPORT_STREAMS_PER_WORKER exports at once (2 of
    its 8 threads by default); one more gets a 503 with Retry-After, pointing at the bulk
    files on /data/, which nginx or Django serve as static files without the database.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.taken = 0

    def take(self) -> bool:
        with self._lock:
            if self.taken >= settings.EXPORT_STREAMS_PER_WORKER:
                return False
            self.taken += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self.taken -= 1


STREAM_SLOTS = StreamSlots()
RETRY_AFTER_SECONDS = 30


class HoldingSlot:
    """A response's content that holds a stream slot until the response is closed, which
    the server does however the stream ended (finished, failed, or the client left)."""

    def __init__(self, content: Iterable[bytes]):
        self.iterator = iter(content)
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        return self.iterator

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            close = getattr(self.iterator, "close", None)
            if close is not None:
                close()  # stops the query if the client left mid-way
        finally:
            STREAM_SLOTS.give_back()


def too_many_streams(*, as_json: bool) -> HttpResponse:
    """503: every export slot of this worker is streaming; try again, or use /data/."""
    data_page = reverse("statements:data")
    detail = (
        "Too many exports are streaming right now. Try again in "
        f"{RETRY_AFTER_SECONDS} seconds, or download the whole published set as a bulk "
        f"file from {data_page}"
    )
    response: HttpResponse
    if as_json:
        response = JsonResponse({"detail": detail, "bulk_files": data_page}, status=503)
    else:
        response = HttpResponse(detail + "\n", status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
