"""Subjects, in a tree: Immigration > 287(g) program."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from .base import EditorialModel, PublicQuerySet, address, bounded_text, editorial_history

# Walking the tree: the one definition, used by the model, the reading layer and the admin.


def descendants(start: Iterable[int], children_of: Callable[[int], Iterable[int]]) -> set[int]:
    """The given topic ids and every id below them. Safe against loops."""
    found: set[int] = set()
    stack = list(start)
    while stack:
        topic_id = stack.pop()
        if topic_id not in found:
            found.add(topic_id)
            stack.extend(children_of(topic_id))
    return found


def ancestors(topic: Topic, parent_of: Callable[[Topic], Topic | None]) -> Iterator[Topic]:
    """The broader topics above ``topic``, nearest first. Stops at a loop."""
    seen = {topic.pk}
    parent = parent_of(topic)
    while parent is not None and parent.pk not in seen:
        yield parent
        seen.add(parent.pk)
        parent = parent_of(parent)


class TopicQuerySet(PublicQuerySet):
    def descendant_ids(self, topics) -> set[int]:
        """Ids of the given topics and everything below them, in one query, walking only
        the topics of this queryset (``Topic.objects.published()``: as readers see the
        tree, so nothing under a draft topic is reached through it)."""
        children: dict[int | None, list[int]] = {}
        for topic_id, parent_id in self.values_list("id", "parent_id"):
            children.setdefault(parent_id, []).append(topic_id)
        start = [t.pk if isinstance(t, Topic) else t for t in topics]
        return descendants(start, lambda topic_id: children.get(topic_id, []))


TopicManager = models.Manager.from_queryset(TopicQuerySet)


class Topic(EditorialModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The broader topic. Leave empty for a top-level topic.",
    )
    description = bounded_text("note", blank=True)

    objects: ClassVar[TopicManager[Topic]] = TopicManager()
    history = editorial_history()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="topic_name_idx")]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="topic_slug_unique"),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")),
                name="topic_not_own_parent",
                violation_error_message="A topic cannot be its own parent.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("statements:topic-detail", "slug", self.slug)

    def clean(self):
        if self.pk and self.parent_id in Topic.objects.descendant_ids([self.pk]):
            raise ValidationError(
                {"parent": "A topic cannot sit below one of its own narrower topics."}
            )
