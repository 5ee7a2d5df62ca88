"""/: the latest statements, topics with counts, races in progress."""

from __future__ import annotations

from django.db.models import (
    Exists,
    F,
    OuterRef,
)

from ..models import (
    Candidacy,
    Race,
)
from . import visibility
from .cards import card_rows, load_cards, newest_first
from .races import public_candidacies
from .tree import TopicTree

LATEST_ON_HOME = 10


def races_in_progress(limit: int = 10) -> list[Race]:
    """Published races with at least one candidacy not yet decided, soonest first."""
    pending = visibility.candidacies().filter(race=OuterRef("pk"), result=Candidacy.Result.PENDING)
    return list(
        visibility.races()
        .filter(Exists(pending))
        .select_related("election", "party")
        .prefetch_related(public_candidacies())
        .order_by(F("date").asc(nulls_last=True), "name", "id")[:limit]
    )


def home_page() -> dict:
    tree = TopicTree.load()
    latest = load_cards(card_rows(newest_first(visibility.statements()))[:LATEST_ON_HOME])
    tree.attach_trails(latest)
    return {
        "statements": latest,
        "topic_tree": tree.nested(tree.statement_counts()),
        "races": races_in_progress(),
    }
