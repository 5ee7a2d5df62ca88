"""/api/v1/popolo.json: people, organizations, memberships and events in the shapes of
the Popolo data standard (https://www.popoloproject.com/), published records only.

Ids are strings: slugs for people, organizations and events (the same slugs as in the
site's addresses and the rest of the API), ``membership-<number>`` for memberships.
Dates are ISO 8601 and never more precise than they are known ("2020", "2020-05",
"2020-05-30"); an unknown date is null. The export is small enough to send whole: four
queries (five with event hosts), however many records there are.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import (
    DatePrecision,
    PublicationState,
)
from ..reading import visibility

PUBLISHED = PublicationState.PUBLISHED
POPOLO_DATE = "^[0-9]{4}(-[0-9]{2}){0,2}$"


def popolo_date(value, precision: str = DatePrecision.DAY) -> str | None:
    """A date no more precise than it is known, as Popolo writes partial dates."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def _or_none(text: str) -> str | None:
    return text or None


def build_popolo(request=None) -> dict:
    def absolute(path: str) -> str:
        return request.build_absolute_uri(path) if request is not None else path

    site = getattr(settings, "SITE_NAME", "Statement Tracker")
    persons = [
        {
            "id": person.slug,
            "name": person.name,
            "sort_name": person.sort_name,
            "summary": _or_none(person.summary),
            "links": [{"url": absolute(person.get_absolute_url()), "note": f"{site} page"}],
        }
        for person in visibility.people().order_by("sort_name", "id")
    ]
    organizations = [
        {
            "id": org.slug,
            "name": org.name,
            "classification": org.kind,
            "other_names": (
                [{"name": org.abbreviation, "note": "abbreviation"}] if org.abbreviation else []
            ),
            "links": [{"url": org.website, "note": "website"}] if org.website else [],
        }
        for org in visibility.organizations().order_by("name", "id")
    ]
    memberships = [
        {
            "id": f"membership-{affiliation.pk}",
            "person_id": affiliation.person.slug,
            "organization_id": affiliation.organization.slug,
            "role": _or_none(affiliation.role),
            "start_date": popolo_date(affiliation.start_date),
            "end_date": popolo_date(affiliation.end_date),
        }
        for affiliation in visibility.affiliations()
        .select_related("person")
        .order_by("person__sort_name", "person_id", "organization__name", "id")
    ]
    events = []
    for event in (
        visibility.events()
        .prefetch_related(
            Prefetch(
                "hosts",
                queryset=visibility.organizations().order_by("name", "id"),
                to_attr="public_hosts",
            )
        )
        .order_by("date", "id")
    ):
        events.append(
            {
                "id": event.slug,
                "name": event.name,
                "description": _or_none(event.description),
                "start_date": popolo_date(event.date, event.date_precision),
                "classification": event.kind,
                "organization_id": event.public_hosts[0].slug if event.public_hosts else None,
                "location": _or_none(event.location) or ("online" if event.online else None),
                "links": [{"url": absolute(event.get_absolute_url()), "note": f"{site} page"}],
            }
        )
    return {
        "persons": persons,
        "organizations": organizations,
        "memberships": memberships,
        "events": events,
    }


# --------------------------------------------------------------------------- OpenAPI shapes


@extend_schema_field({"type": "string", "pattern": POPOLO_DATE, "nullable": True})
class PopoloDateField(serializers.CharField):
    pass


class PopoloLinkSerializer(serializers.Serializer):
    url = serializers.URLField()
    note = serializers.CharField(allow_null=True)


class PopoloOtherNameSerializer(serializers.Serializer):
    name = serializers.CharField()
    note = serializers.CharField(allow_null=True)


class PopoloPersonSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The person's slug.")
    name = serializers.CharField()
    sort_name = serializers.CharField()
    summary = serializers.CharField(allow_null=True)
    links = PopoloLinkSerializer(many=True)


class PopoloOrganizationSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The organization's slug.")
    name = serializers.CharField()
    classification = serializers.CharField(help_text="The kind of organization, e.g. party.")
    other_names = PopoloOtherNameSerializer(many=True)
    links = PopoloLinkSerializer(many=True)


class PopoloMembershipSerializer(serializers.Serializer):
    id = serializers.CharField()
    person_id = serializers.CharField()
    organization_id = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    start_date = PopoloDateField(allow_null=True, help_text="Null when not known.")
    end_date = PopoloDateField(allow_null=True, help_text="Null when ongoing or not known.")


class PopoloEventSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The event's slug.")
    name = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    start_date = PopoloDateField(allow_null=True, help_text="As precise as it is known.")
    classification = serializers.CharField(help_text="The kind of event, e.g. town_hall.")
    organization_id = serializers.CharField(allow_null=True, help_text="The (first) host.")
    location = serializers.CharField(allow_null=True)
    links = PopoloLinkSerializer(many=True)


class PopoloExportSerializer(serializers.Serializer):
    persons = PopoloPersonSerializer(many=True)
    organizations = PopoloOrganizationSerializer(many=True)
    memberships = PopoloMembershipSerializer(many=True)
    events = PopoloEventSerializer(many=True)


class PopoloView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="popolo_export",
        summary="People, organizations, memberships and events as Popolo JSON",
        description=__doc__,
        responses={200: PopoloExportSerializer},
        tags=["popolo"],
    )
    def get(self, request):
        return Response(build_popolo(request))
