from collections.abc import Mapping

from django import template
from django.http import QueryDict

from .. import search

register = template.Library()

PAGING_PARAMS = ("page", "cursor")


@register.simple_tag(takes_context=True)
def paged_url(context: template.Context, params: Mapping[str, str] | None) -> str:
    """The current list URL with its filters kept and the paging replaced by `params`."""
    query: QueryDict = context["request"].GET.copy()
    for name in PAGING_PARAMS:
        query.pop(name, None)
    for name, value in (params or {}).items():
        query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def quoted_query(query: str, limit: int = 80) -> str:
    """A search query in one pair of quotation marks, cut at ``limit`` characters."""
    return search.quoted(query, limit)
