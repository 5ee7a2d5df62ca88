"""RSS 2.0 and Atom feeds of published statements.

* ``/statements/feed/`` (RSS) and ``/statements/feed/atom/`` (Atom) take every filter that
  ``/statements/`` takes, through the same ``StatementFilter``: "Ossoff on immigration" is
  ``/statements/feed/?speaker=jon-ossoff&topic=immigration``.
* ``/people/<slug>/feed/`` and ``/topics/<slug>/feed/`` (and ``…/feed/atom/``): one
  person's statements; the statements on one topic or anything narrower. They take the
  same filters on top. An unknown or unpublished person or topic is a 404.

A malformed filter value answers 400 with a plain-text message naming the parameter.
Paging and ``ordering`` do not apply: a feed is always the newest ``ITEMS`` statements.

Each entry: title (speaker, kind, the first words, with quotation marks only around quoted
words), a description (the words, their kind, the speaker with party and role, the event,
the date with its precision, the race, context, topics, sources, the permalink), link and
guid (the permalink), the date said as pubdate (midnight UTC of said_on: the 1st of the
month for a month-precise date; for a statement whose source gives no date, the day it was
reported, which the description says is not the day said) and the last edit as the
updated date. The whole feed is read in
three queries whatever its length.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from .. import paging, search
from ..filters import StatementFilter, without_empty
from ..models import DatePrecision, Person, QuoteKind, Source, Statement, Topic
from ..reading.cards import as_quoted
from ..reading.dates import iso_partial
from ..reading.statement import statement_race
from .exports import bad_filter_text

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class EntryExtras(TypedDict):
        """What ``feed_statements`` brings along on each statement."""

        public_topics: list[Topic]
        public_sources: list[Source]

    FeedStatement = WithAnnotations[Statement, EntryExtras]

ITEMS = 50
TITLE_WORDS = 12


class BadFilter(Exception):
    def __init__(self, filterset: StatementFilter):
        super().__init__(dict(filterset.errors))
        self.filterset = filterset


@dataclass
class FeedScope:
    """What one request's feed is about: its statements and how to describe them."""

    statements: QuerySet
    title: str
    description: str
    link: str
    feed_url: str


def kind_label(kind: str) -> str:
    return QuoteKind.label_of(kind)


def first_words(text: str) -> str:
    return Truncator(" ".join(text.split())).words(TITLE_WORDS, truncate="…")


def short_words(statement: Statement) -> str:
    """The start of the words, in quotation marks only if they were quoted."""
    return as_quoted(statement, first_words(statement.text))


def feed_statements(statements: QuerySet) -> list[FeedStatement]:
    """The newest ITEMS statements with everything an entry shows: three queries."""
    return list(
        statements.select_related("speaker", "speaker_party", "event", "candidacy__race__election")
        .prefetch_related(
            Prefetch(
                "topics",
                queryset=Topic.objects.published().order_by("name", "id"),
                to_attr="public_topics",
            ),
            Prefetch(
                "sources",
                queryset=Source.objects.published()
                .select_related("outlet")
                .order_by("published_on", "id"),
                to_attr="public_sources",
            ),
        )
        .order_by(*paging.order_by(paging.NEWEST_FIRST))[:ITEMS]
    )


def _names(records) -> str:
    return " or ".join(str(record) for record in records)


def describe_filters(filterset: StatementFilter) -> str:
    """'by Jon Ossoff on Immigration, direct quotes, said on or after 2020-05-01'."""
    data = filterset.form.cleaned_data
    parts = []
    if data.get("speaker"):
        parts.append(f"by {_names(data['speaker'])}")
    if data.get("topic"):
        parts.append(f"on {_names(data['topic'])}")
    if data.get("party"):
        parts.append(f"from the {_names(data['party'])}")
    if data.get("race"):
        parts.append(f"by candidates in {_names(data['race'])}")
    if data.get("event"):
        parts.append(f"at {_names(data['event'])}")
    if filterset.search_text:
        parts.append(f"matching {search.quoted(filterset.search_text, 60)}")
    details = []
    if data.get("kind"):
        details.append(" or ".join(kind_label(kind).lower() + "s" for kind in data["kind"]))
    if data.get("said_after"):
        details.append(f"said on or after {data['said_after'].isoformat()}")
    if data.get("said_before"):
        details.append(f"said on or before {data['said_before'].isoformat()}")
    if data.get("has_reactions") in ("true", "false"):
        details.append("with reactions" if data["has_reactions"] == "true" else "without reactions")
    return " ".join(parts) + (", " if parts and details else "") + ", ".join(details)


