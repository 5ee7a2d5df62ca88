"""Dates as readers see them: no more precise than they are known."""

import functools

from django.utils.safestring import SafeString, mark_safe

from ..models import DatePrecision, format_partial_date
from ..models.base import NOT_GIVEN
from .markup import escaped


def iso_partial(value, precision) -> str:
    """The machine-readable date, no more precise than it is known: 2020-05-30, 2020-06, 2020."""
    if value is None or precision == DatePrecision.NONE:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


# Kept per (date, precision): a page shows up to a few hundred dates, many of them more
# than once, and formatting them (``strftime``) was about 2% of a cold list page.
@functools.lru_cache(maxsize=4096)
def partial_date(value, precision=DatePrecision.DAY) -> SafeString | str:
    """<time datetime="2020-06">June 2020</time>, or 'date not recorded'."""
    if value is None:
        return "date not recorded"
    if precision == DatePrecision.NONE:
        # The stored day is the day it was reported: never marked up as the day said.
        reported = escaped(format_partial_date(value, DatePrecision.DAY))
        return mark_safe(  # noqa: S308 -- every value is escaped
            f'<span class="date-not-given">{escaped(NOT_GIVEN)}</span> '
            f'(reported <time datetime="{value.isoformat()}">{reported}</time>)'
        )
    return mark_safe(  # noqa: S308 -- every value is escaped
        f'<time datetime="{escaped(iso_partial(value, precision))}">'
        f"{escaped(format_partial_date(value, precision))}</time>"
    )
