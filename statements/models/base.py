"""Shared pieces: publication state, dates that know their precision."""

import json
import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, get_urlconf, reverse
from simple_history.models import HistoricalRecords

from .loading import LeanLoading

HISTORY_APP = "statements_history"

# What a slug may be, wherever one is read from a URL or a filter: Django's SlugField
# (validate_slug) and <slug:…> converter accept ASCII letters, digits, "-" and "_".
SLUG_PATTERN = re.compile(r"[-a-zA-Z0-9_]{1,200}")
# The largest id a record can have (a bigint column): a larger number names no record.
BIGINT_MAX = 2**63 - 1
# A record's id in an address: ASCII digits only (int() would read "١", Arabic-Indic one,
# as 1).
ID_PATTERN = "[0-9]+"


# How long free text may be, in characters. The desk's forms and the services
# (full_clean) both refuse more, saying how long the text is; a quote longer than a page of
# an article is a slip of the paste, not a quote.
TEXT_LIMITS = {
    "quote": 10_000,  # a statement's or a reaction's words
    "note": 2_000,  # context, descriptions, summaries, inference notes, corrections
    "article": 200_000,  # a source's full text
}


def bounded_text(limit: str, **options) -> models.TextField:
    """A TextField that refuses more than TEXT_LIMITS[limit] characters."""
    size = TEXT_LIMITS[limit]
    return models.TextField(max_length=size, validators=[MaxLengthValidator(size)], **options)


class PublicationState(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    # A statement whose source gives no date at all: its date field then holds the day
    # it was reported (its source's published date), used only to sort it, never shown
    # as the date said.
    NONE = "none", "Not given in the source"


class EditorialHistoricalRecords(HistoricalRecords):
    """simple_history's records, except that loading a fixture (loaddata, restore) adds
    no versions: the fixture brings the history rows along. simple_history already skips
    raw saves, but not the many-to-many changes loaddata makes right after them."""

    def post_save(self, instance, created, using=None, **kwargs):
        if kwargs.get("raw", False):
            instance._history_loading_fixture = True
        super().post_save(instance, created, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if getattr(instance, "_history_loading_fixture", False):
            return
        super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)


def editorial_history(**options) -> HistoricalRecords:
    """Every version of the model, with who changed what and when (django-simple-history).

    Kept in the `statements_history` app (statements/history/); written by the services.
    """
    return EditorialHistoricalRecords(app=HISTORY_APP, **options)


class PublicRule:
    """Who may see a record: the one definition, used by every public output.

    A record is public when it is published (if it has a state at all) and every record
    named in ``public_requires`` is public too: a statement cannot be shown without its
    speaker, a reaction without its respondent, source and statement. A nullable relation
    in that list must be public when it is set. Relations not listed (a statement's
    party or event) are optional: the reading layer shows them only when published.
    """

    public_requires: tuple[str, ...] = ()

    @classmethod
    def public_condition(cls, prefix: str = "", known_public: Collection[str] = ()) -> Q:
        """The rule as a filter, for this model or (with ``prefix="statement__"``) through
        a relation. ``known_public`` names relations of this model that the caller has
        already restricted to public records (the statement whose reactions it loads):
        they are not checked again, which spares the database a join each."""
        assert issubclass(cls, models.Model), "PublicRule is mixed into models only"
        condition = Q()
        if any(field.name == "state" for field in cls._meta.concrete_fields):
            condition &= Q(**{f"{prefix}state": PublicationState.PUBLISHED})
        for name in cls.public_requires:
            if name in known_public:
                continue
            field = cls._meta.get_field(name)
            related = field.related_model
            assert isinstance(field, models.Field) and isinstance(related, type), name
            assert issubclass(related, PublicRule), f"{name} leads to a model without a rule"
            nested = related.public_condition(f"{prefix}{name}__")
            condition &= Q(**{f"{prefix}{name}__isnull": True}) | nested if field.null else nested
        return condition


class PublicQuerySet(models.QuerySet):
    def published(self, known_public: Collection[str] = ()):
        """What the public may see of this model (PublicRule); see public_condition for
        ``known_public``."""
        return self.filter(self.model.public_condition(known_public=known_public))


class EditorialModel(LeanLoading, PublicRule, models.Model):
    """A record that readers see only once a publisher has published it."""

    state = models.CharField(
        max_length=12,
        choices=PublicationState,
        default=PublicationState.DRAFT,
        db_index=True,
        help_text="Only published records are visible to the public.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Who last published it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=(
            "Raised by one on every save, so that two editors' saves cannot overwrite each other."
        ),
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.state == PublicationState.PUBLISHED


# Links to sources must be web pages: never javascript:, data:, ftp: or anything else.
web_url_validator = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with http:// or https://."
)


def web_url(value: str) -> str:
    """The URL if it is an http(s) address we may link to, else "" (never javascript: or data:)."""
    scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
    return value if scheme in ("http", "https") else ""


NOT_GIVEN = "date not given in the source"


def format_partial_date(value, precision: str) -> str:
    """Show a date no more precisely than it is known: 'May 30, 2020', 'June 2020', '2020';
    for a date the source does not give, 'date not given in the source (reported June 5,
    2020)': the stored day is the day it was reported, never the day it was said."""
    if value is None:
        return "date unknown"
    if precision == DatePrecision.NONE:
        return f"{NOT_GIVEN} (reported {value.strftime('%B')} {value.day}, {value.year})"
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.MONTH:
        return value.strftime("%B %Y")
    return f"{value.strftime('%B')} {value.day}, {value.year}"


