"""The API's own fields: absolute addresses of a record's page and API entry, choices
given with their labels, and dates that read null when the source gives none."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import DatePrecision, QuoteKind
from ..models.base import address


def absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def api_path(name: str, key: str, value: int | str) -> str:
    """The address of one record in the API (the route resolved once per process)."""
    return address(f"api:{name}", key, value)


def statements_path(**params) -> str:
    return reverse("api:statement-list") + "?" + urlencode(params)


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The record's page on the site (its get_absolute_url), absolute."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return absolute(self.context, value.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class ApiURLField(serializers.Field):
    """The record's address in this API, absolute."""

    def __init__(self, view_name: str, lookup: str = "slug", **kwargs):
        self.view_name, self.lookup = view_name, lookup
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        key = "id" if self.lookup == "pk" else self.lookup
        path = api_path(f"{self.view_name}-detail", key, getattr(value, self.lookup))
        return absolute(self.context, path)


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class OptionalURLField(serializers.Field):
    """A URL, or null when it is not known (stored blank)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


@extend_schema_field(OpenApiTypes.URI)
class StatementsURLField(serializers.Field):
    """The API's statement list filtered to this record (e.g. ?speaker=<slug>)."""

    def __init__(self, param: str, **kwargs):
        self.param = param
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return absolute(self.context, statements_path(**{self.param: value.slug}))


class NamedChoiceField(serializers.ChoiceField):
    """A read-only choice field documented as the named enum ``enum_name``."""

    def __init__(self, choices, enum_name: str, **kwargs):
        self.enum_name = enum_name
        kwargs.setdefault("read_only", True)
        super().__init__(choices, **kwargs)


def quote_kind(**kwargs):
    return NamedChoiceField(QuoteKind.choices, "QuoteKindEnum", **kwargs)


def date_precision(**kwargs):
    return NamedChoiceField(DatePrecision.choices, "DatePrecisionEnum", **kwargs)


class SaidOnField(serializers.DateField):
    """A statement's said_on, or null when its source gives no date (then the stored day is
    the day it was reported: never given out as the day said)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        if instance.date_precision == DatePrecision.NONE:
            return None
        return super().get_attribute(instance)


class ReportedOnField(serializers.DateField):
    """For a statement whose source gives no date: the day it was reported; else null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("source", "said_on")
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        if instance.date_precision != DatePrecision.NONE:
            return None
        return super().get_attribute(instance)
