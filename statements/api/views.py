"""Read-only viewsets for /api/v1/. Published records only, nested ones included.

Each list runs a fixed number of queries whatever its page size: related rows come
through select_related, and nested lists through Prefetch(queryset=...published()...);
a statement's, through one compiled read each (nested.py).
"""

from __future__ import annotations

from django.db.models import F, Prefetch
from django.http import Http404, JsonResponse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from ..filters import Ordering, StatementFilter
from ..models import (
    PublicationState,
    Statement,
)
from ..models.base import BIGINT_MAX, ID_PATTERN
from ..paging import NEWEST_FIRST, OLDEST_FIRST, in_order, order_by
from ..reading import visibility
from ..reading.listing import StatementList
from ..reading.prepared import read_by_shape
from ..reading.redirects import redirect_for
from . import serializers as s
from .filters import PersonFilter, StrictFilterBackend
from .nested import attach_nested, with_related
from .pagination import KeysetPagination
from .schema import StrictFilterExtension  # noqa: F401 -- registers the extension

PUBLISHED = PublicationState.PUBLISHED

# --------------------------------------------------------------------------- schema pieces

ERRORS_400 = OpenApiResponse(
    response={
        "type": "object",
        "description": "Each bad parameter, with what is wrong with it.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description=(
        'A malformed parameter, e.g. `{"said_after": ["Enter a valid date."]}` or '
        '`{"speaker": ["Select a valid choice. no-such-person is not one of the available '
        'choices."]}`.'
    ),
)
NOT_FOUND_404 = OpenApiResponse(
    response={
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    description="No published record at that address (drafts do not exist here).",
)
SLUG = OpenApiParameter(
    "slug",
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "maxLength": 200},
    OpenApiParameter.PATH,
    description="The record's slug, as in its address on the site.",
)
ID = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": BIGINT_MAX},
    OpenApiParameter.PATH,
    description="The record's number.",
)


def documented(
    name: str, plural: str, key: OpenApiParameter, serializer, list_description: str = ""
):
    """extend_schema_view for a resource: descriptions, path key, 400 and 404 bodies."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"List published {plural}",
            description=list_description,
            responses={200: serializer(many=True), 400: ERRORS_400},
        ),
        retrieve=extend_schema(
            summary=f"One published {name}",
            parameters=[key],
            responses={200: serializer, 404: NOT_FOUND_404},
        ),
    )


# --------------------------------------------------------------------------- viewsets


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    pagination_class = KeysetPagination
    filter_backends: list = []
    keyset_ordering: tuple[str, ...] = ("id",)
    lookup_field = "slug"
    # Anything up to the next slash: a malformed id or slug is a JSON 404, not Django's page.
    lookup_value_regex = "[^/]+"

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            # A merged or renamed record's old slug answers 301 to its survivor.
            slug = kwargs.get("slug")
            redirect = slug and redirect_for(
                self.get_queryset().model,
                slug,
                url_name=f"api:{self.basename}-detail",
                query_string=request.META.get("QUERY_STRING", ""),
            )
            if not redirect:
                raise
            return redirect

    def filter_queryset(self, queryset):
        # Filters select lists; a record's own address is not filtered.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


STATEMENT_LIST = """
Published statements, newest first: `said_on` descending, and statements said on the
same day in the order they were entered (id ascending).

