"""Which race a statement belongs to: the rule that suggests it.

A statement records the candidacy its speaker was running in when they spoke
(``Statement.candidacy``, shown to readers as the statement's race). Editors may change
or clear it; this module only suggests it, for the admin's add form and the demo loader.
Migration 0014 filled the existing statements with a frozen copy of the same rule.
"""

from __future__ import annotations

import calendar
import datetime

from ..models import Candidacy, DatePrecision, Person


def last_polling_day(day: datetime.date, precision: str) -> datetime.date:
    """The latest day a polling day known to ``precision`` can be: a month-precise date
    is stored as the 1st, so a statement later that month may still precede the vote."""
    if precision == DatePrecision.YEAR:
        return day.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def suggest_candidacy(*, speaker: Person | None, said_on: datetime.date | None) -> Candidacy | None:
    """The speaker's candidacy in the race with the earliest polling day on or after the
    day said (a statement made on polling day belongs to that day's race).

    Races whose polling day is unknown are never suggested: nothing says the speaker was
    still running in them. Two races on the same day: the one whose slug sorts first,
    so that the answer is the same on every database and every load. None when the
    speaker has no such candidacy."""
    if speaker is None or speaker.pk is None or said_on is None:
        return None
    candidacies = Candidacy.objects.filter(person=speaker).select_related("race")
    dated = [(c.race.date, c) for c in candidacies if c.race.date is not None]
    ahead = [
        (polling_day, candidacy.race.slug, candidacy)
        for polling_day, candidacy in dated
        if last_polling_day(polling_day, candidacy.race.date_precision) >= said_on
    ]
    return min(ahead, key=lambda row: row[:2], default=(None, None, None))[2]
