"""Where things were said, and who reported them."""

from django.db import models
from django.db.models import Q

from .base import (
    DatedMixin,
    EditorialModel,
    address,
    bounded_text,
    editorial_history,
    format_partial_date,
    web_url,
    web_url_validator,
)
from .people import Organization


class Event(EditorialModel, DatedMixin):
    class Kind(models.TextChoices):
        """The kinds journalists use. Values are at most 15 characters (the column's
        length), so a new kind changes the choices only, never the table."""

        DEBATE = "debate", "Debate"
        TOWN_HALL = "town_hall", "Town hall"
        CAMPAIGN_STOP = "campaign_stop", "Campaign stop or rally"
        INTERVIEW = "interview", "Interview"
        NEWS_CONFERENCE = "news_conference", "Press conference"
        SPEECH = "speech", "Speech"
        PRESS_RELEASE = "press_release", "Statement or press release"
        POST = "post", "Social-media post"
        FLOOR_REMARKS = "floor_remarks", "Floor remarks"
        OTHER = "other", "Other"

    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200)
    kind = models.CharField(max_length=15, choices=Kind, default=Kind.OTHER)
    date = models.DateField(help_text="The day it happened, not the day it was reported.")
    online = models.BooleanField(default=False)
    location = models.CharField(max_length=300, blank=True)
    hosts = models.ManyToManyField(Organization, blank=True, related_name="hosted_events")
    description = bounded_text("note", blank=True)

    history = editorial_history(m2m_fields=["hosts"])

    class Meta:
        ordering = ["-date", "id"]
        indexes = [models.Index(fields=["-date", "id"], name="event_date_idx")]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="event_slug_unique"),
            *DatedMixin.dated_constraints("event"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("statements:event-detail", "slug", self.slug)

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.date_precision)


class Source(EditorialModel):
    """A publication that reports something: the basis of every claim on the site."""

    # A source is shown with its outlet's name: never without it, never with a draft one.
    public_requires = ("outlet",)

    outlet = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="sources",
        help_text="The news outlet or publisher.",
    )
    title = models.CharField(max_length=500, help_text="The headline, exactly as published.")
    url = models.URLField(
        max_length=1000,
        blank=True,
        validators=[web_url_validator],
        help_text="Leave empty if not known.",
    )
    author = models.CharField(max_length=300, blank=True, help_text="Leave empty if not known.")
    published_on = models.DateField()
    archive_url = models.URLField(
        max_length=1000, blank=True, validators=[web_url_validator], help_text="An archived copy."
    )
    text = bounded_text(
        "article",
        blank=True,
        help_text=(
            "The article's full text as published, pasted whole, where we may keep it. "
            "Every quote citing this source is checked against it, word for word."
        ),
    )

    history = editorial_history()

    class Meta:
        ordering = ["-published_on", "id"]
        indexes = [models.Index(fields=["-published_on", "id"], name="source_published_idx")]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="source_url_unique"),
            models.CheckConstraint(condition=~Q(title=""), name="source_title_not_empty"),
        ]

    def __str__(self):
        return f"{self.outlet}: {self.title} ({self.published_on:%Y-%m-%d})"

    @property
    def link(self) -> str:
        """The URL, only if it is safe to link to."""
        return web_url(self.url)

    @property
    def archive_link(self) -> str:
        return web_url(self.archive_url)
