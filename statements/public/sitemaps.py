"""/sitemap.xml: published records only, with their last edit as lastmod.

Each section is ordered by id so that the framework's pages (50,000 URLs each, ``?p=2``
and on) are stable. Only the columns a URL and its lastmod need are read.
"""

from typing import ClassVar

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from ..models import EditorialModel, Event, Person, Race, Statement, Topic


class PublishedSitemap(Sitemap):
    model: ClassVar[type[EditorialModel]]  # set by each section
    fields: ClassVar[tuple[str, ...]] = ("slug",)
    changefreq = "weekly"

    def items(self):
        return self.model.objects.published().only("id", "updated_at", *self.fields).order_by("id")

    def lastmod(self, item):
        return item.updated_at


class StatementSitemap(PublishedSitemap):
    model = Statement
    fields = ()
    changefreq = "monthly"


class PersonSitemap(PublishedSitemap):
    model = Person


class TopicSitemap(PublishedSitemap):
    model = Topic


class EventSitemap(PublishedSitemap):
    model = Event


class RaceSitemap(PublishedSitemap):
    model = Race


class PageSitemap(Sitemap):
    """The list pages."""

    changefreq = "daily"

    def items(self):
        return [
            "statements:home",
            "statements:statement-list",
            "statements:person-list",
            "statements:topic-list",
            "statements:event-list",
            "statements:race-list",
            "statements:data",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "statements": StatementSitemap,
    "people": PersonSitemap,
    "topics": TopicSitemap,
    "events": EventSitemap,
    "races": RaceSitemap,
}
