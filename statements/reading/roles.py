"""A person's published roles and candidacies, for their page, in one query.

Two prefetches would read them in two queries; the person page has a budget of eight and
more to read. A UNION ALL of both, as tuples, gives the few rows each person has; they
are made into the records the template reads (unsaved: display only).

The query's SQL is compiled once per process, the person's id its one parameter, as the
cards' query is (card_relations.py): building and compiling it took 1.5 ms of a person's
page, about twice what PostgreSQL takes to run it.
"""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import BooleanField, CharField, DateField, F, TextField, Value
from django.db.models.functions import Cast

from ..models import Affiliation, Candidacy, Election, Organization, Race
from . import visibility
from .card_relations import typed_null
from .prepared import AnyOf, Argument, fetch_all

COLUMNS = (
    "role_kind",
    "role_id",
    "role_day1",
    "role_day2",
    "role_t1",
    "role_t2",
    "role_t3",
    "role_t4",
    "role_t5",
    "role_t6",
    "role_t7",
    "role_flag",
)


def _text(value) -> Cast:
    return Cast(value, TextField())


@functools.cache
def _compiled(vendor: str) -> tuple[str, tuple]:
    """The union's SQL and parameters, with ``Argument`` where the person's id goes."""
    affiliations = (
        visibility.affiliations(["person"])
        .filter(AnyOf(F("person_id"), Argument))
        .order_by()
        .annotate(
            role_kind=Value("affiliation", output_field=CharField()),
            role_id=F("id"),
            role_day1=F("start_date"),
            role_day2=F("end_date"),
            role_t1=_text(F("role")),
            role_t2=_text(F("organization__name")),
            role_t3=_text(F("organization__abbreviation")),
            role_t4=_text(F("organization__kind")),
            role_t5=typed_null(TextField()),
            role_t6=typed_null(TextField()),
            role_t7=typed_null(TextField()),
            role_flag=typed_null(BooleanField()),
        )
        .values_list(*COLUMNS)
    )
    candidacies = (
        visibility.candidacies(["person"])
        .filter(AnyOf(F("person_id"), Argument))
        .order_by()
        .annotate(
            role_kind=Value("candidacy", output_field=CharField()),
            role_id=F("id"),
            role_day1=F("race__date"),
            role_day2=typed_null(DateField()),
            role_t1=_text(F("race__slug")),
            role_t2=_text(F("race__name")),
            role_t3=_text(F("race__stage")),
            role_t4=_text(F("race__election__name")),
            role_t5=_text(F("party__name")),
            role_t6=_text(F("party__state")),
            role_t7=_text(F("result")),
            role_flag=F("incumbent"),
        )
        .values_list(*COLUMNS)
    )
    return affiliations.union(candidacies, all=True).query.sql_with_params()


def roles_and_candidacies(person_id: int) -> tuple[list[Affiliation], list[Candidacy]]:
    """The person's published affiliations (ongoing first, then by end and start date,
    newest first) and candidacies (by polling day, newest first, undated first), each
    with what the person page shows of its organization, race, election and party."""
    sql, params = _compiled(connection.vendor)
    rows = fetch_all(sql, params, AnyOf.argument([person_id]), "bigint[]")
    found_affiliations: list[Affiliation] = []
    found_candidacies: list[Candidacy] = []
    # Both drivers give the date columns as dates: they are the first part's date columns,
    # which SQLite's driver converts by their declared type.
    for kind, pk, day1, day2, t1, t2, t3, t4, t5, t6, t7, flag in rows:
        if kind == "affiliation":
            found_affiliations.append(
                Affiliation(
                    pk=pk,
                    role=t1,
                    start_date=day1,
                    end_date=day2,
                    organization=Organization(name=t2, abbreviation=t3, kind=t4),
                )
            )
        else:
            found_candidacies.append(
                Candidacy(
                    pk=pk,
                    incumbent=bool(flag),  # SQLite's driver gives 0 or 1
                    result=t7,
                    race=Race(slug=t1, name=t2, stage=t3, date=day1, election=Election(name=t4)),
                    party=Organization(name=t5, state=t6) if t5 is not None else None,
                )
            )
    found_affiliations.sort(
        key=lambda a: (
            a.end_date is not None,  # ongoing first
            -(a.end_date.toordinal() if a.end_date else 0),
            a.start_date is None,  # then by start, newest first, unknown last
            -(a.start_date.toordinal() if a.start_date else 0),
            a.pk,
        )
    )
    found_candidacies.sort(
        key=lambda c: (
            c.race.date is not None,  # undated first, as the index has them
            -(c.race.date.toordinal() if c.race.date else 0),
            c.race.name,
            c.pk,
        )
    )
    return found_affiliations, found_candidacies
