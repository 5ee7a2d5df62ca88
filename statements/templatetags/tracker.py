"""Small helpers for the reading pages: dates with their precision, attribution phrases."""

from django import template
from django.utils.html import conditional_escape

from ..caching import generation
from ..models import DatePrecision, Organization, Person, QuoteKind, Rating
from ..models.base import route, statements_address
from ..reading import person_html
from ..reading.brief_html import brief_items, entry_items
from ..reading.cards import rendered_card
from ..reading.cards import surname as person_surname
from ..reading.dates import partial_date

register = template.Library()

PREPOSITIONS = ("by ", "in ", "on ", "to ", "via ", "through ", "at ", "during ", "from ")


register.simple_tag(partial_date)


class RouteNode(template.Node):
    def __init__(self, viewname: str):
        self.viewname = viewname

    def render(self, context):
        return conditional_escape(route(self.viewname))


@register.tag("route")
def route_tag(parser, token):
    """{% route "statements:compare" %}: {% url %} for a route without arguments,
    resolved once per process (``models.base.route``); a page names two dozen."""
    bits = token.split_contents()
    if len(bits) != 2 or len(bits[1]) < 3 or bits[1][0] not in "'\"" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError("{% route %} takes one route name, in quotes.")
    return RouteNode(bits[1][1:-1])


@register.simple_tag
def person_topic_sections(sections, person):
    """The topics ``person`` spoke on without a summary, a section each."""
    return person_html.topic_sections(sections, person, generation.current())


@register.simple_tag
def person_timeline_months(months):
    """A person's newest statements, a section per month."""
    return person_html.timeline_months(months, generation.current())


@register.simple_tag
def statement_briefs(statements, topics=False):
    """The statements as briefs in ``<li>``s (``brief_items``)."""
    return brief_items(statements, generation.current(), topics=topics)


@register.simple_tag
def statement_entries(statements, show_event=False):
    """The statements as entries in ``<li>``s (``entry_items``)."""
    return entry_items(statements, generation.current(), show_event=show_event)


@register.simple_tag
def day(value):
    """A plain, fully known date as <time>."""
    return partial_date(value, DatePrecision.DAY)


@register.filter
def kind_label(kind: str) -> str:
    return QuoteKind.label_of(kind)


@register.filter
def surname(person: Person) -> str:
    return person_surname(person)


def with_article(party) -> str:
    """'the Washington Free Beacon', 'the Ossoff campaign'; people and one-word names as is."""
    if isinstance(party, Organization):
        name = party.name
        if name.lower().startswith("the ") or " " not in name.strip():
            return name
        return f"the {name}"
    return str(party)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


@register.filter
def channel_phrase(reaction) -> str:
    """How the reaction reached the source: 'by email to the Washington Free Beacon', or,
    when the channel was not recorded, 'quoted by Washington Free Beacon'."""
    channel = reaction.channel.strip()
    if channel:
        return channel if channel.lower().startswith(PREPOSITIONS) else f"by {channel}"
    return f"quoted by {reaction.source.outlet.name}"


@register.filter
def comment_request_sentence(request) -> str:
    """'The Ossoff campaign did not respond to multiple requests for comment from the
    Washington Free Beacon (June 2020) on his immigration policy and sanctuary cities.'"""
    asked = capitalise(with_article(request.asked))
    requests = "multiple requests" if request.repeated else "a request"
    verb = {
        "no_response": "did not respond to",
        "declined": "declined",
        "responded": "responded to",
    }.get(request.outcome, "did not respond to")
    when = f" ({request.date_display})" if request.requested_on else ""
    subject = request.subject.strip().rstrip(".")
    about = f" on {subject}" if subject else ""
    ending = ":" if request.outcome == "responded" and request.response else "."
    return (
        f"{asked} {verb} {requests} for comment from "
        f"{with_article(request.requested_by)}{when}{about}{ending}"
    )


@register.simple_tag
def statements_url(**params):
    """/statements/ with filters, e.g. {% statements_url speaker=p.slug topic=t.slug %}."""
    return statements_address(**params)


@register.filter
def rating_label(rating: str) -> str:
    """'False' for 'false': a finding's rating as readers see it."""
    return Rating.label_of(rating)


@register.filter
def org_label(organization) -> str:
    """'Federation for American Immigration Reform (FAIR)'."""
    if organization.abbreviation:
        return f"{organization.name} ({organization.abbreviation})"
    return organization.name


@register.simple_tag
def statement_card(statement, prefix=""):
    """The statement's card, cached per version (``rendered_card``)."""
    return rendered_card(statement, prefix)
