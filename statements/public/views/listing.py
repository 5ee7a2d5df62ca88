"""/statements/: every published statement, filtered by the one StatementFilter."""

from django.http import QueryDict
from django.shortcuts import redirect, render

from ... import search
from ...filters import RECORD_FILTERS, Ordering, StatementFilter, without_empty
from ...models import Statement
from ...paging import keyset_page, ranked_page
from ...reading import menus
from ...reading.cards import card_columns, rendered_cards
from ...reading.listing import StatementList
from ...reading.prepared import read_by_shape


def statement_list(request):
    if any("" in request.GET.getlist(name) for name in request.GET):
        # A submitted form sends every empty field; keep shared URLs to what was chosen.
        return redirect(f"{request.path}?{without_empty(request.GET).urlencode()}")
    listing = StatementList.from_params(request.GET)
    ranking = None
    if listing.ranked:
        ranking = listing.ranking()
        page = ranked_page(
            ranking.ids,
            lambda ids: read_by_shape(card_columns(Statement.objects.filter(pk__in=ids))),
            page_number=request.GET.get("page"),
        )
    else:
        cursor = request.GET.get("cursor")
        with listing.planned_read(by_cursor=bool(cursor)):
            page = keyset_page(
                listing.results,
                load=card_columns,
                ids_first=listing.searching,
                ascending=listing.ascending,
                cursor_token=cursor,
                page_number=request.GET.get("page"),
            )
    if listing.query:
        search.highlight(page.items, listing.query)
    filterset = listing.filterset
    # No count: counting the matches costs more than the whole page at a million rows.
    parsed = search.parse(listing.query)
    return render(
        request,
        "statements/statement_list.html",
        {
            "filter": filterset,
            "form": filter_form(filterset, request.GET),
            "page": page,
            "cards": rendered_cards(page.items),
            "ranking": ranking,
            "by_date_url": by_date_url(request.GET) if ranking and ranking.capped else "",
            "chips": active_filter_chips(filterset, request.GET),
            "unknown_record": filterset.names_unknown_record,
            "export_query": export_query(request.GET),
            # Only stop words: looked for as one phrase in the words and context.
            "search_is_phrase": bool(parsed.phrase),
            # Only excluded words or punctuation: nothing to look for.
            "search_is_empty": bool(listing.query) and not parsed,
        },
    )


def filter_form(filterset: StatementFilter, params: QueryDict) -> dict:
    """What includes/filter_form.html shows: the values as given and the menus' HTML."""
    cached = menus.current(filterset.menu_querysets())
    form: dict[str, object] = {
        name: params.get(name, "") for name in ("q", "said_after", "said_before", "has_reactions")
    }
    form["ordering"] = filterset.ordering_choice
    form["kind"] = params.getlist("kind")
    for name in menus.SELECTS:
        form[name] = cached.options(name, params.getlist(name))
    for name in menus.DATALISTS:
        form[name] = params.getlist(name)
        form[f"{name}_suggestions"] = cached.options(name)
    return form


def by_date_url(params: QueryDict) -> str:
    """This search, newest first: date order pages through every match."""
    query = params.copy()
    for name in ("page", "cursor"):
        query.pop(name, None)
    query["ordering"] = Ordering.NEWEST
    return "?" + query.urlencode()


def export_query(params: QueryDict) -> str:
    """The filters alone (no paging), for the feed and export links."""
    query = params.copy()
    for name in ("page", "cursor"):
        query.pop(name, None)
    return query.urlencode()


def active_filter_chips(filterset: StatementFilter, params: QueryDict) -> list[dict]:
    """One removable chip per active filter value: its label and the URL without it."""
    labels = {}
    cleaned = filterset.form.cleaned_data
    for name in RECORD_FILTERS:
        for record in cleaned.get(name) or []:
            labels[(name, record.slug)] = str(record)
    chips = []
    for name, field in filterset.form.fields.items():
        if name == "ordering":
            continue
        for value in params.getlist(name):
            if not value:
                continue
            remaining = params.copy()
            remaining.setlist(name, [v for v in params.getlist(name) if v != value])
            for paging in ("page", "cursor"):
                remaining.pop(paging, None)
            label = labels.get((name, value), value)
            chips.append(
                {
                    "field": field.label,
                    "label": label if len(label) <= 60 else label[:57] + "…",
                    "url": "?" + remaining.urlencode(),
                }
            )
    return chips
