"""The messages: the confirmation of a request, and the digest. Plain text and HTML
(EmailMultiAlternatives), through whichever backend the settings name.

Every digest carries, besides a link per search to stop it, the address's manage link
(see and delete everything) as its List-Unsubscribe header, with List-Unsubscribe-Post
(RFC 8058): a mail client's one-click unsubscribe POSTs to it and deletes the address.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from ..models import QuoteKind, Statement, format_partial_date
from . import searches, tokens
from .models import SavedSearch, Subscriber


def absolute(path: str, base_url: str = "") -> str:
    """``path`` on the public site: SITE_URL, or else the address a request came to."""
    return (settings.SITE_URL or base_url).rstrip("/") + path


def _message(
    *, subject: str, to: str, template: str, context: dict, headers=None, connection=None
) -> EmailMultiAlternatives:
    context = {"site_name": settings.SITE_NAME, **context}
    message = EmailMultiAlternatives(
        # One line: a search's words may hold a line break, which a header may not.
        subject=" ".join(subject.split())[:200],
        body=render_to_string(f"alerts/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"alerts/{template}.html", context), "text/html")
    return message


def confirmation(request: tokens.Request, *, base_url: str = "") -> EmailMultiAlternatives:
    link = f"{reverse('alerts:confirm')}?token={tokens.confirm_token(request)}"
    description = searches.describe(request.query)
    return _message(
        subject=f"Confirm your alert: {request.label or description}",
        to=request.email,
        template="confirm_email",
        context={
            "label": request.label,
            "description": description,
            "confirm_url": absolute(link, base_url),
            "hours": settings.ALERTS_CONFIRM_MAX_AGE // 3600,
        },
        headers={"Auto-Submitted": "auto-generated"},
    )


@dataclass
class Item:
    """One statement as a digest shows it."""

    kind: str
    kind_label: str
    text: str
    frame: str
    speaker: str
    said: str
    url: str

    @classmethod
    def of(cls, statement: Statement) -> Item:
        return cls(
            kind=statement.kind,
            kind_label=QuoteKind.label_of(statement.kind).upper(),
            text=statement.text,
            frame=statement.frame,
            speaker=statement.speaker.name,
            said=format_partial_date(statement.said_on, statement.date_precision),
            url=absolute(statement.get_absolute_url()),
        )


@dataclass
class Section:
    """One saved search in a digest: its newest matches (at most ALERTS_MAX_PER_SEARCH)
    and how many more there were."""

    search: SavedSearch
    description: str
    items: list[Item] = field(default_factory=list)
    more: int = 0

    @property
    def title(self) -> str:
        return self.search.label or self.description

    @property
    def search_url(self) -> str:
        return absolute(self.search.get_absolute_url())

    @property
    def unsubscribe_url(self) -> str:
        token = tokens.unsubscribe_token(self.search)
        return absolute(f"{reverse('alerts:unsubscribe')}?token={token}")


def digest(subscriber: Subscriber, sections: list[Section], *, connection=None):
    manage_url = absolute(subscriber.get_absolute_url())
    count = sum(len(section.items) + section.more for section in sections)
    subject = f"{count} new statement{'' if count == 1 else 's'}"
    if len(sections) == 1:
        subject += f": {sections[0].title}"
    return _message(
        subject=f"{subject} · {settings.SITE_NAME}",
        to=subscriber.email,
        template="digest_email",
        context={"sections": sections, "manage_url": manage_url, "count": count},
        headers={
            "List-Unsubscribe": f"<{manage_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Precedence": "bulk",
        },
        connection=connection,
    )
