"""Which statements' cards a write changes.

A statement's card (reading/card_html.py) is kept in each worker's memory under the
statement's ``card_version`` and the cards' stamp (``generation.CARDS``), not under the
content generation: a new statement, or an edit to one, redraws the cards it changes and
leaves every other card kept. Under the content generation, every write made every list
page draw all its cards again, a quarter of what an uncached list page costs.

``card_version`` is a column of the statement's own row, so a list reads it with the very
row the card is drawn from: a reader that sees a statement as a write left it also sees
the version the write set, and what it reads of the card's other rows next (topics,
sources, reactions) is at least as new. A version is a random number, never a count: a
write that is rolled back may have drawn a card under its version, which no later write
may then reuse.

A card shows, besides its statement's row:

- its topic links, source links and published reactions (the count, the first finding,
  and the statement it answers as a retort): a write to one of these rows (``PINNED``)
  changes the version of the statement it names, as it was and as it is, and a
  reaction's of its ``response_statement`` too (the retort's card says what it answers;
  the answered statement's counts the reaction only while the retort is public);
- of a statement linked to it by a reaction, whether it is public and its speaker: a
  write to a statement changes the version of the statements linked to it that way;
- its speaker, party, event, topics, and its sources' and reactions' outlets, people
  and organizations (``CARD_FIELDS``, and topics): a write that changes what a card reads
  of these changes the cards' stamp, i.e. every card, as does any write to a record
  of the app not named here, or one made without model signals (``every_card_changes``,
  called with every chart's).

Records no card reads (``CARD_FREE``) change none. The cards' stamp changes in the two
steps of the content generation (at once and when the transaction commits); versions
change in the write's own transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from ..models import Reaction, Statement
from . import generation, writes

# Models whose rows no card reads.
CARD_FREE = frozenset(
    {
        "affiliation",
        "backgroundnote",
        "candidacy",
        "commentrequest",
        "correction",
        "election",
        "position",
        "race",
        "slugredirect",
        "statechange",
        "submissiontoken",
    }
)
# Models whose rows a card reads, each pinned on the statements its row names.
PINNED = {
    "statementtopic": ("statement_id",),
    "statementsource": ("statement_id",),
    "reaction": ("statement_id", "response_statement_id"),
}
# Models of which cards read only these fields (and whether a record is public): an
# edit that keeps them (a person's summary, a source's headline) changes no card, nor
# does a new row, which nothing refers to yet. A topic's every field shows.
CARD_FIELDS = {
    "person": ("state", "name", "slug"),
    "organization": ("state", "name", "abbreviation"),
    "event": ("state", "name", "slug"),
    "source": ("state", "published_on", "outlet_id"),
}
_STORED = "_card_rows_before"


def new_version() -> int:
    return secrets.randbits(63)


def every_card_changes() -> None:
    """For a write made without model signals, or one that may change any card."""
    generation.bump_now_and_on_commit(generation.CARDS, content=False)


def change_versions(statement_ids: Iterable[int | None]) -> None:
    """Give these statements a new ``card_version``, in the caller's transaction."""
    ids = {pk for pk in statement_ids if pk is not None}
    if ids:
        Statement._base_manager.filter(pk__in=ids).update(card_version=new_version())


def _linked_by_reactions(statement_id: int) -> Q:
    """The statements a reaction links to this one: those it answers as a retort, and
    the retorts to it."""
    answered = Reaction._base_manager.filter(response_statement_id=statement_id)
    retorts = Reaction._base_manager.filter(statement_id=statement_id).exclude(
        response_statement=None
    )
    return Q(pk__in=answered.values("statement_id")) | Q(
        pk__in=retorts.values("response_statement_id")
    )


def _before_save(sender, instance, raw=False, **kwargs) -> None:
    if not writes.watched(sender) or raw:
        return
    name = sender._meta.model_name
    if name == "statement":
        # Written with the row (or after it, for a save of some fields only: _saved).
        instance.card_version = new_version()
    elif instance.pk is not None and (name in PINNED or name in CARD_FIELDS):
        writes.remember_stored(sender, instance, PINNED.get(name) or CARD_FIELDS[name], _STORED)


def _saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs) -> None:
    if not writes.watched(sender):
        return
    if raw:
        # A fixture or a backup being loaded: its rows keep the versions they were saved
        # with (a restored backup is the backup), and every card changes.
        every_card_changes()
        return
    name = sender._meta.model_name
    if name == "statement":
        if update_fields is not None and "card_version" not in update_fields:
            change_versions([instance.pk])
        if not created:
            Statement._base_manager.filter(_linked_by_reactions(instance.pk)).update(
                card_version=new_version()
            )
    elif name in PINNED:
        stored = instance.__dict__.pop(_STORED, None) or ()
        change_versions([*stored, *(getattr(instance, field) for field in PINNED[name])])
    elif name in CARD_FIELDS:
        if writes.stored_changed(instance, CARD_FIELDS[name], _STORED):
            every_card_changes()
    elif name not in CARD_FREE:
        every_card_changes()


def _deleted(sender, instance, **kwargs) -> None:
    # After the row is gone: a reader that sees the new version no longer sees the row.
    if not writes.watched(sender):
        return
    name = sender._meta.model_name
    if name in PINNED:
        change_versions(getattr(instance, field) for field in PINNED[name])
    elif name == "statement":
        # Its own card is read no more; its reactions went before it, each changing the
        # retort it names (a retort itself cannot be deleted: Reaction.response_statement).
        return
    elif name not in CARD_FREE:
        every_card_changes()


def _m2m_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    # A topic or source linked through the manager: the links are made without their own
    # save signals (a removal deletes them with theirs).
    if not action.startswith("post_") or not writes.watched(type(instance)):
        return
    if sender._meta.model_name not in PINNED:  # a many-to-many no card reads, or may read
        if instance._meta.model_name not in CARD_FREE:
            every_card_changes()
        return
    if not reverse:
        change_versions([instance.pk])
    elif pk_set:
        change_versions(pk_set)
    else:
        every_card_changes()


def connect() -> None:
    pre_save.connect(_before_save, dispatch_uid="card-versions-before-save")
    post_save.connect(_saved, dispatch_uid="card-versions-save")
    post_delete.connect(_deleted, dispatch_uid="card-versions-delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="card-versions-m2m")
