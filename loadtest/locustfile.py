"""The readers' side of `make loadtest`: closed-loop clients that request the main pages.

Run by loadtest/run.py, which starts the server and passes, in the environment:

- LOADTEST_TARGETS: a JSON file of real ids and slugs to fill in the path templates;
- LOADTEST_PATHS (optional): comma-separated path templates to use instead of PATHS;
- LOADTEST_RESULTS_FILE: where to write, at the end, every response time (per path
  template) and the count of responses per status code, for run.py to report on.

Every client asks for a random path, waits for the answer, and asks again: no think
time, so the figures are the server's capacity. Only status codes matter; a 4xx or 5xx
counts as a failure. Paths must be relative: the host is always the loopback server.
"""

import datetime
import json
import os
import random
import time
from collections import Counter, defaultdict

from locust import FastHttpUser, constant, events, task

# Repeated addresses, which the page cache answers after the first request, and addresses
# drawn fresh for each request ({day}, {word}: a random date, a search word), which no
# cache can answer. run.py reports the two groups apart.
PATHS = [
    "/",
    "/statements/",
    "/statements/?q=immigration",
    "/statements/{statement}/",
    "/people/{person}/",
    "/topics/{topic}/",
    "/api/v1/statements/",
    "/api/v1/people/",
    "/statements/?said_before={day}",
    "/statements/?q={word}&said_after={day}",
    "/statements/?topic={topic}&said_before={day}",
    "/api/v1/statements/?said_before={day}",
]
WORDS = ["immigration", "economy", "program", "health", "jobs", "border", "family", "tax"]
FIRST_DAY = datetime.date(2000, 1, 1)


def fresh_values() -> dict[str, str]:
    """Values that make each request's address new to the cache."""
    day = FIRST_DAY + datetime.timedelta(days=random.randrange(9500))
    return {"day": day.isoformat(), "word": random.choice(WORDS)}


def load_paths() -> list[str]:
    raw = os.environ.get("LOADTEST_PATHS", "")
    paths = [p.strip() for p in raw.split(",") if p.strip()] or PATHS
    for path in paths:
        if not path.startswith("/") or path.startswith("//"):
            raise SystemExit(f"LOADTEST_PATHS: {path!r} is not a path on this server")
    return paths


def load_targets() -> dict[str, list]:
    name = os.environ.get("LOADTEST_TARGETS")
    if not name:
        return {"statement": [1], "person": ["jon-ossoff"], "topic": ["immigration"]}
    with open(name) as f:
        return json.load(f)


TEMPLATES = load_paths()
TARGETS = load_targets()
STATUS_CODES: Counter = Counter()
TIMES: defaultdict[str, list[float]] = defaultdict(list)
FAILURES: Counter = Counter()
CLOCK = {"start": None, "end": None}


@events.test_start.add_listener
def started(**kwargs):
    CLOCK["start"] = time.monotonic()


@events.request.add_listener
def record(name, response_time, response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", None) or 0
    STATUS_CODES[str(status) if status else "no response"] += 1
    TIMES[name].append(response_time)
    if exception:
        FAILURES[name] += 1
    CLOCK["end"] = time.monotonic()


@events.quitting.add_listener
def write_results(environment, **kwargs):
    name = os.environ.get("LOADTEST_RESULTS_FILE")
    if not name:
        return
    elapsed = (CLOCK["end"] or 0) - (CLOCK["start"] or 0)
    with open(name, "w") as f:
        json.dump(
            {
                "elapsed_seconds": max(elapsed, 0.001),
                "status_codes": dict(STATUS_CODES),
                "times_ms": TIMES,
                "failures": dict(FAILURES),
            },
            f,
        )


class Reader(FastHttpUser):
    wait_time = constant(0)

    @task
    def read(self):
        template = random.choice(TEMPLATES)
        values = {key: random.choice(choices) for key, choices in TARGETS.items()}
        path = template.format(**values, **fresh_values())
        with self.client.get(path, name=template, catch_response=True) as response:
            if response.status_code >= 400:
                response.failure(f"HTTP {response.status_code}")
