"""What was contested: elections, their races (primary, general, runoff), and candidacies."""

from django.db import models
from django.db.models import Q

from .base import (
    DatedMixin,
    EditorialModel,
    PublicQuerySet,
    PublicRule,
    address,
    bounded_text,
    editorial_history,
)
from .people import Organization, Person


class Election(EditorialModel):
    name = models.CharField(max_length=200, help_text="e.g. 2020 U.S. Senate election in Georgia.")
    slug = models.SlugField(max_length=200)
    office = models.CharField(max_length=200, help_text="e.g. U.S. Senate.")
    jurisdiction = models.CharField(max_length=200, help_text="e.g. Georgia.")
    year = models.PositiveSmallIntegerField()
    description = bounded_text("note", blank=True, help_text="e.g. which seat, who holds it.")

    history = editorial_history()

    class Meta:
        ordering = ["-year", "name"]
        indexes = [models.Index(fields=["-year", "name"], name="election_year_name_idx")]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="election_slug_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=1789) & Q(year__lte=2200), name="election_year_plausible"
            ),
        ]

    def __str__(self):
        return self.name


class Race(EditorialModel, DatedMixin):
    class Stage(models.TextChoices):
        PRIMARY = "primary", "Primary"
        GENERAL = "general", "General election"
        RUNOFF = "runoff", "Runoff"
        SPECIAL = "special", "Special election"

    public_requires = ("election",)

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="races")
    stage = models.CharField(max_length=10, choices=Stage)
    party = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primaries",
        help_text="For a party primary: the party whose nomination is contested.",
    )
    name = models.CharField(max_length=200, help_text="e.g. Democratic primary.")
    slug = models.SlugField(max_length=200)
    date = models.DateField(null=True, blank=True, help_text="Polling day, if known.")

    history = editorial_history()

    class Meta:
        ordering = ["-date", "name"]
        indexes = [models.Index(fields=["-date", "name"], name="race_date_name_idx")]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="race_slug_unique"),
            *DatedMixin.dated_constraints("race"),
        ]

    def __str__(self):
        return f"{self.election}: {self.name}"

    def get_absolute_url(self):
        return address("statements:race-detail", "slug", self.slug)


class Candidacy(PublicRule, models.Model):
    class Result(models.TextChoices):
        PENDING = "pending", "Not yet decided"
        WON = "won", "Won"
        LOST = "lost", "Lost"
        ADVANCED = "advanced", "Advanced to runoff"
        WITHDREW = "withdrew", "Withdrew"

    public_requires = ("person", "race")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="candidacies")
    race = models.ForeignKey(Race, on_delete=models.CASCADE, related_name="candidacies")
    party = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacies",
        help_text="The party the candidate ran for in this race.",
    )
    incumbent = models.BooleanField(default=False)
    result = models.CharField(max_length=10, choices=Result, default=Result.PENDING)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PublicQuerySet.as_manager()
    history = editorial_history()

    class Meta:
        ordering = ["race", "person__sort_name"]
        verbose_name_plural = "candidacies"
        constraints = [
            models.UniqueConstraint(fields=["race", "person"], name="candidacy_unique_per_race"),
        ]

    def __str__(self):
        return f"{self.person} in {self.race}"
