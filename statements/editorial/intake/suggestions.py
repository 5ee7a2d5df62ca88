"""Suggestions: the role and party a speaker held on the day, from candidacies or affiliations."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ...models import Affiliation, Candidacy, Organization
from .article import Suggestion


def suggest_roles(wanted: Iterable[tuple[Any, Any]]) -> dict[tuple[Any, Any], Suggestion]:
    """For each (person id, date): the role and party of the candidacy they were running
    in that day (the race with the first polling day on or after it), else of their
    affiliations that day. Two queries, however many rows."""
    wanted = {(person, day) for person, day in wanted if person and day}
    people = {person for person, _ in wanted}
    candidacies: dict[int, list[Candidacy]] = defaultdict(list)
    for candidacy in Candidacy.objects.filter(person_id__in=people).select_related(
        "race__election", "party"
    ):
        candidacies[candidacy.person_id].append(candidacy)
    affiliations: dict[int, list[Affiliation]] = defaultdict(list)
    for affiliation in Affiliation.objects.filter(person_id__in=people).select_related(
        "organization"
    ):
        affiliations[affiliation.person_id].append(affiliation)
    found = {}
    for person, day in wanted:
        suggestion = _from_candidacies(candidacies[person], day) or _from_affiliations(
            affiliations[person], day
        )
        if suggestion is not None:
            found[(person, day)] = suggestion
    return found


def _from_candidacies(candidacies: list[Candidacy], day: datetime.date) -> Suggestion | None:
    running = [c for c in candidacies if c.race.date is None or c.race.date >= day]
    if not running:
        return None
    candidacy = min(running, key=lambda c: (c.race.date is None, c.race.date or day))
    election = candidacy.race.election
    role = f"{'incumbent and ' if candidacy.incumbent else ''}candidate, {election.office}, "
    role += election.jurisdiction
    return Suggestion(role=role, party=candidacy.party, why=f"running in {candidacy.race}")


def _from_affiliations(affiliations: list[Affiliation], day: datetime.date) -> Suggestion | None:
    current = [
        a
        for a in affiliations
        if (a.start_date is None or a.start_date <= day)
        and (a.end_date is None or a.end_date >= day)
    ]
    if not current:
        return None
    parties = [a.organization for a in current if a.organization.kind == Organization.Kind.PARTY]
    roles = [a for a in current if a.organization.kind != Organization.Kind.PARTY and a.role]
    role = f"{roles[0].role}, {roles[0].organization.name}" if roles else ""
    if not role and not parties:
        return None
    return Suggestion(
        role=role, party=parties[0] if parties else None, why="from their affiliations that day"
    )
