"""The statement card's markup, built in Python.

The card is the page's hot path: a list shows twenty, a person's page about seventy, and
a cold list page renders every one of them. Through the template engine a card cost about
1.5 ms. It is built here as one string, every value escaped by ``markup.escaped``
(``conditional_escape``'s rule), and marked safe once.

The card depends on nothing but the statement and what ``cards.load_cards()`` loads with
it, so that it can be cached per statement and content generation. ``SNIPPET_SLOT``
marks where a search's snippet goes.
"""

from __future__ import annotations

from django.template.defaultfilters import pluralize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from ..models import QuoteKind, Rating, Statement, Topic
from ..models.base import address
from .attached import attach, related
from .dates import partial_date
from .markup import escaped

SNIPPET_SLOT = "<!--snippet-->"


def topic_link(topic: Topic) -> str:
    """A card's link to one of its topics, with its breadcrumb. A topic of the tree keeps
    its link, with the address it was made for: the same on every card of every page
    until a topic changes, which makes a new tree (tree.TopicTree.load)."""
    url = topic.get_absolute_url()
    kept = getattr(topic, "card_link", None)
    if kept is not None and kept[0] == url:
        return kept[1]
    trail = getattr(topic, "trail", None)
    if trail is not None:  # from the topic tree: published topics only, no query
        broader = "".join(f"{escaped(b.name)} › " for b in trail)
    elif topic.parent is not None and topic.parent.is_published:
        broader = f"{escaped(topic.parent.name)} › "
    else:
        broader = ""
    link = f'\n      <a href="{escaped(url)}">{broader}{escaped(topic.name)}</a>'
    if trail is not None:
        attach(topic, card_link=(url, link))
    return link


def topic_links(statement: Statement) -> str:
    links = [topic_link(topic) for topic in related(statement, "topics")]
    if not links:
        return ""
    return '<span class="sep" aria-hidden="true">·</span>' + ", ".join(links)


def words(statement: Statement, speaker_name: str) -> str:
    """The words, with quotation marks only around what was quoted."""
    if statement.kind == QuoteKind.DIRECT:
        lines = statement.text.splitlines()
        parts = "".join(f"<p>“{escaped(line)}”</p>" for line in lines if line)
        return f'<blockquote class="words direct">{parts}</blockquote>'
    if statement.kind == QuoteKind.PARTIAL:
        frame = f" {statement.frame}" if statement.frame else ""
        return (
            f'<p class="words partial">{escaped(speaker_name)}{escaped(frame)} '
            f'<span class="quoted">“{escaped(statement.text)}”</span></p>'
        )
    return (
        '<p class="words paraphrase"><span class="paraphrase-note">Paraphrase: reported speech, '
        f"not a quotation</span> {escaped(speaker_name)} said {escaped(statement.text)}</p>"
    )


def speaker_line(statement: Statement) -> str:
    speaker = statement.speaker
    party = statement.speaker_party
    in_party = (
        f" ({escaped(party.abbreviation or party.name)})"
        if party is not None and party.is_published
        else ""
    )
    role = escaped(f", {statement.speaker_role}") if statement.speaker_role else ""
    return (
        f'<p class="speaker">— <a href="{escaped(speaker.get_absolute_url())}">'
        f"{escaped(speaker.name)}</a>{in_party}{role}</p>"
    )


def when_line(statement: Statement) -> str:
    event = statement.event
    if event is not None and event.is_published:
        where = f'<a href="{escaped(event.get_absolute_url())}">{escaped(event.name)}</a> · '
    else:
        where = "Place not given in the source · "
    inferred = (
        f' <span class="inferred" title="{escaped(statement.date_inference_note)}">'
        "(date inferred)</span>"
        if statement.date_inferred
        else ""
    )
    said_on = escaped(partial_date(statement.said_on, statement.date_precision))
    return f"<p>{where}{said_on}{inferred}</p>"


def sources_line(statement: Statement, url: str) -> str:
    sources = statement.card_sources  # type: ignore[attr-defined]
    if sources:
        reported = "Reported by " + "; ".join(
            f"{escaped(outlet_name)}, {escaped(partial_date(published_on))}"
            for outlet_name, published_on in sources
        )
    else:
        reported = "Source not published"
    count = getattr(statement, "reaction_count", 0)
    href = escaped(url)
    if count:
        reactions = (
            f'<a href="{href}#reactions">{count} reaction{pluralize(count)}'
            f'<span class="visually-hidden"> to statement {statement.pk}</span></a>'
        )
    else:
        reactions = "no reactions"
    return (
        f"<p>{reported}\n      · {reactions}\n      · "
        f'<a href="{href}">Permalink, sources and reactions'
        f'<span class="visually-hidden"> for statement {statement.pk}</span></a></p>'
    )


def snippet_line(snippet: str) -> str:
    """Where a search matched the card's statement (``search.highlight``'s snippet)."""
    return (
        '<p class="snippet"><span class="snippet-label">Where your search matched:</span> '
        f"{escaped(snippet)}</p>"
    )


def finding_and_reply(statement: Statement, speaker_name: str) -> str:
    """An outlet's finding on the words, as the outlet's, and what the words answer, when
    ``cards.card_rows()`` found them (its first ones: the statement page shows all)."""
    parts = []
    rating = getattr(statement, "finding_rating", "")
    if rating:
        by = escaped(statement.finding_by)  # type: ignore[attr-defined]
        finding_words = Truncator(statement.finding_words or "").words(40, truncate=" …")  # type: ignore[attr-defined]
        parts.append(
            f'  <p class="card-finding"><strong>{by}\'s finding: '
            f"{escaped(Rating.label_of(rating))}</strong> "
            f"<span class=\"finding-words\">({by}'s wording, not {escaped(speaker_name)}'s: "
            f"{escaped(finding_words)})</span></p>\n"
        )
    answered = getattr(statement, "answers_statement", None)
    if answered:
        url = address("statements:statement-detail", "pk", answered)
        parts.append(
            f'  <p class="card-reply">In reply to <a href="{escaped(url)}">'
            f"{escaped(statement.answers_speaker)}'s statement</a></p>\n"  # type: ignore[attr-defined]
        )
    return "".join(parts)


def card_html(statement: Statement, prefix: str = "") -> SafeString:
    """One statement in a list. ``prefix`` keeps ids unique when a statement appears
    twice on a page. Needs a statement from ``cards.load_cards()``."""
    url = statement.get_absolute_url()
    speaker = statement.speaker
    label_id = escaped(f"{prefix}statement-{statement.pk}-label")
    label = escaped(QuoteKind.label_of(statement.kind))
    snippet = getattr(statement, "snippet", "")
    return mark_safe(  # noqa: S308 -- every value above is escaped
        f'\n<article class="card kind-{escaped(statement.kind)}" aria-labelledby="{label_id}">\n'
        '  <p class="card-meta">\n'
        f'    <span class="kind-label" id="{label_id}">{label}'
        f'<span class="visually-hidden"> by {escaped(speaker.name)}</span>'
        f"</span>{topic_links(statement)}\n  </p>\n"
        f"  {words(statement, speaker.name)}\n"
        f"{finding_and_reply(statement, speaker.name)}"
        f"  {snippet_line(snippet) if snippet else SNIPPET_SLOT}\n"
        '  <footer class="card-attribution">\n'
        f"    {speaker_line(statement)}\n    {when_line(statement)}\n"
        f"    {sources_line(statement, url)}\n"
        "  </footer>\n"
        "</article>"
    )