class StatementFeed(Feed):
    """/statements/feed/: the newest published statements matching the filters."""

    description_template = "feeds/statement_description.html"
    item_guid_is_permalink = True

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except BadFilter as error:
            return bad_filter_text(error.filterset)

    # -- what the feed is about --

    def subject(self, request: HttpRequest, **kwargs: Any) -> tuple[QuerySet, str, str]:
        """The statements before filtering, the feed's title stem and its page; ``kwargs``
        are the URL's (``slug``)."""
        return Statement.objects.published(), "Statements", reverse("statements:statement-list")

    def get_object(self, request, *args, **kwargs) -> FeedScope:
        statements, stem, page = self.subject(request, **kwargs)
        filterset = StatementFilter(without_empty(request.GET), queryset=statements)
        if filterset.errors:
            raise BadFilter(filterset)
        filters = describe_filters(filterset)
        title = f"{stem} {filters}".strip()
        query = filter_query(request)
        if query and page == reverse("statements:statement-list"):
            page = f"{page}?{query}"
        return FeedScope(
            statements=filterset.results(),
            title=f"{title} · {settings.SITE_NAME}",
            description=(
                f"{title}: the newest {ITEMS} published, verbatim and sourced, "
                "with their kind (direct quote, partial quote or paraphrase)."
            ),
            link=page,
            feed_url=request.get_full_path(),
        )

    def title(self, scope: FeedScope) -> str:
        return scope.title

    def description(self, scope: FeedScope) -> str:
        return scope.description

    def link(self, scope: FeedScope) -> str:
        return scope.link

    def feed_url(self, scope: FeedScope) -> str:
        return scope.feed_url

    def items(self, scope: FeedScope) -> list[FeedStatement]:
        return feed_statements(scope.statements)

    # -- each entry --

    def item_title(self, item: Statement) -> str:
        return f"{item.speaker.name} ({kind_label(item.kind).lower()}): {short_words(item)}"

    def item_link(self, item: Statement) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Statement) -> datetime.datetime:
        # For a statement whose source gives no date, the day it was reported: the entry's
        # text says so, and never gives that day as the day it was said.
        return datetime.datetime.combine(item.said_on, datetime.time.min, tzinfo=datetime.UTC)

    def item_updateddate(self, item: Statement) -> datetime.datetime:
        return item.updated_at

    def item_author_name(self, item: Statement) -> str:
        return item.speaker.name

    def item_categories(self, item: FeedStatement) -> list[str]:
        return [topic.name for topic in item.public_topics]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        statement: FeedStatement = kwargs["item"]
        request: HttpRequest = kwargs["request"]
        absolute = request.build_absolute_uri
        party = statement.speaker_party
        event = statement.event
        race = statement_race(statement)
        return {
            "statement": statement,
            "kind_label": kind_label(statement.kind),
            "paragraphs": [part for part in statement.text.splitlines() if part.strip()],
            "permalink": absolute(statement.get_absolute_url()),
            "speaker_url": absolute(statement.speaker.get_absolute_url()),
            "party": party.name if party is not None and party.is_published else "",
            "event": event if event is not None and event.is_published else None,
            "event_url": absolute(event.get_absolute_url()) if event is not None else "",
            "date_display": statement.date_display,
            "date_not_given": statement.date_not_given,
            "date_iso": iso_partial(statement.said_on, statement.date_precision),
            "race": race,
            "race_url": absolute(race.get_absolute_url()) if race is not None else "",
            "precision_note": precision_note(statement.date_precision),
            "topics": [
                {"name": topic.name, "url": absolute(topic.get_absolute_url())}
                for topic in statement.public_topics
            ],
            "sources": statement.public_sources,
        }


def precision_note(precision: str) -> str:
    if precision == DatePrecision.MONTH:
        return "known to the month"
    if precision == DatePrecision.YEAR:
        return "known to the year"
    return ""


def filter_query(request: HttpRequest) -> str:
    """The query string without paging, for links back to the filtered page."""
    query = without_empty(request.GET)
    for name in ("page", "cursor"):
        query.pop(name, None)
    return query.urlencode()


class AtomStatementFeed(StatementFeed):
    feed_type = Atom1Feed

    def subtitle(self, scope: FeedScope) -> str:
        return scope.description


class PersonFeed(StatementFeed):
    """/people/<slug>/feed/: one published person's published statements."""

    def subject(self, request: HttpRequest, **kwargs: Any) -> tuple[QuerySet, str, str]:
        person = Person.objects.published().get(slug=kwargs["slug"])  # DoesNotExist: 404
        return (
            Statement.objects.published().filter(speaker=person),
            f"Statements by {person.name}",
            person.get_absolute_url(),
        )


class AtomPersonFeed(PersonFeed, AtomStatementFeed):
    pass


class TopicFeed(StatementFeed):
    """/topics/<slug>/feed/: published statements on a published topic or a narrower one."""

    def subject(self, request: HttpRequest, **kwargs: Any) -> tuple[QuerySet, str, str]:
        topic = Topic.objects.published().get(slug=kwargs["slug"])  # DoesNotExist: 404
        return (
            Statement.objects.published().on_topic(topic),
            f"Statements on {topic.name}",
            topic.get_absolute_url(),
        )


class AtomTopicFeed(TopicFeed, AtomStatementFeed):
    pass
