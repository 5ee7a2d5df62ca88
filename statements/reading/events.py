"""/events/ and /events/<slug>/: events and their statements in order."""

from __future__ import annotations

from django.db.models import (
    Prefetch,
    QuerySet,
)
from django.http import Http404

from ..models import (
    Event,
)
from ..models.base import count_per_row
from . import visibility
from .cards import card_rows, load_cards
from .tree import TopicTree


def public_hosts() -> Prefetch:
    return Prefetch(
        "hosts", queryset=visibility.organizations().order_by("name"), to_attr="public_hosts"
    )


def event_list() -> QuerySet[Event]:
    return (
        visibility.events()
        .annotate(statement_count=count_per_row(visibility.statements(), "event"))
        .prefetch_related(public_hosts())
        .order_by("-date", "-id")
    )


def event_page(slug: str) -> dict:
    try:
        event = visibility.events().prefetch_related(public_hosts()).get(slug=slug)
    except Event.DoesNotExist:
        raise Http404("No published event with that address.") from None
    statements = load_cards(
        card_rows(visibility.statements().filter(event=event)).order_by("said_on", "id")
    )
    TopicTree.load().attach_trails(statements)
    return {"event": event, "statements": statements}
