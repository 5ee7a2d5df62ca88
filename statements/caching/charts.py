"""Whose timeline chart a write changes. A person's chart, and a topic's, is kept under
stamps of its own rather than the content generation: a new statement by one person on
one topic draws that person's chart and that topic's afresh and leaves every other chart
kept. A prolific speaker's chart reads every one of their statements, and a broad topic's
every statement on it and on the topics under it (at a million statements, 0.3 to 0.7 s
for the generator's broadest); after each write, all of them were read again.

A person's chart (reading/timeline_data.person_chart) counts their published statements
by topic, month and kind, with the published reactions to each; a topic's
(reading/timeline_data.topic_chart) counts the published statements on it and on the
topics under it by speaker, month and kind, with their reactions. So a write changes:

- a statement: its speaker's chart, as the statement was and as it is (a statement may
  change speaker), and the charts of its topics; and the charts of the statements it
  answers as a retort (a reaction is public only while the statement it is,
  ``response_statement``, is): their speakers' and their topics';
- a statement's topic link: the charts of its statement's speaker and of its topic, as it
  was and as it is;
- a reaction: the charts of its statement's speaker and topics, as it was and as it is;
- a topic: the topics' own stamp (generation.SCOPES), which is part of every chart's;
- a record no chart reads (``CHART_FREE``): none;
- a person, an organization or a source (``CHART_FIELDS``): every chart if what a chart
  reads of it changes (whether it is public, which can hide or show many people's
  statements or reactions; a source's outlet; a person's names); none otherwise, nor when
  one is made;
- any other record, and a write a service makes without model signals
  (``every_chart_changes``): every chart (``generation.EVERY_CHART``).

A topic's chart counts the topics under it too, so a change to a topic's chart changes
those of the topics above it (``with_broader``).

Writes are seen through Django's model signals, as for the content generation, and
change these stamps in the same two steps: at once, and when the transaction commits,
with the speakers and topics looked up again then (``_Touched``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from ..models import Reaction, Statement, StatementTopic, Topic
from ..models.topics import descendants
from . import generation, shared, writes

logger = logging.getLogger(__name__)

# Models of the app whose rows no chart reads (topics have their own stamp).
CHART_FREE = frozenset(
    {
        "affiliation",
        "backgroundnote",
        "candidacy",
        "commentrequest",
        "correction",
        "election",
        "event",
        "position",
        "race",
        "slugredirect",
        "statechange",
        "statementsource",
        "submissiontoken",
        "topic",
    }
)
# Models whose rows a chart reads, each pinned on one statement's speaker and topics.
PINNED = frozenset({"statement", "statementtopic", "reaction"})
# Models of which the charts, and what is kept under their stamps, read only these fields:
# whether a record is public (a reaction is shown only with its respondent, its source,
# the source's outlet and the organization it speaks for public; a statement only with
# its speaker), and a person's names and address (a topic's chart, and a person's kept
# statements, show them). An edit that keeps them (a headline corrected, an outlet
# renamed, a person's summary) changes no chart; a new row none either, as nothing
# refers to it yet.
CHART_FIELDS = {
    "source": ("state", "outlet_id"),
    "organization": ("state",),
    "person": ("state", "name", "sort_name", "slug"),
}
_TOUCHED_BEFORE = "_chart_touched_before"
_FIELDS_BEFORE = "_chart_fields_before"


def scope(person_id: int) -> str:
    return f"speaker:{person_id}"


def topic_scope(topic_id: int) -> str:
    return f"topic:{topic_id}"


def stamp(person_id: int) -> str:
    """What the person's chart is kept under: every chart's stamp, the person's own and
    the topics'."""
    return _joined(scope(person_id))


def topic_stamp(topic_id: int) -> str:
    """What the topic's chart is kept under: every chart's stamp, the topic's own and the
    topics'."""
    return _joined(topic_scope(topic_id))


def _joined(own: str) -> str:
    scopes = (generation.EVERY_CHART, own, generation.SCOPES["topic"])
    try:
        return "-".join(str(generation.current(s)) for s in scopes)
    except shared.UNREACHABLE:  # gone since the request read its stamps: keep nothing
        shared.report(logger, "The shared cache could not be read; the chart is not kept")
        return str(generation.unread()[own])


def every_chart_changes() -> None:
    """For a write made without model signals (a merge's moved rows, a bulk load): every
    chart, and every card (caching/card_versions.py), which such a write may change too."""
    generation.bump_now_and_on_commit(generation.EVERY_CHART, generation.CARDS, content=False)


@dataclass
class _Touched:
    """What a write touches: the statements whose speakers' and topics' charts it changes,
    the retorts among them (the statements they answer), and speakers and topics known
    without a lookup (a saved statement's speaker, as written, and its former one; a
    link's topic, as written and as stored). Speakers and topics are looked up when the
    write is made and again when it commits: another transaction may have given one of
    these statements another speaker or topic meanwhile, and a reader may have drawn that
    chart in between. A saved statement's own speaker is looked up at commit only: at the
    write, the row in hand says it."""

    statements: set[int] = field(default_factory=set)
    retorts: set[int] = field(default_factory=set)
    speakers: set[int] = field(default_factory=set)
    written: set[int] = field(default_factory=set)  # statements whose speaker is in hand
    topics: set[int] = field(default_factory=set)

    def charts_now(self, *, committed: bool) -> tuple[set[int], set[int]]:
        """The speakers and the topics whose charts the write changes, as things stand."""
        answered = _answered_by(self.retorts)
        looked_up = self.statements if committed else self.statements - self.written
        speakers = self.speakers | _speakers_of(looked_up | answered)
        topics = self.topics | _topics_of(self.statements | answered)
        return speakers, with_broader(topics)


