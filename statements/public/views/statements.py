"""/statements/<id>/: one statement, in full, with everything a journalist needs to cite it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from ...models import (
    DatePrecision,
    QuoteKind,
    Race,
    Rating,
    Reaction,
    Statement,
    format_partial_date,
)
from ...reading import citations, linked_data
from ...reading import statement as reading
from ...reading.cards import as_quoted
from ...reading.corrections import corrections_for
from ...templatetags.tracker import kind_label
from .. import sharecard
from ..appearances import said_before
from .embed import discovery_href

if TYPE_CHECKING:
    from ...reading.statement import StatementWithSources


def statement_detail(request, pk):
    context = reading.statement_page(pk)
    statement = context["statement"]
    race = context["race"]
    permalink = request.build_absolute_uri(statement.get_absolute_url())
    race_url = request.build_absolute_uri(race.get_absolute_url()) if race else None
    topics = list(statement.topics.all())
    context |= {
        "permalink": permalink,
        "words": words_as_text(statement),
        "headline": headline(statement, topics),
        "citation": citation(statement, permalink, timezone.localdate()),
        "json_ld": json_ld(
            statement,
            permalink,
            topics,
            said_before(statement, context["refrains"], request.build_absolute_uri),
            race=race,
            race_url=race_url,
        ),
        "claim_reviews": [
            claim_review(statement, finding, permalink) for finding in context["findings"]
        ],
        "corrections": corrections_for(statement),
        "citation_styles": [
            (slug, label, text, min(12, text.count("\n") + 2 + len(text) // 80))
            for slug, label, text in citations.all_styles(citations.cited(statement, permalink))
        ],
        "oembed_href": discovery_href(request, permalink),
        "card_url": request.build_absolute_uri(
            reverse("statements:statement-card", args=[statement.pk])
        ),
        "card_size": (sharecard.WIDTH, sharecard.HEIGHT),
    }
    return render(request, "statements/statement_detail.html", context)


def words_as_text(statement: Statement) -> str:
    """The words as plain text, with quotation marks only around what was quoted."""
    if statement.kind == QuoteKind.DIRECT:
        return as_quoted(statement)
    return f"{statement.speaker.name} {as_quoted(statement)}"


def headline(statement: Statement, topics) -> str:
    """'Jon Ossoff on 287(g) program: partial quote'."""
    about = f" on {topics[0].name}" if topics else ""
    return f"{statement.speaker.name}{about}: {kind_label(statement.kind).lower()}"


def citation(statement: StatementWithSources, permalink: str, retrieved) -> str:
    """One block of plain text, ready to paste."""
    speaker = statement.speaker.name
    at_the_time = ", ".join(
        part
        for part in (
            statement.speaker_party.name
            if statement.speaker_party and statement.speaker_party.is_published
            else "",
            statement.speaker_role,
        )
        if part
    )
    who = f"{speaker} ({at_the_time})" if at_the_time else speaker
    kind = kind_label(statement.kind)
    if statement.kind == QuoteKind.PARAPHRASE:
        kind += " (reported speech, not a quotation)"
    words = words_as_text(statement)
    when = statement.date_display
    if statement.date_inferred:
        when += " (date inferred by the editors)"
    event = statement.event if statement.event and statement.event.is_published else None
    said = f"{event.name}, {when}" if event else when
    # "Said: date not given in the source (reported …)": never the reported day as the
    # day said.
    lines = [f"{who}. {kind}: {words}.", f"Said: {said}."]
    for link in statement.source_links:
        source = link.source
        parts = [source.outlet.name, f"“{source.title}”"]
        if source.author:
            parts.append(source.author)
        parts.append(format_partial_date(source.published_on, "day"))
        parts.append(source.url or "URL not recorded")
        if source.archive_url:
            parts.append(f"archived at {source.archive_url}")
        lines.append("Source: " + ", ".join(parts) + ".")
    lines.append(f"Permalink: {permalink}")
    lines.append(f"Retrieved {format_partial_date(retrieved, 'day')}.")
    return "\n".join(lines)


def json_ld(
    statement: StatementWithSources,
    permalink: str,
    topics,
    extra: dict[str, Any] | None = None,
    *,
    race: Race | None = None,
    race_url: str | None = None,
) -> str:
    """schema.org data: a Quotation for quoted words; a paraphrase is not presented as one.

    A statement whose source gives no date has no ``dateCreated``: its stored day is the
    day it was reported, not said. A statement with a race is ``isPartOf`` that race's
    page (a ``CollectionPage`` of the race's statements), which is ``about`` the race as
    an ``Event``."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": linked_data.work_type(statement),
        "url": permalink,
        "creator": {
            "@type": "Person",
            "name": statement.speaker.name,
            "url": permalink.replace(
                statement.get_absolute_url(), statement.speaker.get_absolute_url()
            ),
        },
        **linked_data.date_created(statement),
        "about": [{"@type": "Thing", "name": topic.name} for topic in topics],
        "citation": [
            linked_data.source_work(link.source, with_author=True)
            for link in statement.source_links
        ],
    }
    if race is not None:
        name = f"{race.election.name}: {race.name}"
        data["isPartOf"] = {
            "@type": "CollectionPage",
            "name": name,
            "url": race_url,
            "about": {"@type": "Event", "name": name, "url": race_url},
        }
    data.update(linked_data.words(statement, name_speaker=True))
    if statement.speaker_role:
        data["creator"]["jobTitle"] = statement.speaker_role
    data.update(extra or {})
    return linked_data.as_script(data)


def claim_review(statement: StatementWithSources, finding: Reaction, permalink: str) -> str:
    """An outlet's finding as schema.org ClaimReview (the shape Google's fact-check
    markup reads): the claim reviewed (the words, with its speaker and where it
    appeared), the rating with the outlet as its author, and this page as its url."""
    organization = finding.respondent_organization
    assert organization is not None, "a finding is an organization's"
    outlet: dict[str, Any] = {"@type": "Organization", "name": organization.name}
    speaker_url = permalink.replace(
        statement.get_absolute_url(), statement.speaker.get_absolute_url()
    )
    appearances = [
        linked_data.source_work(link.source, schema_type="CreativeWork")
        for link in statement.source_links
    ]
    claim: dict[str, Any] = {
        "@type": "Claim",
        "author": {"@type": "Person", "name": statement.speaker.name, "url": speaker_url},
    }
    if statement.said_on is not None and statement.date_precision != DatePrecision.NONE:
        claim["datePublished"] = statement.said_on.isoformat()
    if appearances:
        claim["firstAppearance"] = appearances[0]
        claim["appearance"] = appearances
    rating: dict[str, Any] = {
        "@type": "Rating",
        "alternateName": finding.get_rating_display(),
        "author": outlet,
    }
    value = Rating.scale(finding.rating)
    if value is not None:
        rating |= {"ratingValue": value, "bestRating": 5, "worstRating": 1}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": permalink,
        "claimReviewed": statement.text,
        "itemReviewed": claim,
        "reviewRating": rating,
        "author": outlet,
        "reviewBody": finding.words,
    }
    if finding.source.published_on is not None:
        data["datePublished"] = finding.source.published_on.isoformat()
    return linked_data.as_script(data)
