"""Who gets which alerts. Rows exist only once their owner has confirmed by the signed
link (nothing about an unconfirmed address is stored), and go when the owner deletes
them: no history is kept of either model."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

QUERY_MAX_LENGTH = 2000


class Subscriber(models.Model):
    """An address that asked for alerts; kept for sending them and for nothing else."""

    email = models.EmailField(max_length=254, help_text="Where the digests go.")
    key = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Secret behind the signed links in each mail (manage, delete, unsubscribe).",
    )
    confirmed_at = models.DateTimeField(
        help_text="When the owner first followed a confirmation link sent to the address."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="alerts_subscriber_unique_email"),
        ]

    def __str__(self) -> str:
        return self.email

    def get_absolute_url(self) -> str:
        from . import tokens

        return f"{reverse('alerts:manage')}?token={tokens.manage_token(self)}"


class SavedSearch(models.Model):
    """A /statements/ query string that one subscriber follows."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="searches")
    query = models.CharField(
        max_length=QUERY_MAX_LENGTH,
        blank=True,
        help_text="The filters, as on /statements/ (normalised: sorted, no paging).",
    )
    label = models.CharField(max_length=200, blank=True, help_text="The owner's name for it.")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_through = models.DateTimeField(
        db_index=True,
        help_text=(
            "High-water mark: statements published up to this moment have been considered "
            "for this search (mailed, or nothing new)."
        ),
    )

    class Meta:
        ordering = ["subscriber_id", "id"]
        verbose_name_plural = "saved searches"
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "query"], name="alerts_savedsearch_unique_query"
            ),
        ]
        indexes = [models.Index(fields=["query"], name="alerts_search_query")]

    def __str__(self) -> str:
        return self.label or self.query or "All statements"

    def get_absolute_url(self) -> str:
        path = reverse("statements:statement-list")
        return f"{path}?{self.query}" if self.query else path
