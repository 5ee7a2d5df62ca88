"""Cursor paging for the API lists: as fast on the ten-thousandth page as on the first.

A cursor is the sort key of the row a page ends on (e.g. said_on and id of a statement),
so the next page is "rows after this key" and the database walks an index instead of
counting through an OFFSET. The key includes the primary key, so it is unique and no row
is skipped or repeated between pages. Statements ranked by relevance page through the
capped, ranked list of ids instead, with an offset in the cursor.

Cursors are opaque to callers (base64 of a small JSON object): use the ``next`` and
``previous`` links. A cursor that cannot be read, or that belongs to another ordering, is
a 400 naming ``cursor`` (DRF's own CursorPagination answers 404).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from .. import paging
from ..models.base import BIGINT_MAX

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_CURSOR_LENGTH = 2000
MAX_OFFSET = 1_000_000
BAD_CURSOR = (
    "This cursor is damaged, out of date, or belongs to another ordering of the list; "
    "follow the next and previous links, or start again without a cursor."
)


def _bad_cursor() -> ValidationError:
    return ValidationError({"cursor": [BAD_CURSOR]})


def encode_cursor(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> dict:
    """The cursor's contents; a ValidationError naming ``cursor`` if it can't be read."""
    if len(token) > MAX_CURSOR_LENGTH:
        raise _bad_cursor()
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
    except (ValueError, binascii.Error, UnicodeError):
        raise _bad_cursor() from None
    if not isinstance(data, dict):
        raise _bad_cursor()
    return data


def _parse_ordering(ordering) -> list[tuple[str, bool]]:
    """("-said_on", "id") -> [("said_on", True), ("id", False)]: (field, descending)."""
    return [(name.lstrip("-"), name.startswith("-")) for name in ordering]


def _to_json(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _from_json(model, name: str, value):
    """A key value from a cursor, checked as the model field would check it."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _bad_cursor()
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    try:
        parsed = field.to_python(value)
    except (DjangoValidationError, TypeError, ValueError):
        raise _bad_cursor() from None
    if parsed is None:
        raise _bad_cursor()
    if isinstance(field, (models.IntegerField, models.AutoField)) and not (
        -BIGINT_MAX - 1 <= parsed <= BIGINT_MAX
    ):
        raise _bad_cursor()
    if isinstance(parsed, str) and ("\x00" in parsed or not _encodable(parsed)):
        raise _bad_cursor()
    if isinstance(field, models.DateField) and not isinstance(value, str):
        raise _bad_cursor()
    return parsed


def _encodable(text: str) -> bool:
    """Whether the database can take ``text``: JSON may carry a lone surrogate (``\\ud800``),
    which no UTF-8 column holds."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class KeysetPagination(BasePagination):
    """``{"next": url|null, "previous": url|null, "results": [...]}``, newest first or
    whatever the view's ``keyset_ordering`` (or ``get_keyset_ordering(request)``) says."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    default_page_size = PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE

    # -- shared --

    def _start(self, request):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.next_cursor = self.previous_cursor = None
        token = request.query_params.get(self.cursor_query_param)
        return decode_cursor(token) if token else None

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.default_page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError(
                {self.page_size_query_param: ["A whole number is required."]}
            ) from None
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Ensure this value is between 1 and {self.max_page_size}."
                    ]
                }
            )
        return size

    def _link(self, cursor: dict | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, encode_cursor(cursor))

    def get_next_link(self):
        return self._link(self.next_cursor)

    def get_previous_link(self):
        return self._link(self.previous_cursor)

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    # -- keyset pages of a queryset --

    def paginate_queryset(self, queryset, request, view=None, *, load=None, ids_first=False):
        """One page of ``queryset``, read through ``load`` (see ``paging.first_rows``)."""
        cursor = self._start(request)
        if hasattr(view, "get_keyset_ordering"):
            ordering = tuple(view.get_keyset_ordering(request))
        else:
            ordering = tuple(view.keyset_ordering)
        fields = _parse_ordering(ordering)
        signature = ",".join(ordering)
        model = queryset.model

        key, backwards = None, False
        if cursor is not None:
            if set(cursor) - {"s", "k", "b"} or cursor.get("s") != signature:
                raise _bad_cursor()
            raw_key, backwards = cursor.get("k"), cursor.get("b", False)
            if not isinstance(raw_key, list) or len(raw_key) != len(fields):
                raise _bad_cursor()
            if not isinstance(backwards, bool):
                raise _bad_cursor()
            key = [
                _from_json(model, name, value)
                for (name, _), value in zip(fields, raw_key, strict=True)
            ]

        walk = [(name, descending != backwards) for name, descending in fields]
        if key is not None:
            queryset = queryset.filter(paging.after(walk, key))
        rows = paging.first_rows(queryset, walk, self.page_size + 1, load=load, ids_first=ids_first)
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
            has_previous, has_next = more, True
        else:
            has_previous, has_next = key is not None, more

        def key_of(row):
            return [_to_json(getattr(row, name)) for name, _ in fields]

        if rows:
            if has_next:
                self.next_cursor = {"s": signature, "k": key_of(rows[-1])}
            if has_previous:
                self.previous_cursor = {"s": signature, "k": key_of(rows[0]), "b": True}
        elif key is not None:
            # Walked off an end: offer the way back.
            raw = [_to_json(value) for value in key]
            if backwards:
                self.next_cursor = {"s": signature, "k": raw}
            else:
                self.previous_cursor = {"s": signature, "k": raw, "b": True}
        return rows

    # -- pages of an already ranked list of ids --

    def paginate_ranked_ids(self, ids: list, request) -> list:
        """The ids on this page of a ranked list; the cursor holds the offset."""
        cursor = self._start(request)
        offset = 0
        if cursor is not None:
            if set(cursor) != {"o"}:
                raise _bad_cursor()
            offset = cursor["o"]
            if isinstance(offset, bool) or not isinstance(offset, int):
                raise _bad_cursor()
            if not 0 <= offset <= MAX_OFFSET:
                raise _bad_cursor()
        window = ids[offset : offset + self.page_size]
        if offset + self.page_size < len(ids):
            self.next_cursor = {"o": offset + self.page_size}
        if offset > 0:
            self.previous_cursor = {"o": max(0, min(offset, len(ids)) - self.page_size)}
        return window

    # -- OpenAPI --

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    **link,
                    "description": "The next page, or null on the last page.",
                },
                "previous": {
                    **link,
                    "description": "The previous page, or null on the first page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "Opaque paging cursor, taken from a response's `next` or `previous` "
                    "link. A damaged cursor is a 400 naming `cursor`."
                ),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Results per page, 1 to {self.max_page_size} "
                    f"(default {self.default_page_size})."
                ),
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.default_page_size,
                },
            },
        ]
