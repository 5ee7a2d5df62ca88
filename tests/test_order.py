"""The order statements are listed in, everywhere: newest day first, and statements said
on the same day in the order they were entered (an article's remarks, entered top to
bottom, read in the order they were said). Oldest first reverses the days only.

Every output that lists statements is read here against one set of rows, with page
boundaries inside a day, so that the keyset cursors carry the tie-breaker too.
"""

import csv
import datetime
import io
import json
import re

import feedparser
import pytest

from statements.models import Statement

from .factories import PersonFactory, StatementFactory, TopicFactory

pytestmark = pytest.mark.django_db

DAYS = [datetime.date(2020, 5, 28), datetime.date(2020, 5, 30), datetime.date(2020, 6, 2)]
PER_DAY = 9  # pages of 20 end inside a day


@pytest.fixture
def said():
    """PER_DAY statements on each of DAYS by one speaker on one topic, entered day by day
    in the order said, except that the middle day was entered last: entry order is not
    date order."""
    speaker = PersonFactory(slug="pat-rivera", name="Pat Rivera")
    topic = TopicFactory(slug="immigration", name="Immigration")
    made = {}
    for day in (DAYS[0], DAYS[2], DAYS[1]):
        made[day] = [
            StatementFactory(
                speaker=speaker, topics=[topic], said_on=day, text=f"{day} remark {n}."
            )
            for n in range(1, PER_DAY + 1)
        ]
    return made


def newest_first(said) -> list[int]:
    return [s.pk for day in sorted(said, reverse=True) for s in said[day]]


def oldest_first(said) -> list[int]:
    return [s.pk for day in sorted(said) for s in said[day]]


def cards(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="statement-(\d+)-label"', body)]


def walk(client, url: str, rel: str) -> list[int]:
    """Every statement of the list, page after page, following the rel="next"/"prev" links."""
    seen: list[int] = []
    for _ in range(10):
        body = client.get(url).content.decode()
        seen.extend(cards(body) if rel == "next" else cards(body)[::-1])
        link = re.search(rf'rel="{rel}" href="([^"]*)"', body)
        if not link:
            return seen
        url = "/statements/" + link.group(1).replace("&amp;", "&")
    raise AssertionError("too many pages")


def test_the_same_day_reads_in_the_order_said_on_the_list_page(client, said):
    assert walk(client, "/statements/", "next") == newest_first(said)
    assert walk(client, "/statements/?ordering=said_on", "next") == oldest_first(said)


def test_cursors_carry_the_tie_breaker_both_ways(client, said):
    # Page 2 through a cursor, then back through the "newer" link of the page after.
    first = client.get("/statements/").content.decode()
    older = re.search(r'rel="next" href="([^"]*)"', first).group(1).replace("&amp;", "&")
    assert "cursor=" in older
    second = client.get("/statements/" + older).content.decode()
    assert cards(second) == newest_first(said)[20:]
    newer = re.search(r'rel="prev" href="([^"]*)"', second).group(1).replace("&amp;", "&")
    assert cards(client.get("/statements/" + newer).content.decode()) == newest_first(said)[:20]
    last = client.get("/statements/?ordering=said_on&page=2").content.decode()
    assert cards(last) == oldest_first(said)[20:]
    assert walk(client, "/statements/?ordering=said_on&page=2", "prev") == oldest_first(said)[::-1]


def test_the_api_pages_in_the_same_order(client, said):
    for query, expected in [("", newest_first(said)), ("ordering=said_on", oldest_first(said))]:
        seen, url = [], f"/api/v1/statements/?page_size=7&{query}"
        while url:
            data = client.get(url).json()
            seen.extend(item["id"] for item in data["results"])
            url = data["next"]
        assert seen == expected, query


def test_the_exports_and_feeds_in_the_same_order(client, said):
    for query, expected in [("", newest_first(said)), ("ordering=said_on", oldest_first(said))]:
        response = client.get(f"/statements/export.csv?{query}")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert [int(row[0]) for row in rows[1:-1]] == expected
        response = client.get(f"/statements/export.json?{query}")
        data = json.loads(b"".join(response.streaming_content))
        assert [row["id"] for row in data["statements"]] == expected
    for url in ("/statements/feed/", "/people/pat-rivera/feed/", "/topics/immigration/feed/"):
        entries = feedparser.parse(client.get(url).content).entries
        assert [int(e.link.rstrip("/").rsplit("/", 1)[1]) for e in entries] == newest_first(said)


def first_mentions(body: str) -> list[int]:
    """The statements a page links to, in the order of their first mention."""
    seen: dict[int, None] = {}
    for pk in re.findall(r'href="/statements/(\d+)/"', body.split('<main id="main"', 1)[1]):
        seen.setdefault(int(pk), None)
    return list(seen)


@pytest.mark.parametrize("path", ["/", "/people/pat-rivera/", "/topics/immigration/"])
def test_pages_that_show_some_statements_show_them_in_the_same_order(client, said, path):
    shown = first_mentions(client.get(path).content.decode())
    assert len(shown) >= 3
    assert shown == newest_first(said)[: len(shown)]


def test_a_search_ranks_equal_matches_in_the_same_order(client, said):
    # Every statement matches "remark" equally well: ties keep the list's order.
    body = client.get("/statements/", {"q": "remark"}).content.decode()
    assert cards(body) == newest_first(said)[:20]


def test_the_model_default_order_is_the_same(said):
    assert list(Statement.objects.values_list("pk", flat=True)) == newest_first(said)