class DatedMixin(models.Model):
    """A date with its precision, and whether the editor inferred it (and how)."""

    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text=(
            "How precisely the date is known. A month-precise date is stored as its 1st. "
            "'Not given in the source' (statements only): the date holds the day it was "
            "reported, used to sort it and never shown as the day it was said."
        ),
    )
    date_inferred = models.BooleanField(
        default=False,
        help_text="Tick when the source does not state the date outright (e.g. 'said Saturday').",
    )
    date_inference_note = bounded_text(
        "note",
        blank=True,
        help_text="How the date was worked out. Required when the date is inferred.",
    )

    # Whether the date may be "not given in the source" (DatePrecision.NONE): only a
    # statement, whose date field then holds the day it was reported.
    date_may_be_missing = False

    class Meta:
        abstract = True

    @property
    def date_not_given(self) -> bool:
        return self.date_precision == DatePrecision.NONE

    def clean(self):
        super().clean()
        if self.date_not_given and not self.date_may_be_missing:
            raise ValidationError(
                {"date_precision": "Give the date as precisely as it is known: day, month or year."}
            )
        if self.date_not_given and self.date_inferred:
            raise ValidationError(
                {
                    "date_inferred": (
                        "A date not given in the source is not inferred: untick this, or "
                        "give the inferred date with its precision instead."
                    )
                }
            )

    @classmethod
    def dated_constraints(cls, prefix: str):
        return [
            models.CheckConstraint(
                condition=Q(date_inferred=False) | ~Q(date_inference_note=""),
                name=f"{prefix}_inferred_date_has_note",
                violation_error_message="An inferred date needs a note saying how it was inferred.",
            ),
        ]


def count_per_row(rows: QuerySet, field: str) -> Coalesce:
    """How many of ``rows`` point at each row of the outer query through ``field``, as a
    correlated subquery: computed for the listed rows only, 0 where none, and without the
    GROUP BY that a Count() over a join adds (which would drop the outer Meta.ordering)."""
    counted = (
        rows.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class CountedUpTo(Subquery):
    """How many rows a sliced subquery gives, as ``(SELECT COUNT(*) FROM (…))``. Sliced
    at ``[:cap + 1]``, it reads no more than that many rows, in one walk of an index, and
    reaching cap + 1 says that there are more."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"

    def __init__(self, queryset: QuerySet, **extra):
        super().__init__(queryset, output_field=IntegerField(), **extra)


class ListField(models.Field):
    """What ``Collected`` reads: a list, from PostgreSQL's array or SQLite's JSON text."""

    def from_db_value(self, value, expression, connection):
        return json.loads(value) if isinstance(value, str) else value


class Collected(Subquery):
    """The values of a one-column subquery (aliased ``value``), as a list on each outer
    row: ``ARRAY(…)`` on PostgreSQL, ``json_group_array`` on SQLite. A row's links read
    this way come with the row, where a join would repeat the whole row once per link."""

    template = "ARRAY(%(subquery)s)"
    output_field = ListField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(SELECT json_group_array(value) FROM (%(subquery)s))",
            **extra_context,
        )


# A value no real id or slug takes, to find where the route puts it.
_PLACEHOLDER = {"pk": 9081726354, "id": 9081726354, "slug": "x-placeholder-x"}


# What _resolving() gives while a response is made (``resolving_read_once``).
_read_once: ContextVar[tuple[str, str] | None] = ContextVar("resolving_read_once", default=None)


def _read_now(urlconf: str | None = None) -> tuple[str, str]:
    return get_script_prefix(), urlconf or get_urlconf() or settings.ROOT_URLCONF


def _resolving() -> tuple[str, str]:
    """What a resolved route depends on besides its name: the script prefix and urlconf
    of this request (the cache keys of ``route`` and ``address``)."""
    return _read_once.get() or _read_now()


@contextmanager
def resolving_read_once(urlconf: str | None = None) -> Iterator[None]:
    """Inside, ``route`` and ``address`` take the script prefix and urlconf (``urlconf``,
    or the current one) as they are on entering, where each call would read them again:
    two context-local reads, 3.5 µs, where the rest of ``address`` takes 1.5. A list page
    asks for about 120 addresses, a prolific speaker's page over 400
    (``tracker.middleware.RoutesReadOnceMiddleware``)."""
    token = _read_once.set(_read_now(urlconf))
    try:
        yield
    finally:
        _read_once.reset(token)


@lru_cache(maxsize=64)
def _route_around(viewname: str, key: str, prefix: str, urlconf: str) -> tuple[str, str]:
    head, _, tail = reverse(viewname, urlconf, kwargs={key: _PLACEHOLDER[key]}).partition(
        str(_PLACEHOLDER[key])
    )
    return head, tail


@lru_cache(maxsize=128)
def _route(viewname: str, prefix: str, urlconf: str) -> str:
    return reverse(viewname, urlconf)


def route(viewname: str) -> str:
    """``reverse(viewname)`` for a route without arguments, resolved once per process (and
    script prefix): the pages name two dozen (``{% route %}``), and each ``{% url %}``
    costs as much as a card's whole markup."""
    return _route(viewname, *_resolving())


def statements_address(**filters: str) -> str:
    """/statements/ with the ``filters`` that have a value, e.g. speaker and topic."""
    query = urlencode({name: value for name, value in filters.items() if value})
    url = route("statements:statement-list")
    return f"{url}?{query}" if query else url


def address(viewname: str, key: str, value: int | str) -> str:
    """``reverse(viewname, kwargs={key: value})`` for a route with one ``pk``, ``id`` or
    ``slug``, with the route resolved once per process: the cards of one page ask for a
    hundred addresses, and ``reverse`` was an eighth of a list page's time (and a sixth
    of the API's serializing)."""
    if value in ("", None):
        return reverse(viewname, kwargs={key: value})  # raises NoReverseMatch, as it should
    head, tail = _route_around(viewname, key, *_resolving())
    return f"{head}{value}{tail}"
