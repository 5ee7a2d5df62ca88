"""The filter form's menus, built once per content generation and kept as HTML.

A menu of a few hundred people costs tens of milliseconds to render through Django's
form widgets, and a query per menu to read. Built here once per content generation (and per
process: the "fragments" cache), as plain HTML, they cost a cache read per page.

Long menus (speakers, events) are ``<datalist>`` suggestions for a text field: the
reader types a name and picks it, and the field sends the record's slug, as before. Short
ones (topics, parties, races) stay ``<select multiple>`` menus; the chosen options are
marked per request on the cached HTML. Either way any published record's slug works in
the URL, listed or not: StatementFilter checks it against every published record.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.core.cache import caches
from django.db.models import CharField, F, QuerySet, Value, Window
from django.db.models.functions import Cast, Concat, RowNumber
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..caching import generation
from ..models import SLUG_PATTERN, Topic
from ..models.topics import descendants
from .tree import TopicTree

# The form offers at most this many records per menu, so that the page stays small with
# thousands of people and events (plus, for a datalist, whatever is typed).
MENU_LIMIT = {"speaker": 300, "topic": 300, "party": 50, "race": 100, "event": 100}
MENU_ORDER = {"speaker": ("sort_name",), "event": ("-date", "-id"), "race": ("-date", "name")}
DATALISTS = ("speaker", "event")
SELECTS = ("topic", "party", "race")


def fragments():
    return caches["fragments"]


@dataclass(frozen=True)
class Topics:
    """Every published topic as (id, parent id, slug, name), by name: for the topic menu,
    for checking a topic filter's slugs and for finding narrower topics, without a query."""

    rows: tuple[tuple[int, int | None, str, str], ...]

    def with_slugs(self, slugs: Collection[str]) -> dict[str, Topic]:
        """The published topics among ``slugs``, by slug. Only those are made into
        topics: a filter names one or two, and making all of them took a third of the
        time it takes to check a list page's filters."""
        return {
            slug: Topic(pk=pk, parent_id=parent_id, slug=slug, name=name)
            for pk, parent_id, slug, name in self.rows
            if slug in slugs
        }

    def ids_under(self, topics) -> set[int]:
        """The topics' ids and those of every published topic below them."""
        children: dict[int | None, list[int]] = {}
        for topic_id, parent_id, _slug, _name in self.rows:
            children.setdefault(parent_id, []).append(topic_id)
        start = [t.pk if isinstance(t, Topic) else t for t in topics]
        return descendants(start, lambda topic_id: children.get(topic_id, []))


def topics() -> Topics:
    """The published topics, from the topic tree: read once per change of a topic (the
    "topics" scope of the content generation), by whichever page needs them first."""
    key = "published-topics:{}".format(generation.current("topics"))
    found = fragments().get(key)
    if found is None:
        tree = TopicTree.load()  # by name, as the menu lists them
        found = Topics(tuple((t.pk, t.parent_id, t.slug, t.name) for t in tree.by_id.values()))
        fragments().set(key, found)
    return found


@dataclass(frozen=True)
class Menus:
    html: dict[str, str]  # name -> <option>s, as HTML

    def options(self, name: str, chosen: list[str] | tuple[str, ...] = ()) -> SafeString:
        """The menu's <option>s with the ``chosen`` slugs selected."""
        html = self.html[name]
        for slug in set(chosen):
            if SLUG_PATTERN.fullmatch(slug):  # a slug needs no escaping
                html = html.replace(f'<option value="{slug}">', f'<option value="{slug}" selected>')
        return mark_safe(html)  # noqa: S308 -- built from escaped values in build()


def menu_records(querysets: dict[str, QuerySet]) -> dict[str, list[tuple[str, str]]]:
    """(slug, label) of the first MENU_LIMIT records of each menu, in menu order: every
    menu in one query (a UNION ALL of one part per menu), so that the first page after a
    change stays within its query budget."""
    parts = []
    for name, queryset in querysets.items():
        order = MENU_ORDER.get(name, ("name",))
        first = queryset.order_by(*order).values("pk")[: MENU_LIMIT[name]]
        label = Concat("election__name", Value(": "), "name") if name == "race" else F("name")
        parts.append(
            queryset.filter(pk__in=first)
            .order_by()
            .annotate(
                menu=Value(name, output_field=CharField()),
                menu_slug=F("slug"),
                menu_label=Cast(label, CharField()),
                menu_position=Window(RowNumber(), order_by=[_order(field) for field in order]),
            )
            .values_list("menu", "menu_slug", "menu_label", "menu_position")
        )
    records: dict[str, list[tuple[str, str]]] = {name: [] for name in querysets}
    if parts:
        rows = parts[0].union(*parts[1:], all=True)
        for name, slug, label, _position in sorted(rows, key=lambda row: (row[0], row[3])):
            records[name].append((slug, label))
    return records


def _order(field: str):
    return F(field[1:]).desc() if field.startswith("-") else F(field).asc()


def _options(records) -> str:
    return "".join(
        f'<option value="{escape(slug)}">{escape(label)}</option>' for slug, label in records
    )


def build(querysets: dict[str, QuerySet]) -> Menus:
    """One query for the menus but the topics' (cached on their own, see ``topics()``)."""
    listed = {name: queryset for name, queryset in querysets.items() if name != "topic"}
    html = {name: _options(records) for name, records in menu_records(listed).items()}
    topic_rows = topics().rows[: MENU_LIMIT["topic"]]
    html["topic"] = _options((slug, name) for _pk, _parent, slug, name in topic_rows)
    return Menus(html=html)


def current(querysets: dict[str, QuerySet]) -> Menus:
    """The menus of this content generation, built on the first request that needs them."""
    key = f"filter-menus:{generation.current()}"
    menus = fragments().get(key)
    if menus is None:
        menus = build(querysets)
        fragments().set(key, menus)
    return menus
