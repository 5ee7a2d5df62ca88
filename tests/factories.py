import datetime

import factory

from statements import models


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    kind = models.Organization.Kind.OTHER
    state = models.PublicationState.PUBLISHED


class PartyFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Party {n}")
    slug = factory.Sequence(lambda n: f"party-{n}")
    kind = models.Organization.Kind.PARTY


class OutletFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")
    kind = models.Organization.Kind.NEWS


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"Person {n}")
    sort_name = factory.LazyAttribute(lambda p: p.name)
    slug = factory.Sequence(lambda n: f"person-{n}")
    state = models.PublicationState.PUBLISHED


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    state = models.PublicationState.PUBLISHED


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    outlet = factory.SubFactory(OutletFactory)
    title = factory.Sequence(lambda n: f"Report {n}")
    url = factory.Sequence(lambda n: f"https://news.example.org/report-{n}")
    published_on = datetime.date(2020, 6, 5)
    state = models.PublicationState.PUBLISHED


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Event

    name = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = models.Event.Kind.TOWN_HALL
    date = datetime.date(2020, 5, 30)
    state = models.PublicationState.PUBLISHED


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Statement
        skip_postgeneration_save = True

    speaker = factory.SubFactory(PersonFactory)
    # The editorial services keep this copy for the search index; factories write past them.
    speaker_name = factory.LazyAttribute(lambda statement: statement.speaker.name)
    event = factory.SubFactory(EventFactory)
    said_on = datetime.date(2020, 5, 30)
    kind = models.QuoteKind.DIRECT
    text = factory.Sequence(lambda n: f"Statement number {n} about public policy.")
    state = models.PublicationState.PUBLISHED

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if not create:
            return
        for source in extracted if extracted is not None else [SourceFactory()]:
            models.StatementSource.objects.create(statement=self, source=source)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for topic in extracted:
            models.StatementTopic.objects.create(statement=self, topic=topic)


class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Reaction

    statement = factory.SubFactory(StatementFactory)
    respondent = factory.SubFactory(PersonFactory)
    respondent_role = "spokesperson"
    stance = models.Reaction.Stance.DISAGREES
    text = factory.Sequence(lambda n: f"Reaction number {n}.")
    source = factory.SubFactory(SourceFactory)
    state = models.PublicationState.PUBLISHED


class ElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Election

    name = factory.Sequence(lambda n: f"Election {n}")
    slug = factory.Sequence(lambda n: f"election-{n}")
    office = "U.S. Senate"
    jurisdiction = "Georgia"
    year = 2020
    state = models.PublicationState.PUBLISHED


class RaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Race

    election = factory.SubFactory(ElectionFactory)
    stage = models.Race.Stage.PRIMARY
    name = factory.Sequence(lambda n: f"Primary {n}")
    slug = factory.Sequence(lambda n: f"race-{n}")
    date = datetime.date(2020, 6, 9)
    state = models.PublicationState.PUBLISHED


class CandidacyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Candidacy

    person = factory.SubFactory(PersonFactory)
    race = factory.SubFactory(RaceFactory)
