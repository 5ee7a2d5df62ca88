"""The scenarios: each a warm URL (repeated) and cold URLs (a different one per request),
built from the targets found in the database. Pure: no database, no server."""

from __future__ import annotations

import random
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from benchmarks.targets import COLD_URLS, Targets

STOCK = "/_bench/stock/"
BARE = "/_bench/bare/"
EVERY_CHART = "*"


@dataclass
class Scenario:
    name: str
    warm: str
    cold: list[str] = field(default_factory=list)  # empty: warm only
    server: str = "project"  # or "limit"
    stock: str | None = None  # the stock scenario it is compared with
    group: str = ""
    # Whose timeline charts the write before the runs changes (statements/caching/
    # charts.py): EVERY_CHART, "person:<slug>" or "topic:<slug>"; none besides, by default.
    charts_changed: str = ""
    # Whether that write changes every card (as renaming a person does), or none that the
    # runs show (as editing one statement elsewhere does: statements/caching/
    # card_versions.py), which leaves the cards drawn before it kept.
    every_card_changed: bool = True

    def runs(self) -> list[tuple[str, str | list[str]]]:
        return [("cold", self.cold), ("warm", self.warm)] if self.cold else [("warm", self.warm)]


def query(path: str, **params) -> str:
    pairs = [(k, v) for k, values in params.items() for v in _listed(values)]
    return f"{path}?{urllib.parse.urlencode(pairs)}" if pairs else path


def _listed(value) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def before_and_after_one_write(
    name: str, prefix: str, slugs: list[str], kind: str, one: str
) -> list[Scenario]:
    """A page's two rows: after a write that changes every chart, then after a write to
    the statements of ``one`` (a person's or a topic's: ``kind``), which changes its."""
    return [
        Scenario(
            f"{name}{after}",
            f"/{prefix}/{one}/{query_string}",
            [f"/{prefix}/{slug}/{query_string}" for slug in slugs],
            group="pages",
            charts_changed=changed,
        )
        for after, query_string, changed in (
            ("", "", EVERY_CHART),
            (f", after a write to one {kind}'s statements", "?after=one", f"{kind}:{one}"),
        )
    ]


def again_after_a_write_to_one_statement(first: Scenario) -> Scenario:
    """``first`` again, right after it, at the same addresses, after a write that changes
    no card they show: the pages are drawn again, the cards the first run drew are kept
    (in the memory of whichever worker drew them)."""
    return Scenario(
        f"{first.name}, again after a write to one statement",
        f"{first.warm}{'&' if '?' in first.warm else '?'}after=one",
        first.cold,
        stock=first.stock,
        group=first.group,
        every_card_changed=False,
    )


