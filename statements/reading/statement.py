"""/statements/<id>/: one statement, with everything a journalist needs to cite it."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    F,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404

from ..models import (
    CommentRequest,
    Position,
    Race,
    Reaction,
    Statement,
)
from ..paging import newest_first_key
from ..planning import joins_as_written
from ..text import find_verbatim
from . import visibility
from .attached import as_prefetched, attach
from .card_relations import attach_card_relations
from .cards import card_rows, newest_first
from .prepared import Argument, CompiledRead, Equals
from .refrains import keep_repeats, kept_repeats, refrains_among, with_repeat_candidates
from .tree import TopicTree

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from ..models import StatementSource

    class SourceLinks(TypedDict):
        """What ``statement_page`` brings along as ``statement.source_links``: the
        statement's published sources, each with where in it the words appear."""

        source_links: list[StatementSource]

    StatementWithSources = WithAnnotations[Statement, SourceLinks]

ALSO_SAID = 5


@dataclass
class ReactionGroup:
    stance: str
    label: str
    reactions: list[Reaction] = field(default_factory=list)


def group_reactions(reactions: list[Reaction]) -> list[ReactionGroup]:
    """Agrees · disagrees · interprets · adds context; empty groups left out.

    A reaction that agrees and also reads something into the statement appears under both.
    """
    groups = {value: ReactionGroup(value, label) for value, label in Reaction.Stance.choices}
    for reaction in reactions:
        for stance in reaction.stances:
            groups[stance].reactions.append(reaction)
    return [group for group in groups.values() if group.reactions]


def statement_race(statement: Statement) -> Race | None:
    """The statement's race, when it has one and the public may see it (the race and its
    election published; the candidacy's person is the speaker, who is public)."""
    candidacy = statement.candidacy
    if candidacy is None:
        return None
    race = candidacy.race
    if race.is_published and race.election.is_published:
        return race
    return None


def findings(reactions: list[Reaction]) -> list[Reaction]:
    """The outlets' findings among a statement's reactions (those with a rating)."""
    return [reaction for reaction in reactions if reaction.rating]


# The page's reads of one statement's records, built and compiled once per process and
# run for the statement's id (prepared.CompiledRead): compiling them took about 6 ms of
# the 23 ms of CPU a page cost.


@functools.cache
def _statement_as_shown() -> CompiledRead[Statement]:
    return CompiledRead(
        card_rows(visibility.statements())
        .select_related("candidacy__race__election")
        .filter(Equals(F("pk"), Argument))
    )


@functools.cache
def _comment_requests() -> CompiledRead[CommentRequest]:
    return CompiledRead(
        visibility.comment_requests(["statement"])
        .filter(Equals(F("statement_id"), Argument))
        .order_by("requested_on", "id")
    )


@functools.cache
def _positions() -> CompiledRead[Position]:
    """The published positions that rest on the statement."""
    return CompiledRead(
        visibility.positions()
        .filter(Equals(F("statements__id"), Argument))
        .order_by("person__sort_name", "topic__name", "-as_of")
    )


@functools.cache
def _reactions_and_answers() -> CompiledRead[Reaction]:
    return CompiledRead(
        visibility.reactions()
        .select_related("statement__speaker")
        .filter(
            Q(Equals(F("statement_id"), Argument)) | Q(Equals(F("response_statement_id"), Argument))
        )
        .order_by("reacted_on", "id")
    )


def reactions_and_answers(pk: int) -> tuple[list[Reaction], list[Reaction]]:
    """In one query: the published reactions to statement ``pk``, and the published
    reactions that ``pk`` itself is (the statements it answers, as a retort), each with
    the statement it answers and that statement's speaker."""
    with joins_as_written():
        rows = _reactions_and_answers()(pk)
    reactions = [reaction for reaction in rows if reaction.statement_id == pk]
    answers = [reaction for reaction in rows if reaction.response_statement_id == pk]
    return reactions, answers


def statement_page(pk: int) -> dict:
    """Seven queries (the view reads the corrections): the statement, its comment
    requests, the positions resting on it, reactions (with the statements this one
    answers), the others on its topics by the same speaker with the candidates for its
    repeats (refrains.py), and the topics and the sources of all of them."""
    found = _statement_as_shown()(pk)
    if not found:
        raise Http404("No published statement with that number.")
    (statement,) = found
    positions = _positions()(pk)
    attach(statement, public_comment_requests=_comment_requests()(pk), public_positions=positions)
    reactions, answers = reactions_and_answers(statement.pk)
    attach(statement, public_reactions=reactions, public_answers=answers)

    tree = TopicTree.load()
    its_topics = visibility.topic_links(["statement"]).filter(statement_id=pk).values("topic_id")
    # The speaker's newest others on its topics, and the candidates for its repeats
    # (refrains.py): one query for both, the first flagged ``also_said``.
    also_ids = newest_first(
        visibility.statements()
        .filter(speaker_id=statement.speaker_id)
        .filter(
            pk__in=visibility.topic_links(["statement"])
            .filter(topic_id__in=its_topics)
            .values("statement_id")
        )
        .exclude(pk=statement.pk)
    ).values("pk")[:ALSO_SAID]
    kept_key, kept = kept_repeats(statement)
    others = list(
        card_rows(visibility.statements())
        .filter(pk__in=with_repeat_candidates(statement, also_ids, kept))
        .annotate(
            also_said=Case(
                When(pk__in=also_ids, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    also_said = sorted((other for other in others if other.also_said), key=newest_first_key)
    refrains = refrains_among(statement, others)
    if kept is None:
        keep_repeats(kept_key, refrains)
    everything = [statement, *others]
    attach_card_relations(everything, sources=False)
    # The sources with the note on where in each the words appear; the cards list the
    # same sources, so they are not read twice.
    prefetch_related_objects(
        everything,
        Prefetch(
            "statementsource_set",
            queryset=visibility.source_links(["statement"]).order_by("source__published_on", "id"),
            to_attr="source_links",
        ),
    )
    for shown in everything:
        links = shown.source_links  # type: ignore[attr-defined]
        as_prefetched(shown, "sources", [link.source for link in links])
        attach(
            shown,
            card_sources=[(link.source.outlet.name, link.source.published_on) for link in links],
        )
    tree.attach_trails(everything)
    for link in statement.source_links:  # type: ignore[attr-defined]
        # The verbatim check (statements/text.py), where the source's text is stored.
        checked = statement.is_quote and bool(link.source.text)
        attach(link, verbatim=find_verbatim(statement.text, link.source.text) if checked else None)
    for position in positions:
        attach(position.topic, trail=tree.trail(position.topic))
    return {
        "statement": statement,
        "race": statement_race(statement),
        "reaction_groups": group_reactions(reactions),
        "findings": findings(reactions),
        "answers": answers,
        "also_said": also_said,
        "refrains": refrains,
    }
