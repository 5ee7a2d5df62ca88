"""Who speaks and who they speak for: people, organizations and time-bound roles."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from .base import (
    EditorialModel,
    PublicQuerySet,
    PublicRule,
    address,
    bounded_text,
    editorial_history,
    web_url_validator,
)


class Organization(EditorialModel):
    class Kind(models.TextChoices):
        PARTY = "party", "Political party"
        CAMPAIGN = "campaign", "Campaign"
        ADVOCACY = "advocacy", "Advocacy group"
        STUDENT = "student", "Student group"
        AGENCY = "agency", "Government agency"
        NEWS = "news", "News outlet"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, help_text="Used in addresses; keep it stable.")
    abbreviation = models.CharField(max_length=30, blank=True, help_text="e.g. FAIR, ICE.")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.OTHER)
    description = bounded_text("note", blank=True)
    website = models.URLField(blank=True, validators=[web_url_validator])

    history = editorial_history()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="organization_name_idx")]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="organization_slug_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="organization_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("statements:statement-list") + f"?party={self.slug}"


class Person(EditorialModel):
    name = models.CharField(max_length=200, help_text="As the person is usually named.")
    sort_name = models.CharField(max_length=200, help_text="For alphabetical lists: 'Ossoff, Jon'.")
    slug = models.SlugField(max_length=200, help_text="Used in addresses; keep it stable.")
    summary = bounded_text("note", blank=True, help_text="One or two neutral sentences.")

    history = editorial_history()

    class Meta:
        ordering = ["sort_name", "id"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["sort_name", "id"], name="person_sort_name_idx")]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="person_slug_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="person_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("statements:person-detail", "slug", self.slug)


class Affiliation(PublicRule, models.Model):
    """A person's role in an organization over a span of time (either end may be open)."""

    public_requires = ("person", "organization")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="affiliations"
    )
    role = models.CharField(
        max_length=200, blank=True, help_text="e.g. president, spokesman, member."
    )
    start_date = models.DateField(null=True, blank=True, help_text="Leave empty if unknown.")
    end_date = models.DateField(null=True, blank=True, help_text="Leave empty if ongoing.")
    note = models.CharField(
        max_length=300, blank=True, help_text="Where the role is attested, if not obvious."
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PublicQuerySet.as_manager()
    history = editorial_history()

    class Meta:
        ordering = ["person", "-start_date", "id"]
        indexes = [
            models.Index(fields=["person", "start_date", "id"], name="affiliation_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="affiliation_dates_in_order",
                violation_error_message="An affiliation cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["person", "organization", "role", "start_date"],
                name="affiliation_unique_role_start",
            ),
        ]

    def __str__(self):
        role = f"{self.role}, " if self.role else ""
        return f"{self.person}: {role}{self.organization}"
