"""A statement's own race: the rule that suggests it, and the check that it is the
speaker's."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from statements.editorial import suggest_candidacy
from statements.models import Candidacy, DatePrecision

from .factories import PersonFactory, RaceFactory, StatementFactory

pytestmark = pytest.mark.django_db

PRIMARY_DAY = datetime.date(2020, 6, 9)
GENERAL_DAY = datetime.date(2020, 11, 3)


def day(month, day_of_month):
    return datetime.date(2020, month, day_of_month)


@pytest.fixture
def ossoff():
    return PersonFactory(name="Jon Ossoff")


def run(person, **race):
    return Candidacy.objects.create(person=person, race=RaceFactory(**race))


def test_said_on_polling_day_belongs_to_that_race(ossoff):
    primary = run(ossoff, date=PRIMARY_DAY)
    run(ossoff, date=GENERAL_DAY, stage="general")

    assert suggest_candidacy(speaker=ossoff, said_on=PRIMARY_DAY) == primary


def test_said_before_the_primary_belongs_to_the_primary(ossoff):
    general = run(ossoff, date=GENERAL_DAY, stage="general")
    primary = run(ossoff, date=PRIMARY_DAY)

    assert suggest_candidacy(speaker=ossoff, said_on=day(5, 30)) == primary
    assert suggest_candidacy(speaker=ossoff, said_on=day(1, 1)) == primary
    assert general.race.date > primary.race.date


def test_the_day_after_the_primary_belongs_to_the_next_race(ossoff):
    run(ossoff, date=PRIMARY_DAY)
    general = run(ossoff, date=GENERAL_DAY, stage="general")

    assert suggest_candidacy(speaker=ossoff, said_on=day(6, 10)) == general
    assert suggest_candidacy(speaker=ossoff, said_on=GENERAL_DAY) == general


def test_the_day_after_the_last_race_belongs_to_none(ossoff):
    run(ossoff, date=PRIMARY_DAY)

    assert suggest_candidacy(speaker=ossoff, said_on=day(6, 10)) is None


def test_a_primary_candidate_not_in_the_general_has_no_race_after_the_primary(ossoff):
    run(ossoff, date=PRIMARY_DAY)
    run(PersonFactory(name="David Perdue"), date=GENERAL_DAY, stage="general")

    assert suggest_candidacy(speaker=ossoff, said_on=day(10, 28)) is None


def test_no_candidacy_no_race(ossoff):
    run(PersonFactory(), date=PRIMARY_DAY)

    assert suggest_candidacy(speaker=ossoff, said_on=day(5, 30)) is None
    assert suggest_candidacy(speaker=None, said_on=day(5, 30)) is None
    assert suggest_candidacy(speaker=ossoff, said_on=None) is None


def test_two_races_at_once_the_earliest_polling_day_wins(ossoff):
    # Running for two offices at once: the Senate in November, a city seat in September.
    run(ossoff, date=GENERAL_DAY, stage="general", slug="a-senate-general")
    council = run(ossoff, date=day(9, 15), stage="special", slug="z-council-special")

    assert suggest_candidacy(speaker=ossoff, said_on=day(8, 1)) == council
    assert suggest_candidacy(speaker=ossoff, said_on=day(9, 16)).race.slug == "a-senate-general"


def test_two_races_on_the_same_day_the_slug_sorting_first_wins(ossoff):
    # Created in the other order, so that neither the id nor the insertion order decides.
    later = run(ossoff, date=GENERAL_DAY, stage="special", slug="b-special")
    first = run(ossoff, date=GENERAL_DAY, stage="general", slug="a-general")

    assert suggest_candidacy(speaker=ossoff, said_on=day(10, 1)) == first
    assert later.pk < first.pk


def test_a_race_without_a_polling_day_is_never_suggested(ossoff):
    run(ossoff, date=None, stage="general")

    assert suggest_candidacy(speaker=ossoff, said_on=day(10, 1)) is None


def test_a_month_precise_polling_day_counts_to_the_end_of_its_month(ossoff):
    # Stored as June 1; a statement on June 20 may still come before the vote.
    june = run(ossoff, date=day(6, 1), date_precision=DatePrecision.MONTH)

    assert suggest_candidacy(speaker=ossoff, said_on=day(6, 20)) == june
    assert suggest_candidacy(speaker=ossoff, said_on=day(7, 1)) is None


def test_a_statement_may_only_belong_to_its_speakers_race(ossoff):
    perdue = PersonFactory(name="David Perdue")
    perdues = run(perdue, date=GENERAL_DAY, stage="general")
    statement = StatementFactory(speaker=ossoff, said_on=day(10, 28))

    statement.candidacy = perdues
    with pytest.raises(ValidationError) as refused:
        statement.full_clean()
    assert refused.value.message_dict == {
        "candidacy": ["Choose a race the speaker was a candidate in."]
    }

    statement.speaker = perdue
    statement.full_clean()  # his own race: accepted
