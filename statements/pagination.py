"""Paging that stays as fast on page 10,000 as on page 1.

Date orderings use a keyset ("cursor"): the next page starts after the last row seen,
so the database walks the (state, said_on, id) index instead of scanning an OFFSET.
Numbered pages are offered only near the start, where OFFSET is cheap. Relevance
ordering pages through a capped, ranked list of ids (see search.ranked_ids).
"""

import base64
import binascii
import datetime
from dataclasses import dataclass, field

from django.db.models import Q

PAGE_SIZE = 20
MAX_NUMBERED_PAGE = 25
COUNT_CAP = 1000


class PagingError(ValueError):
    """A page or cursor that doesn't make sense; the message is shown to the reader."""


@dataclass(frozen=True)
class Cursor:
    said_on: datetime.date
    pk: int
    backwards: bool = False  # True: the page *before* this row ("newer" in date order)

    def encode(self) -> str:
        raw = f"{'b' if self.backwards else 'a'}:{self.said_on.isoformat()}:{self.pk}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> "Cursor":
        try:
            padded = token + "=" * (-len(token) % 4)
            direction, day, pk = base64.urlsafe_b64decode(padded).decode().split(":")
            if direction not in ("a", "b"):
                raise ValueError(direction)
            return cls(datetime.date.fromisoformat(day), int(pk), direction == "b")
        except (ValueError, binascii.Error, UnicodeDecodeError) as error:
            raise PagingError(
                "That page link is damaged or out of date; showing the first page."
            ) from error


@dataclass
class Page:
    items: list
    number: int | None = None  # None when reached through a cursor
    newer: dict | None = None  # query parameters for the page before, if any
    older: dict | None = None  # query parameters for the page after, if any
    errors: list[str] = field(default_factory=list)

    @property
    def has_other_pages(self) -> bool:
        return self.newer is not None or self.older is not None


def parse_page_number(raw: str | None) -> int:
    if raw in (None, ""):
        return 1
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        raise PagingError("Page numbers start at 1; showing the first page.")
    if number > MAX_NUMBERED_PAGE:
        raise PagingError(
            f"Pages are numbered up to {MAX_NUMBERED_PAGE}; use “Next” to go further. "
            "Showing the first page."
        )
    return number


def _key_filter(cursor: Cursor, ascending: bool) -> Q:
    """Rows strictly after the cursor in the ordering's direction."""
    forward = ascending != cursor.backwards
    if forward:
        return Q(said_on__gte=cursor.said_on) & (
            Q(said_on__gt=cursor.said_on) | Q(pk__gt=cursor.pk)
        )
    return Q(said_on__lte=cursor.said_on) & (Q(said_on__lt=cursor.said_on) | Q(pk__lt=cursor.pk))


def keyset_page(
    queryset, *, ascending: bool, cursor_token=None, page_number=None, size: int = PAGE_SIZE
) -> Page:
    """One page of `queryset` in said_on order (newest first unless ascending)."""
    errors: list[str] = []
    cursor = None
    number = 1
    try:
        if cursor_token:
            cursor = Cursor.decode(cursor_token)
        else:
            number = parse_page_number(page_number)
    except PagingError as error:
        errors.append(str(error))
        cursor, number = None, 1

    order = ["said_on", "pk"] if ascending else ["-said_on", "-pk"]
    if cursor is None:
        offset = (number - 1) * size
        rows = list(queryset.order_by(*order)[offset : offset + size + 1])
        has_more, items = len(rows) > size, rows[:size]
        has_before = number > 1
    else:
        after_cursor = queryset.filter(_key_filter(cursor, ascending))
        if cursor.backwards:
            reverse = [o[1:] if o.startswith("-") else f"-{o}" for o in order]
            rows = list(after_cursor.order_by(*reverse)[: size + 1])
            has_before, items = len(rows) > size, rows[:size][::-1]
            has_more = True
        else:
            rows = list(after_cursor.order_by(*order)[: size + 1])
            has_more, items = len(rows) > size, rows[:size]
            has_before = True
        number = None

    page = Page(items=items, number=number, errors=errors)
    if items and has_more:
        page.older = {"cursor": Cursor(items[-1].said_on, items[-1].pk).encode()}
    if number and number > 1:
        page.newer = {"page": str(number - 1)} if number > 2 else {}
    elif items and has_before:
        page.newer = {"cursor": Cursor(items[0].said_on, items[0].pk, backwards=True).encode()}
    return page


def ranked_page(ranked_ids: list[int], fetch, *, page_number=None, size: int = PAGE_SIZE) -> Page:
    """A numbered page through an already ranked, capped list of ids."""
    errors: list[str] = []
    try:
        number = parse_page_number(page_number)
    except PagingError as error:
        errors.append(str(error))
        number = 1
    window = ranked_ids[(number - 1) * size : number * size]
    by_pk = {row.pk: row for row in fetch(window)} if window else {}
    page = Page(items=[by_pk[pk] for pk in window if pk in by_pk], number=number, errors=errors)
    if number > 1:
        page.newer = {"page": str(number - 1)} if number > 2 else {}
    if len(ranked_ids) > number * size and number < MAX_NUMBERED_PAGE:
        page.older = {"page": str(number + 1)}
    return page


def capped_count(queryset, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows, counting at most cap + 1 of them: (count, more_than_cap)."""
    count = queryset.order_by().values("pk")[: cap + 1].count()
    return min(count, cap), count > cap
