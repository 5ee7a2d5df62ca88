"""The writes: confirm a request, stop one search, delete an address with everything.

Each is one transaction, safe to repeat: a second click on a confirmation link, or two
at once, makes no second row (the unique constraints decide), and removing what is
already gone is not an error.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import SavedSearch, Subscriber
from .tokens import Request


def _subscriber(email: str) -> Subscriber:
    found = Subscriber.objects.filter(email__iexact=email).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=email, confirmed_at=timezone.now())
    except IntegrityError:  # created meanwhile by the same link clicked twice
        return Subscriber.objects.get(email__iexact=email)


@transaction.atomic
def confirm(request: Request) -> SavedSearch:
    """The saved search of a confirmed request, created if it is new. Only statements
    published from now on are mailed for it."""
    subscriber = _subscriber(request.email)
    try:
        with transaction.atomic():
            search, created = SavedSearch.objects.get_or_create(
                subscriber=subscriber,
                query=request.query,
                defaults={"label": request.label, "sent_through": timezone.now()},
            )
    except IntegrityError:
        search = SavedSearch.objects.get(subscriber=subscriber, query=request.query)
    return search


@transaction.atomic
def unsubscribe(*, search_key: str) -> bool:
    """Stop one saved search; an address left with none is deleted too (it is kept for
    alerts only). False when it was already gone."""
    search = SavedSearch.objects.select_related("subscriber").filter(key=search_key).first()
    if search is None:
        return False
    subscriber = search.subscriber
    search.delete()
    if not subscriber.searches.exists():
        subscriber.delete()
    return True


@transaction.atomic
def delete_subscriber(*, key: str) -> bool:
    """Delete the address and all its saved searches. False when it was already gone."""
    deleted, _ = Subscriber.objects.filter(key=key).delete()
    return bool(deleted)
