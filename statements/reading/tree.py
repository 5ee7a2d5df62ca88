"""The topic tree: every published topic in one query, walked in memory."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connection
from django.http import Http404

from ..caching import generation, shared
from ..caching.release import shared_key
from ..models import (
    Topic,
)
from . import visibility
from .attached import attach, prefetched, related

COUNTS_CACHE_KEY = shared_key("statements:topic-statement-counts", "{generation}")
# Counted exactly up to this many statements per topic; beyond, shown as "1,000+".
COUNT_CAP = 1000


class AtLeast(int):
    """A count that stopped at COUNT_CAP + 1: reads "1,000+", and compares and
    pluralizes as the number it holds."""

    def __str__(self) -> str:
        return f"{COUNT_CAP:,}+"


TREE_CACHE_KEY = shared_key("statements:topic-tree", "{generation}")
TREE_TTL = 24 * 3600
# Sets of topics whose prefetched queryset a tree keeps (``prefetched_topics``); past
# that, a statement gets one of its own. A million generated statements have 1,801.
SHARED_TOPIC_SETS = 4096


class TopicTree:
    """Every published topic, read in one query, with parents and children in memory.

    A published topic under a draft one is treated as top-level: the draft stays hidden.
    """

    _kept: tuple[int, TopicTree] | None = None  # (topics' stamp, tree): see load()

    def __init__(self, topics: list[Topic]):
        self.by_id: dict[int, Topic] = {t.pk: t for t in topics}
        self.by_slug: dict[str, Topic] = {t.slug: t for t in topics}
        self.children: dict[int | None, list[Topic]] = defaultdict(list)
        for topic in topics:
            parent = topic.parent_id if topic.parent_id in self.by_id else None
            self.children[parent].append(topic)
        self.roots = self.children[None]
        self.order: dict[int, int] = {
            topic.pk: index for index, (topic, _depth) in enumerate(self.walk())
        }
        # Where each topic comes by name, as a prefetch of a statement's topics orders them.
        self.name_order: dict[int, int] = {
            topic.pk: index
            for index, topic in enumerate(sorted(topics, key=lambda t: (t.name, t.pk)))
        }
        # Each topic of the tree carries its breadcrumb, the same on every page: the pages
        # that show the tree's topics (give_topics) need not work it out again.
        for topic in topics:
            attach(topic, trail=self.trail(topic))
        self._prefetched: dict[tuple[int, ...], Any] = {}

    @classmethod
    def load(cls) -> TopicTree:
        """The tree as published now. Every page reads it, so the topics are kept in the
        shared cache under the topics' own stamp (generation.current("topics")): exact,
        and no query once warm, however many statements are published meanwhile. The
        process keeps the last tree it built, for that stamp: the pages only add each
        topic's trail to it, which is the same for every page."""
        stamp = generation.current("topics")
        kept = cls._kept
        if kept is not None and kept[0] == stamp:
            return kept[1]
        topics = shared.kept(
            TREE_CACHE_KEY.format(generation=stamp),
            lambda: list(visibility.topics().order_by("name", "id")),
            TREE_TTL,
        )
        tree = cls(topics)
        cls._kept = (stamp, tree)
        return tree

    def prefetched_topics(self, ids: tuple[int, ...]) -> Any:
        """The topics ``ids``, as a statement's prefetched topics (give_topics): one
        queryset per set of topics, shared by every statement given it, in every thread,
        as no one changes a prefetched list. A queryset is eight objects for the garbage
        collector, and a process keeps hundreds of statements with their topics (a
        person's newest: people._said_by)."""
        found = self._prefetched.get(ids)
        if found is None:
            found = prefetched(Topic, [self.by_id[pk] for pk in ids])
            if len(self._prefetched) < SHARED_TOPIC_SETS:
                self._prefetched[ids] = found
        return found

    def get(self, slug: str) -> Topic:
        try:
            return self.by_slug[slug]
        except KeyError:
            raise Http404("No published topic with that address.") from None

    def trail(self, topic: Topic) -> list[Topic]:
        """The broader topics above this one, top first (published ones only)."""
        chain, seen = [], {topic.pk}
        parent_id = topic.parent_id
        while parent_id in self.by_id and parent_id not in seen:
            parent = self.by_id[parent_id]
            chain.append(parent)
            seen.add(parent_id)
            parent_id = parent.parent_id
        return chain[::-1]

    def descendant_ids(self, topic: Topic) -> set[int]:
        """The topic and everything below it."""
        found, stack = set(), [topic.pk]
        while stack:
            topic_id = stack.pop()
            if topic_id in found:
                continue
            found.add(topic_id)
            stack.extend(child.pk for child in self.children.get(topic_id, []))
        return found

    def walk(self, start: list[Topic] | None = None, depth: int = 0):
        """(topic, depth) pairs in reading order: each topic, then its narrower topics."""
        seen: set[int] = set()
        stack = [(topic, depth) for topic in reversed(self.roots if start is None else start)]
        while stack:
            topic, level = stack.pop()
            if topic.pk in seen:
                continue
            seen.add(topic.pk)
            yield topic, level
            stack.extend((child, level + 1) for child in reversed(self.children.get(topic.pk, [])))

    def statement_counts(self) -> dict[int, int]:
        """Published statements per topic, narrower topics included, counted once each,
        exactly up to COUNT_CAP and as ``AtLeast`` beyond: an exact count of a big topic
        scans all its links, seconds at a million statements, on every change. Cached
        under the content generation, so a count is never older than the last write."""
        key = COUNTS_CACHE_KEY.format(generation=generation.current())
        return shared.kept(key, self.count_statements, TREE_TTL)

    def count_statements(self) -> dict[int, int]:
        """For each topic, the distinct statements of its links and its narrower topics'
        links, the first COUNT_CAP + 1 of them: one bounded subquery per topic, in one
        query per 200 topics."""
        links = visibility.topic_links().order_by()
        topics = list(self.by_id.values())
        counts: dict[int, int] = {}
        for start in range(0, len(topics), 200):
            chunk = topics[start : start + 200]
            columns: list[str] = []
            params: list = []
            for topic in chunk:
                under = links.filter(topic_id__in=self.descendant_ids(topic))
                first = under.values("statement_id").distinct()[: COUNT_CAP + 1]
                sql, first_params = first.query.sql_with_params()
                columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS topic_{topic.pk})")
                params.extend(first_params)
            with connection.cursor() as cursor:
                cursor.execute("SELECT " + ", ".join(columns), params)
                row = cursor.fetchone()
            for topic, value in zip(chunk, row, strict=True):
                counts[topic.pk] = AtLeast(value) if value > COUNT_CAP else int(value)
        return counts

    def nested(self, counts: dict[int, int], start: list[Topic] | None = None) -> list[dict]:
        """The tree as nested dicts for a template: topic, count, trail, children."""

        def branch(topic: Topic) -> dict:
            return {
                "topic": topic,
                "count": counts.get(topic.pk, 0),
                "children": [branch(child) for child in self.children.get(topic.pk, [])],
            }

        return [branch(topic) for topic in (self.roots if start is None else start)]

    def attach_trails(self, statements) -> None:
        """Give each card's topics their breadcrumb (`topic.trail`) from the tree."""
        for statement in statements:
            for topic in related(statement, "topics"):
                attach(topic, trail=self.trail(topic))


# A topic's change reads the tree again as it commits: every page reads the tree, and the
# first after the change would otherwise pay for it within its query budget.
generation.rebuild_on_change("topics", TopicTree.load)
