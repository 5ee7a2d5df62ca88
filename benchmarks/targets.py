"""What the scenarios ask for: real values found in the database (dates, cursors, ids,
prolific speakers, search words), so that every URL is a meaningful one."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

# At most this many distinct URLs per cold run.
COLD_URLS = 2000


@dataclass
class Targets:
    """Real values from the database, for meaningful URLs."""

    total: int
    dates: list[str]  # ISO dates spread over the years the statements cover
    half_way_cursors: list[str]  # Cursor(said_on, pk).encode() of rows about half-way
    half_way_pages: list[int]  # page numbers about half-way, for the stock view
    parent_topics: list[str]  # topics with narrower ones, "immigration" first
    topics: list[str]
    speakers: list[str]  # the most prolific first
    statements: list[int]
    races: list[str]
    words: dict[str, tuple[str, int]]  # "rare"/"medium"/"common" -> (word, rows matching)
    export_after: str  # said_after giving about 10,000 statements


def find_targets() -> Targets:
    """Real values from the database of the settings (Django is set up)."""
    from django.db import connection
    from django.db.models import Count

    from statements.management.commands._vocabulary import NOUNS
    from statements.models import Person, Race, Statement, Topic
    from statements.paging import PAGE_SIZE, Cursor
    from statements.search import matching

    published = Statement.objects.published()
    total = published.count()
    rng = random.Random(1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(said_on), max(said_on) FROM statements_statement WHERE state = %s",
            ["published"],
        )
        first, last = cursor.fetchone()
    days = (last - first).days
    # Distinct days, as many as there are (up to COLD_URLS): page 1 "up to a day" is a
    # different page for each day.
    dates = sorted(
        (first + datetime.timedelta(days=offset)).isoformat()
        for offset in rng.sample(range(days + 1), min(days + 1, COLD_URLS))
    )
    middle = published.order_by("-said_on", "id").values_list("said_on", "pk")
    lo, hi = int(total * 0.45), max(int(total * 0.55), int(total * 0.45) + 1)
    # One query for the rows from 45% to 55% of the way down, then a sample of them;
    # the exact half-way row first (the warm URL).
    band = list(middle[lo:hi])
    half = band[min(total // 2 - lo, len(band) - 1)]
    cursors = [Cursor(*half).encode()]
    cursors += [Cursor(*row).encode() for row in rng.sample(band, min(COLD_URLS, len(band)))]
    pages = [total // 2 // PAGE_SIZE + 1]
    pages += [rng.randrange(lo // PAGE_SIZE + 1, hi // PAGE_SIZE + 2) for _ in range(COLD_URLS)]
    topics = list(Topic.objects.published().order_by("slug").values_list("slug", flat=True))
    parents = sorted(
        Topic.objects.published()
        .filter(children__isnull=False)
        .values_list("slug", flat=True)
        .distinct(),
        key=lambda slug: (slug != "immigration", slug),
    )
    speakers = list(
        Person.objects.published()
        .annotate(n=Count("statements"))
        .order_by("-n", "slug")
        .values_list("slug", flat=True)[:50]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM statements_statement TABLESAMPLE SYSTEM (%s) "
            "WHERE state = 'published' LIMIT %s",
            [min(100.0, 100.0 * 4 * COLD_URLS / max(total, 1)), COLD_URLS],
        )
        ids = [row[0] for row in cursor.fetchall()]
    rng.shuffle(ids)
    races = list(Race.objects.published().order_by("slug").values_list("slug", flat=True))
    words = {}
    for level, word in (("rare", NOUNS[-1]), ("medium", NOUNS[19]), ("common", NOUNS[0])):
        words[level] = (word, matching(published, word).count())
    tenth = middle[min(10_000, total - 1)][0]
    return Targets(
        total=total,
        dates=dates,
        half_way_cursors=cursors,
        half_way_pages=pages,
        parent_topics=parents,
        topics=topics,
        speakers=speakers,
        statements=ids,
        races=races,
        words=words,
        export_after=tenth.isoformat(),
    )
