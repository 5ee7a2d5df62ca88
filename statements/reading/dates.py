"""Dates as readers see them: no more precise than they are known."""

from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..models import DatePrecision, format_partial_date
from ..models.base import NOT_GIVEN


def iso_partial(value, precision) -> str:
    """The machine-readable date, no more precise than it is known: 2020-05-30, 2020-06, 2020."""
    if value is None or precision == DatePrecision.NONE:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def partial_date(value, precision=DatePrecision.DAY) -> SafeString | str:
    """<time datetime="2020-06">June 2020</time>, or 'date not recorded'."""
    if value is None:
        return "date not recorded"
    if precision == DatePrecision.NONE:
        # The stored day is the day it was reported: never marked up as the day said.
        return format_html(
            '<span class="date-not-given">{}</span> (reported <time datetime="{}">{}</time>)',
            NOT_GIVEN,
            value.isoformat(),
            format_partial_date(value, DatePrecision.DAY),
        )
    return format_html(
        '<time datetime="{}">{}</time>',
        iso_partial(value, precision),
        format_partial_date(value, precision),
    )
