"""The page cache is exact across processes: two production-like servers (gunicorn, two
workers each, DEBUG off) share one database and one cache directory, as `make serve` does
on one machine. Each kind of editorial change is made by a third process, through the
editorial services, while both servers hold the page in their shared cache; the next
anonymous request to either server, on whichever worker, shows the change.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from .test_slow_clients import (
    HOST,
    ROOT,
    free_port,
    site,  # noqa: F401  (the fixture: a migrated demo database)
    start_gunicorn,
    stop,
    wait_until_up,
)

pytestmark = pytest.mark.server

MARK = "Rivers-cross-the-county-line"  # words no other statement has
CORRECTED = "Rivers-cross-the-state-line"
RESPONSE = "Bridges-need-mending-first"

PREAMBLE = f"""
import datetime
from django.contrib.auth import get_user_model
from statements import editorial as e
from statements.models import (
    Person, Reaction, Source, Statement, StatementSource, Topic, StatementTopic
)
user, _ = get_user_model().objects.get_or_create(
    username="cache-checker", defaults={{"is_superuser": True, "is_staff": True}}
)
def mark():
    return Statement.objects.get(text__startswith="{MARK[:12]}")
"""

SETUP = f"""
source = Source.objects.published().first()
statement = e.create_record(
    record=Statement(
        speaker=Person.objects.get(slug="jon-ossoff"), said_on=datetime.date(2020, 6, 1),
        kind="direct", text="{MARK}",
    ),
    user=user,
)
StatementSource.objects.create(statement=statement, source=source)
StatementTopic.objects.create(statement=statement, topic=Topic.objects.get(slug="immigration"))
duplicate = e.create_record(record=Topic(name="Migration (dup)", slug="migration-dup"), user=user)
e.publish(record=duplicate, user=user)
"""

CHANGES = {
    "publish": "e.publish(record=mark(), user=user)",
    "correct": f"""e.correct(
        record=mark(), user=user, changes={{"text": "{CORRECTED}"}},
        note="The source misprinted a word.",
    )""",
    "revert": """s = Statement.objects.get(text__startswith="Rivers-cross-the-state")
first = s.history.filter(text__startswith="Rivers-cross-the-county").earliest("history_date")
e.revert(record=s, user=user, history_id=first.history_id, loaded_version=s.version,
         note="Back to the source's words.")""",
    "reaction": f"""s = mark()
r = e.create_record(record=Reaction(
    statement=s, respondent=Person.objects.get(slug="bhavin-patel"), stance="disagrees",
    interpretation="calls it wrong", text="{RESPONSE}", source=s.sources.first(),
), user=user)
e.publish(record=r, user=user)""",
    "merge": """e.merge(survivor=Topic.objects.get(slug="immigration"),
        duplicate=Topic.objects.get(slug="migration-dup"), user=user)""",
    "withdraw": """e.withdraw(record=mark(), user=user, reason="Misattributed.",
    with_dependents=True)""",
}


@pytest.fixture(scope="module")
def servers(site, tmp_path_factory):  # noqa: F811
    env, _ = site
    work = tmp_path_factory.mktemp("page-cache")
    env = {**env, "CACHE_DIR": str(work / "cache")}
    started = []
    for name in ("a", "b"):
        port = free_port()
        folder = work / name
        folder.mkdir()
        server = start_gunicorn(env, folder, f"{HOST}:{port}", WEB_CONCURRENCY="2")
        server.port = port
        started.append(server)
    for server in started:
        wait_until_up(server, lambda s=server: get(s.port, "/healthz")[0] == 200, "gunicorn")
    yield env, [server.port for server in started]
    for server in started:
        stop(server.process)


def get(port: int, path: str) -> tuple[int, str, str]:
    request = urllib.request.Request(f"http://{HOST}:{port}{path}")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            body = response.read().decode()
            return response.status, response.headers.get("X-Page-Cache", ""), body
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Page-Cache", ""), ""
    except OSError:  # not listening yet
        return 0, "", ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def run(env: dict, code: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PREAMBLE + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def cached_everywhere(ports: list[int], path: str) -> str:
    """Ask each server until the page comes from the shared cache; return the bodies
    (one per server: each names its own host in its links)."""
    bodies = []
    for port in ports:
        states = [get(port, path) for _ in range(4)]
        assert states[-1][1] == "hit", (port, path, [s[:2] for s in states])
        assert len({body for _, _, body in states}) == 1
        bodies.append(states[-1][2])
    return "\n".join(bodies)


def everywhere(ports: list[int], path: str) -> list[tuple[int, str, str]]:
    """The next requests after a change: several per server, so both workers answer."""
    return [get(port, path) for port in ports for _ in range(4)]


def test_every_kind_of_change_shows_on_the_next_request_on_every_server(servers):
    env, ports = servers
    run(env, SETUP)
    listing = "/statements/?speaker=jon-ossoff"

    assert MARK not in cached_everywhere(ports, listing)
    run(env, CHANGES["publish"])
    assert all(MARK in body for _, _, body in everywhere(ports, listing))

    statement_id = int(
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", PREAMBLE + "print(mark().pk)"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout.split()[-1]
    )
    page = f"/statements/{statement_id}/"

    for change, before, after in (
        ("correct", MARK, CORRECTED),
        ("revert", CORRECTED, MARK),
        ("reaction", MARK, RESPONSE),
    ):
        body = cached_everywhere(ports, page)
        assert before in body and after not in body, change
        run(env, CHANGES[change])
        answers = everywhere(ports, page)
        assert all(status == 200 and after in body for status, _, body in answers), change

    assert cached_everywhere(ports, "/topics/migration-dup/")
    run(env, CHANGES["merge"])
    assert {status for status, _, _ in everywhere(ports, "/topics/migration-dup/")} == {301}

    cached_everywhere(ports, listing)
    run(env, CHANGES["withdraw"])
    assert all(MARK not in body for _, _, body in everywhere(ports, listing))
    assert {status for status, _, _ in everywhere(ports, page)} <= {404, 410}
