"""/statements/: every published statement, filtered by the one StatementFilter."""

from django.http import QueryDict
from django.shortcuts import redirect, render

from ... import search
from ...filters import RECORD_FILTERS, StatementFilter
from ...models import Statement
from ...paging import capped_count, keyset_page, ranked_page
from ...reading.cards import for_cards
from ...reading.listing import StatementList


def statement_list(request):
    if any("" in request.GET.getlist(name) for name in request.GET):
        # A submitted form sends every empty field; keep shared URLs to what was chosen.
        return redirect(f"{request.path}?{without_empty(request.GET)}")
    listing = StatementList.from_params(request.GET)
    if listing.ranked:
        page = ranked_page(
            listing.ranked_ids(),
            lambda ids: for_cards(Statement.objects.filter(pk__in=ids)),
            page_number=request.GET.get("page"),
        )
    else:
        page = keyset_page(
            for_cards(listing.results),
            ascending=listing.ascending,
            cursor_token=request.GET.get("cursor"),
            page_number=request.GET.get("page"),
        )
    if listing.query:
        search.highlight(page.items, listing.query)
    count, more = capped_count(listing.results)
    filterset = listing.filterset
    return render(
        request,
        "statements/statement_list.html",
        {
            "filter": filterset,
            "page": page,
            "count": count,
            "count_is_capped": more,
            "chips": active_filter_chips(filterset, request.GET),
            "unknown_record": filterset.names_unknown_record,
            "export_query": export_query(request.GET),
        },
    )


def without_empty(params: QueryDict) -> str:
    kept = QueryDict(mutable=True)
    for name in params:
        values = [value for value in params.getlist(name) if value != ""]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


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
