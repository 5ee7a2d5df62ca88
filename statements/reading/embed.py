"""One published statement for the outputs made to be shown elsewhere: the embeddable
card, the share image and the oEmbed answer. Two queries: the statement with its
speaker, party and event; its published sources."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from ..models import Statement
from ..models.base import format_partial_date
from ..templatetags.tracker import kind_label
from . import visibility


def statement_for_embed(pk: int, *, with_sources: bool = True) -> Statement:
    """The published statement ``pk`` (404 otherwise), with ``source_links``: its published
    sources, oldest first. A draft, or a statement whose speaker is not public, is not
    found."""
    queryset = visibility.statements().select_related("speaker", "speaker_party", "event")
    if with_sources:
        queryset = queryset.prefetch_related(
            Prefetch(
                "statementsource_set",
                queryset=visibility.source_links(["statement"]).order_by(
                    "source__published_on", "id"
                ),
                to_attr="source_links",
            )
        )
    try:
        return queryset.get(pk=pk)
    except Statement.DoesNotExist:
        raise Http404("No published statement with that number.") from None


def role_then(statement: Statement) -> str:
    """'candidate, U.S. Senate, Georgia (Democratic Party)': the role and party the speaker
    had when they spoke, as far as recorded and public; '' when neither is."""
    party = statement.speaker_party if visibility.shown(statement.speaker_party) else None
    if party is None:
        return statement.speaker_role
    if not statement.speaker_role:
        return party.name
    return f"{statement.speaker_role} ({party.name})"


def speaker_then(statement: Statement) -> str:
    """'Jon Ossoff, candidate, U.S. Senate, Georgia (Democratic Party)'."""
    role = role_then(statement)
    return f"{statement.speaker.name}, {role}" if role else statement.speaker.name


def said_where_when(statement: Statement) -> str:
    """'Online town hall with the College Democrats of Georgia · May 30, 2020'."""
    when = format_partial_date(statement.said_on, statement.date_precision)
    if statement.date_inferred:
        when += " (date inferred)"
    if visibility.shown(statement.event):
        return f"{statement.event.name} · {when}"  # type: ignore[union-attr]
    return when


def reported_by(statement: Statement) -> str:
    """'Reported by Washington Free Beacon, June 5, 2020', from the first public source."""
    links = getattr(statement, "source_links", [])
    if not links:
        return "No published source"
    source = links[0].source
    more = f" and {len(links) - 1} more" if len(links) > 1 else ""
    day = format_partial_date(source.published_on, "day")
    return f"Reported by {source.outlet.name}, {day}{more}"


def title(statement: Statement) -> str:
    """'Jon Ossoff: direct quote, May 30, 2020'."""
    when = format_partial_date(statement.said_on, statement.date_precision)
    return f"{statement.speaker.name}: {kind_label(statement.kind).lower()}, {when}"