def _change(touched: _Touched) -> None:
    speakers, topics = touched.charts_now(committed=False)
    _bump(speakers, topics)

    def at_commit() -> None:
        speakers_then, topics_then = touched.charts_now(committed=True)
        _bump(speakers | speakers_then, topics | topics_then)

    generation.on_commit_retried(at_commit)


def _bump(speakers: set[int], topics: set[int]) -> None:
    for person_id in speakers:
        generation.bump(scope(person_id))
    for topic_id in topics:
        generation.bump(topic_scope(topic_id))


def _speakers_of(statement_ids: Iterable[int | None]) -> set[int]:
    ids = set(statement_ids) - {None}
    if not ids:
        return set()
    return set(Statement._base_manager.filter(pk__in=ids).values_list("speaker_id", flat=True))


def _topics_of(statement_ids: Iterable[int | None]) -> set[int]:
    ids = set(statement_ids) - {None}
    if not ids:
        return set()
    links = StatementTopic._base_manager.filter(statement_id__in=ids)
    return set(links.values_list("topic_id", flat=True))


def _answered_by(retort_ids: set[int]) -> set[int]:
    """The statements these statements answer, as retorts."""
    if not retort_ids:
        return set()
    answered = Reaction._base_manager.filter(response_statement_id__in=retort_ids)
    return set(answered.values_list("statement_id", flat=True))


def with_broader(topic_ids: set[int]) -> set[int]:
    """These topics and every topic above them, drafts included: a topic's chart counts
    the statements on the topics under it."""
    if not topic_ids:
        return set()
    parent = dict(Topic._base_manager.values_list("id", "parent_id"))
    return descendants(topic_ids, lambda topic_id: [p] if (p := parent.get(topic_id)) else [])


def _touched(instance: models.Model, before: _Touched | None = None) -> _Touched:
    """What a pinned row touches as it is, with what it touched as stored (``before``)."""
    touched = before or _Touched()
    if instance._meta.model_name == "statement":
        touched.statements.add(instance.pk)
        touched.written.add(instance.pk)
        touched.retorts.add(instance.pk)
        touched.speakers.add(instance.speaker_id)  # type: ignore[attr-defined]
    else:
        touched.statements.add(instance.statement_id)  # type: ignore[attr-defined]
        if isinstance(instance, StatementTopic):
            touched.topics.add(instance.topic_id)
    return touched


def _as_stored(instance: models.Model) -> _Touched:
    """What the row touches as the database holds it (nothing if it holds none)."""
    row = type(instance)._base_manager.filter(pk=instance.pk)
    if instance._meta.model_name == "statement":
        return _Touched(speakers=set(row.values_list("speaker_id", flat=True)))
    if isinstance(instance, StatementTopic):
        stored = list(row.values_list("statement_id", "topic_id"))
        return _Touched(
            statements={statement for statement, _ in stored},
            topics={topic for _, topic in stored},
        )
    return _Touched(statements=set(row.values_list("statement_id", flat=True)))


def _before_save(sender, instance, **kwargs) -> None:
    # By its id, not by whether Django thinks it new: a fixture or a backup being loaded
    # saves rows with their ids, over rows that may be there.
    if not writes.watched(sender) or instance.pk is None:
        return
    name = sender._meta.model_name
    if name in PINNED:
        setattr(instance, _TOUCHED_BEFORE, _as_stored(instance))
    elif name in CHART_FIELDS:
        writes.remember_stored(sender, instance, CHART_FIELDS[name], _FIELDS_BEFORE)


def _saved(sender, instance, **kwargs) -> None:
    if not writes.watched(sender):
        return
    name = sender._meta.model_name
    if name in PINNED:
        _change(_touched(instance, instance.__dict__.pop(_TOUCHED_BEFORE, None)))
    elif name in CHART_FIELDS:
        if writes.stored_changed(instance, CHART_FIELDS[name], _FIELDS_BEFORE):
            every_chart_changes()
    elif name not in CHART_FREE:
        every_chart_changes()


def _before_delete(sender, instance, **kwargs) -> None:
    # Before: a cascade deletes the statement a reaction or link names right after it
    # (the speakers looked up now stand for it at commit).
    if not writes.watched(sender):
        return
    name = sender._meta.model_name
    if name in PINNED:
        _change(_touched(instance))
    elif name not in CHART_FREE:
        every_chart_changes()


def _m2m_changed(sender, instance, action, **kwargs) -> None:
    # A topic's side (topic.statements.add) changes the topics' stamp, part of every
    # chart's (generation.SCOPES). A link removed from either side is deleted with its
    # own signals (_before_delete); one added is found with the statement's topics.
    if not action.startswith("post_") or not writes.watched(type(instance)):
        return
    name = instance._meta.model_name
    if name == "statement":
        _change(
            _Touched(
                statements={instance.pk}, written={instance.pk}, speakers={instance.speaker_id}
            )
        )
    elif name not in CHART_FREE:
        every_chart_changes()


def connect() -> None:
    pre_save.connect(_before_save, dispatch_uid="charts-before-save")
    post_save.connect(_saved, dispatch_uid="charts-save")
    pre_delete.connect(_before_delete, dispatch_uid="charts-delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="charts-m2m")
