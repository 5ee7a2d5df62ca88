"""Subjects, in a tree: Immigration > 287(g) program."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from .base import EditorialModel, EditorialQuerySet, editorial_history


class TopicQuerySet(EditorialQuerySet):
    def descendant_ids(self, topics) -> set[int]:
        """Ids of the given topics and everything below them, in one query."""
        parent_of = dict(Topic.objects.values_list("id", "parent_id"))
        children: dict[int | None, list[int]] = {}
        for topic_id, parent_id in parent_of.items():
            children.setdefault(parent_id, []).append(topic_id)
        found, stack = set(), [t.pk if isinstance(t, Topic) else t for t in topics]
        while stack:
            topic_id = stack.pop()
            if topic_id in found:
                continue
            found.add(topic_id)
            stack.extend(children.get(topic_id, []))
        return found


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
    description = models.TextField(blank=True)

    objects = TopicQuerySet.as_manager()
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
        return reverse("statements:topic-detail", kwargs={"slug": self.slug})

    @property
    def ancestors(self) -> list["Topic"]:
        """Broader topics, top first. Walks parents: select_related them for lists."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain[::-1]

    @property
    def path_display(self) -> str:
        return " › ".join([*(t.name for t in self.ancestors), self.name])

    def clean(self):
        if self.pk and self.parent_id in Topic.objects.descendant_ids([self.pk]):
            raise ValidationError(
                {"parent": "A topic cannot sit below one of its own narrower topics."}
            )
