"""Data migrations, run on the historical models of the state they were written for."""

import datetime
import importlib
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from statements import search
from statements.models import Candidacy, Organization, Source, Statement

from .factories import (
    OrganizationFactory,
    PersonFactory,
    RaceFactory,
    SourceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

CLEAN_URLS = "0008_clean_non_web_urls"


def historical_apps(name):
    """The models as the migration `name` sees them (its state before it runs)."""
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(("statements", name), at_end=False).apps


def clean_non_web_urls():
    migration = importlib.import_module(f"statements.migrations.{CLEAN_URLS}")
    out = io.StringIO()
    migration.clean_non_web_urls(historical_apps(CLEAN_URLS), None, stdout=out)
    return "\n".join(line.strip() for line in out.getvalue().splitlines() if line.strip())


def test_non_web_urls_are_blanked_and_reported():
    ftp = SourceFactory(url="ftp://files.example.org/report.pdf")
    script = SourceFactory()
    Source.objects.filter(pk=script.pk).update(
        url="javascript:alert(1)", archive_url="data:text/html,<b>hi</b>"
    )
    kept = SourceFactory(
        url="HTTPS://News.Example.org/Report", archive_url="http://archive.example.org/report"
    )
    unknown = SourceFactory(url="")
    ftps = OrganizationFactory(website="ftps://example.org")
    bare = OrganizationFactory()
    Organization.objects.filter(pk=bare.pk).update(website="www.example.org")
    site = OrganizationFactory(website="https://example.org/")

    report = clean_non_web_urls()

    assert Source.objects.get(pk=ftp.pk).url == ""
    assert Source.objects.values("url", "archive_url").get(pk=script.pk) == {
        "url": "",
        "archive_url": "",
    }
    assert Organization.objects.get(pk=ftps.pk).website == ""
    assert Organization.objects.get(pk=bare.pk).website == ""
    # Web addresses and empty fields are left as they were.
    assert Source.objects.values("url", "archive_url").get(pk=kept.pk) == {
        "url": "HTTPS://News.Example.org/Report",
        "archive_url": "http://archive.example.org/report",
    }
    assert Source.objects.get(pk=unknown.pk).url == ""
    assert Organization.objects.get(pk=site.pk).website == "https://example.org/"

    lines = report.splitlines()
    assert f"Source #{ftp.pk} url: blanked 'ftp://files.example.org/report.pdf'" in lines
    assert f"Source #{script.pk} url: blanked 'javascript:alert(1)'" in lines
    assert f"Source #{script.pk} archive_url: blanked 'data:text/html,<b>hi</b>'" in lines
    assert f"Organization #{ftps.pk} website: blanked 'ftps://example.org'" in lines
    assert f"Organization #{bare.pk} website: blanked 'www.example.org'" in lines
    assert lines[-1] == "Blanked 5 addresses that were not http(s) web addresses."
    assert len(lines) == 6


def test_history_keeps_what_was_recorded():
    source = SourceFactory(url="ftp://files.example.org/report.pdf")

    report = clean_non_web_urls()

    assert report.splitlines()[-1] == "Blanked 1 address that was not an http(s) web address."
    assert Source.objects.get(pk=source.pk).url == ""
    assert list(source.history.values_list("url", flat=True)) == [
        "ftp://files.example.org/report.pdf"
    ]


def test_nothing_to_clean_is_reported_too():
    SourceFactory(url="https://news.example.org/report")

    assert clean_non_web_urls() == "Blanked 0 addresses that were not http(s) web addresses."


def test_the_cleaning_is_a_no_op_backwards():
    migration = importlib.import_module(f"statements.migrations.{CLEAN_URLS}")
    operation = migration.Migration.operations[0]
    assert operation.reversible
    assert operation.reverse_code is operation.noop


RESYNC = "0009_resync_speaker_names"


def test_stale_speaker_names_are_copied_again_and_found():
    person = PersonFactory(name="Pat Delgado")
    stale = [StatementFactory(speaker=person) for _ in range(2)]
    current = StatementFactory(speaker=PersonFactory(name="Jon Ossoff"))
    # What a rename left behind before Person.save() carried it to the statements.
    Statement.objects.filter(speaker=person).update(speaker_name="Pat Rivera")
    migration = importlib.import_module(f"statements.migrations.{RESYNC}")
    out = io.StringIO()

    migration.resync_speaker_names(historical_apps(RESYNC), None, stdout=out)

    assert set(Statement.objects.values_list("speaker_name", flat=True)) == {
        "Pat Delgado",
        "Jon Ossoff",
    }
    assert set(search.matching(Statement.objects.all(), "Delgado")) == set(stale)
    assert not search.matching(Statement.objects.all(), "Rivera").exists()
    assert set(search.matching(Statement.objects.all(), "Ossoff")) == {current}
    assert out.getvalue().strip() == "Copied the speaker's current name to 2 statements."


FILL_RACES = "0014_fill_statement_candidacy"


def fill_statement_candidacy():
    migration = importlib.import_module(f"statements.migrations.{FILL_RACES}")
    migration.fill_statement_candidacy(historical_apps(FILL_RACES), None)


def test_existing_statements_get_the_race_their_speaker_was_running_in():
    ossoff, perdue, patel = (PersonFactory(name=name) for name in ("Ossoff", "Perdue", "Patel"))
    primary = RaceFactory(slug="primary", date=datetime.date(2020, 6, 9))
    general = RaceFactory(slug="general", stage="general", date=datetime.date(2020, 11, 3))
    undated = RaceFactory(slug="runoff", stage="runoff", date=None)
    in_primary = Candidacy.objects.create(person=ossoff, race=primary)
    in_general = Candidacy.objects.create(person=ossoff, race=general)
    Candidacy.objects.create(person=ossoff, race=undated)
    perdue_in_general = Candidacy.objects.create(person=perdue, race=general)

    def said(person, month, day):
        return StatementFactory(
            speaker=person, said_on=datetime.date(2020, month, day), text=f"{person} {month}/{day}"
        ).pk

    town_hall = said(ossoff, 5, 30)
    polling_day = said(ossoff, 6, 9)
    day_after = said(ossoff, 6, 10)
    debate = said(perdue, 10, 28)
    after_the_last_dated_race = said(ossoff, 12, 1)
    not_a_candidate = said(patel, 5, 30)
    # An editor's choice already recorded is kept, even where the rule would differ.
    chosen = said(ossoff, 5, 1)
    Statement.objects.filter(pk=chosen).update(candidacy=in_general)

    fill_statement_candidacy()

    races = dict(Statement.objects.values_list("pk", "candidacy"))
    assert races == {
        town_hall: in_primary.pk,
        polling_day: in_primary.pk,
        day_after: in_general.pk,
        debate: perdue_in_general.pk,
        after_the_last_dated_race: None,
        not_a_candidate: None,
        chosen: in_general.pk,
    }
    # The rows were rewritten in place: the full-text index still finds them.
    assert set(search.matching(Statement.objects.all(), "Perdue")) == {
        Statement.objects.get(pk=debate)
    }


def test_the_migration_follows_the_same_rule_as_the_editors_suggestion():
    from statements.editorial import suggest_candidacy

    ossoff = PersonFactory()
    for slug, date in [("b", (2020, 6, 9)), ("a", (2020, 6, 9)), ("c", (2020, 11, 3))]:
        Candidacy.objects.create(
            person=ossoff, race=RaceFactory(slug=slug, date=datetime.date(*date))
        )
    days = [datetime.date(2020, month, 9) for month in range(1, 13)]
    statements = [StatementFactory(speaker=ossoff, said_on=day, text=str(day)) for day in days]

    fill_statement_candidacy()

    for statement in statements:
        statement.refresh_from_db()
        assert statement.candidacy == suggest_candidacy(speaker=ossoff, said_on=statement.said_on)
    assert {s.candidacy.race.slug if s.candidacy else None for s in statements} == {"a", "c", None}


# Migrations that change only what Django knows of a field (choices, help text) -------

STATE_ONLY = [
    ("statements", "0015_desk_event_kinds_and_help"),
    ("statements_history", "0005_desk_event_kinds_and_help"),
]


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor wants no open transaction
@pytest.mark.parametrize("app, name", STATE_ONLY, ids=[name for _, name in STATE_ONLY])
def test_choices_and_help_text_migrations_touch_no_table(app, name):
    """New event kinds and plainer help text: no SQL at all, so SQLite rebuilds nothing."""
    out = io.StringIO()
    call_command("sqlmigrate", app, name, stdout=out)
    statements = [
        line
        for line in out.getvalue().splitlines()
        if line.strip() and not line.startswith("--") and line.strip() not in ("BEGIN;", "COMMIT;")
    ]
    assert statements == []