Takes exactly the filters of the `/statements/` page, with the same meaning: `speaker`,
`topic` (narrower topics included), `party` (the speaker's party at the time), `race`
(statements said while running in it: each statement's own race), `event` and `kind` may
be repeated (OR within a parameter); different parameters combine with AND; `said_after`
and `said_before` are inclusive ISO dates (they leave out statements whose source gives no
date); `has_reactions` is `true` or `false`.

A statement whose source gives no date has `date_precision` `none`, `said_on` null and
`reported_on` the day it was reported, by which it is sorted (and paged).

`q` is a full-text search (words, "exact phrases", -excluded, alternatives with `or`).
With `q`, results are ranked by relevance as on the page (only the newest 1,000 matches
are ranked); pass `ordering=-said_on` or `ordering=said_on` to get every match in date
order instead. Without `q`, `ordering=said_on` lists oldest first (a day's statements
still in the order they were entered).

A malformed or unknown value (a date that is not a date, an unknown slug, an unknown kind,
a damaged cursor) is a 400 whose JSON body names the parameter.
"""


@documented("statement", "statements", ID, s.StatementSerializer, STATEMENT_LIST)
class StatementViewSet(ReadOnlyViewSet):
    """What a person said, verbatim or paraphrased, with everything around it."""

    serializer_class = s.StatementSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = StatementFilter
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return with_related(visibility.statements())

    def get_object(self):
        statement = super().get_object()
        attach_nested([statement])
        return statement

    def get_keyset_ordering(self, request):
        oldest = self.filterset.ordering_choice == Ordering.OLDEST
        return tuple(order_by(OLDEST_FIRST if oldest else NEWEST_FIRST))

    def list(self, request, *args, **kwargs):
        results = self.filter_queryset(visibility.statements())
        listing = StatementList(self.filterset)
        paginator = self.paginator
        if listing.ranked:
            ids = paginator.paginate_ranked_ids(listing.ranked_ids(), request)
            page = in_order(ids, read_by_shape(with_related(Statement.objects.filter(pk__in=ids))))
        else:
            by_cursor = paginator.cursor_query_param in request.query_params
            with listing.planned_read(by_cursor=by_cursor):  # read as the list page's is
                page = paginator.paginate_queryset(
                    results, request, view=self, load=with_related, ids_first=listing.searching
                )
        attach_nested(page)
        serializer = self.get_serializer(page, many=True)
        return paginator.get_paginated_response(serializer.data)


@documented(
    "person",
    "people",
    SLUG,
    s.PersonSerializer,
    "Published people, alphabetically by sort name. `q` matches part of a name.",
)
class PersonViewSet(ReadOnlyViewSet):
    """Anyone who speaks or is spoken of: affiliations (role over time) and candidacies."""

    serializer_class = s.PersonSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = PersonFilter
    keyset_ordering = ("sort_name", "id")

    def get_queryset(self):
        return visibility.people().prefetch_related(
            Prefetch(
                "affiliations",
                queryset=visibility.affiliations(["person"]).order_by(
                    F("start_date").desc(nulls_last=True), "id"
                ),
                to_attr="public_affiliations",
            ),
            Prefetch(
                "candidacies",
                queryset=visibility.candidacies(["person"])
                .select_related("race__election", "party")
                .order_by("race__slug", "id"),
                to_attr="public_candidacies",
            ),
        )


@documented("topic", "topics", SLUG, s.TopicSerializer, "Published topics, alphabetically.")
class TopicViewSet(ReadOnlyViewSet):
    """Subjects, in a tree (Immigration › 287(g) program)."""

    serializer_class = s.TopicSerializer
    keyset_ordering = ("name", "id")

    def get_queryset(self):
        return (
            visibility.topics()
            .select_related("parent")
            .prefetch_related(
                Prefetch(
                    "children",
                    queryset=visibility.topics().order_by("name", "id"),
                    to_attr="public_children",
                )
            )
        )


@documented("event", "events", SLUG, s.EventSerializer, "Published events, most recent first.")
class EventViewSet(ReadOnlyViewSet):
    """Where statements were made: town halls, debates, interviews, posts."""

    serializer_class = s.EventSerializer
    keyset_ordering = ("-date", "-id")

    def get_queryset(self):
        return visibility.events().prefetch_related(
            Prefetch(
                "hosts",
                queryset=visibility.organizations().order_by("name", "id"),
                to_attr="public_hosts",
            )
        )


@documented(
    "race",
    "races",
    SLUG,
    s.RaceSerializer,
    "Published races, by slug (which starts with the year).",
)
class RaceViewSet(ReadOnlyViewSet):
    """An office contested on a date at one stage (primary, general, runoff), and who ran."""

    serializer_class = s.RaceSerializer
    keyset_ordering = ("slug",)

    def get_queryset(self):
        return (
            visibility.races()
            .select_related("election", "party")
            .prefetch_related(
                Prefetch(
                    "candidacies",
                    queryset=visibility.candidacies(["race"])
                    .select_related("person", "party")
                    .order_by("person__sort_name", "id"),
                    to_attr="public_candidacies",
                )
            )
        )


@documented(
    "reaction", "reactions", ID, s.ReactionDetailSerializer, "Published reactions, newest first."
)
class ReactionViewSet(ReadOnlyViewSet):
    """A third party's response to a statement, with its stance. Never the speaker's own."""

    serializer_class = s.ReactionDetailSerializer
    keyset_ordering = ("-id",)
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return visibility.reactions().select_related("statement__speaker")


@documented(
    "organization",
    "organizations",
    SLUG,
    s.OrganizationSerializer,
    "Published organizations, by name.",
)
class OrganizationViewSet(ReadOnlyViewSet):
    """Parties, campaigns, advocacy and student groups, agencies, news outlets."""

    serializer_class = s.OrganizationSerializer
    keyset_ordering = ("name", "id")

    def get_queryset(self):
        return visibility.organizations()


@documented(
    "source", "sources", ID, s.SourceSerializer, "Published sources, most recently published first."
)
class SourceViewSet(ReadOnlyViewSet):
    """Publications that report what was said: outlet, headline, URL, author, date."""

    serializer_class = s.SourceSerializer
    keyset_ordering = ("-published_on", "-id")
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return visibility.sources()


def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/: a JSON 404 like the API's own."""
    return JsonResponse({"detail": "Not found."}, status=404)