def build_scenarios(t: Targets, seed: int = 0) -> list[Scenario]:
    rng = random.Random(seed)

    def cold(make: Callable[[], str], n: int = COLD_URLS) -> list[str]:
        """Up to n distinct URLs from ``make``, in a random order."""
        seen: dict[str, None] = {}
        for _ in range(n * 3):
            seen.setdefault(make(), None)
            if len(seen) >= n:
                break
        return list(seen)

    date = lambda: rng.choice(t.dates)  # noqa: E731
    top = t.speakers[0]
    topic = t.parent_topics[0]
    kinds = ["direct", "partial", "paraphrase"]
    page_1 = Scenario(
        "List, page 1",
        "/statements/",
        cold(lambda: query("/statements/", said_before=date())),
        stock="Stock: page 1",
        group="list",
    )
    on_topic = Scenario(
        f"List, topic with narrower ({topic})",
        query("/statements/", topic=topic),
        cold(lambda: query("/statements/", topic=rng.choice(t.parent_topics), said_before=date())),
        stock="Stock: topic",
        group="list",
    )
    out = [
        Scenario("Limit: bare view, Django's default middleware", BARE, server="limit"),
        Scenario("Bare view, the project's middleware", BARE),
        page_1,
        again_after_a_write_to_one_statement(page_1),
        Scenario(
            "List, half-way (cursor)",
            query("/statements/", cursor=t.half_way_cursors[0]),
            cold(lambda: query("/statements/", cursor=rng.choice(t.half_way_cursors))),
            stock="Stock: half-way (?page=N)",
            group="list",
        ),
        on_topic,
        again_after_a_write_to_one_statement(on_topic),
        Scenario(
            "List, speaker + kind",
            query("/statements/", speaker=top, kind="direct"),
            cold(
                lambda: query(
                    "/statements/",
                    speaker=rng.choice(t.speakers),
                    kind=rng.choice(kinds),
                    said_before=date(),
                )
            ),
            group="list",
        ),
    ]
    for level in ("rare", "medium", "common"):
        word, rows = t.words[level]
        share = f"{rows / t.total:.2%}" if t.total else "?"
        for order, extra in (("ranked", {}), ("by date", {"ordering": "-said_on"})):
            out.append(
                Scenario(
                    f"Search, {level} word “{word}” ({share} of rows), {order}",
                    query("/statements/", q=word, **extra),
                    cold(
                        lambda w=word, e=extra: query("/statements/", q=w, said_before=date(), **e)
                    ),
                    stock=f"Stock: search {level} word",
                    group="search",
                )
            )
    statement = t.statements[0]
    pair = t.speakers[:2]
    out += [
        Scenario(
            "Statement page",
            f"/statements/{statement}/",
            [f"/statements/{pk}/" for pk in t.statements],
            group="pages",
        ),
        # The second of each runs right after the first, at addresses not asked before:
        # the charts are drawn by then, and the write before it changes one of them.
        *before_and_after_one_write(
            "Person page, most prolific speaker", "people", t.speakers, "person", top
        ),
        *before_and_after_one_write(f"Topic page ({topic})", "topics", t.topics, "topic", topic),
        Scenario(
            "Race page",
            f"/races/{t.races[0]}/",
            [f"/races/{slug}/" for slug in t.races],
            group="pages",
        )
        if t.races
        else None,
        Scenario(
            "Compare, two speakers on a topic",
            query("/compare/", people=pair, topic=topic),
            cold(
                lambda: query(
                    "/compare/",
                    people=rng.sample(t.speakers, 2),
                    topic=rng.choice(t.topics),
                )
            ),
            group="pages",
        ),
        Scenario(
            "API, statement list",
            "/api/v1/statements/",
            cold(lambda: query("/api/v1/statements/", said_before=date())),
            group="api",
        ),
        Scenario(
            "API, one statement",
            f"/api/v1/statements/{statement}/",
            [f"/api/v1/statements/{pk}/" for pk in t.statements],
            group="api",
        ),
        Scenario(
            "RSS feed",
            "/statements/feed/",
            cold(lambda: query("/statements/feed/", said_before=date())),
            group="api",
        ),
        Scenario(
            "Stock: page 1",
            STOCK,
            cold(lambda: query(STOCK, said_before=date())),
            group="stock",
        ),
        Scenario(
            "Stock: half-way (?page=N)",
            query(STOCK, page=t.half_way_pages[0]),
            cold(lambda: query(STOCK, page=rng.choice(t.half_way_pages))),
            group="stock",
        ),
        Scenario(
            "Stock: topic",
            query(STOCK, topic=topic),
            cold(lambda: query(STOCK, topic=rng.choice(t.parent_topics), said_before=date())),
            group="stock",
        ),
    ]
    for level in ("rare", "medium", "common"):
        word, _ = t.words[level]
        out.append(
            Scenario(
                f"Stock: search {level} word",
                query(STOCK, q=word),
                cold(lambda w=word: query(STOCK, q=w, said_before=date())),
                group="stock",
            )
        )
    return [scenario for scenario in out if scenario is not None]
