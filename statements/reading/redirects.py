"""Old addresses lead to the record that replaced them: a merged duplicate's slug, a
renamed slug. Detail views are decorated with `@follows_old_slugs(Model)`, which calls
`redirect_for` when a slug is not found; the API's slug lookups do the same.

The services record the redirects (statements.editorial: merge, update_record).
"""

from __future__ import annotations

import functools
from typing import Protocol, cast

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse

from ..models import EditorialModel, SlugRedirect


class Addressable(Protocol):
    """What a redirect needs of its target: every model with old slugs has these."""

    slug: str

    def get_absolute_url(self) -> str: ...


def survivor_for(model: type[EditorialModel], slug: str) -> EditorialModel | None:
    """The published record that `slug` (of `model`) now stands for, or None."""
    redirect = (
        SlugRedirect.objects.filter(
            content_type=ContentType.objects.get_for_model(model), old_slug=slug
        )
        .values("target_id")
        .first()
    )
    if redirect is None:
        return None
    return model._default_manager.published().filter(pk=redirect["target_id"]).first()


def redirect_for(
    model: type[EditorialModel],
    slug: str,
    *,
    url_name: str | None = None,
    query_string: str = "",
) -> HttpResponsePermanentRedirect | None:
    """A 301 to the record that replaced `slug`, or None when there is none.

    The target is the survivor's `get_absolute_url()`, or `reverse(url_name, slug=…)`
    when given (the API: url_name="api:person-detail"). `query_string` is kept.
    """
    found = survivor_for(model, slug)
    if found is None:
        return None
    # Only slugged models (Person, Topic, Event, Race, ...) have SlugRedirect rows.
    survivor = cast(Addressable, found)
    if url_name:
        url = reverse(url_name, kwargs={"slug": survivor.slug})
    else:
        url = survivor.get_absolute_url()
    if query_string:
        url += ("&" if "?" in url else "?") + query_string
    return HttpResponsePermanentRedirect(url)


def follows_old_slugs(model: type[EditorialModel]):
    """Decorate a `(request, slug)` view: a 404 for an old slug becomes a 301 to its survivor."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            try:
                return view(request, slug, *args, **kwargs)
            except Http404:
                if (redirect := redirect_for(model, slug)) is None:
                    raise
                return redirect

        return wrapper

    return decorate
