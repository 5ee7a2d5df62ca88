"""Give each existing statement the race its speaker was running in when they spoke.

The rule is copied from statements.editorial.races.suggest_candidacy as it stood when
this migration was written, not imported: a migration must do the same thing on every
database it ever runs on, whatever the live rule later becomes, and the live function
reads the current models, not the historical ones this migration is given.

Only statements without a candidacy are filled; the rows are written with a plain
UPDATE (no history rows, no new version), like the other data migrations.
"""

import calendar
from collections import defaultdict

from django.db import migrations


def last_polling_day(day, precision):
    if precision == "year":
        return day.replace(month=12, day=31)
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def suggest(candidacies, said_on):
    """Earliest polling day on or after the day said; same day: the race slug first."""
    ahead = [c for c in candidacies if c[1] >= said_on]
    return min(ahead, key=lambda c: (c[2], c[3]), default=(None,))[0]


def fill_statement_candidacy(apps, schema_editor):
    Candidacy = apps.get_model("statements", "Candidacy")
    Statement = apps.get_model("statements", "Statement")
    by_person = defaultdict(list)
    rows = Candidacy.objects.filter(race__date__isnull=False).values_list(
        "pk", "person_id", "race__date", "race__date_precision", "race__slug"
    )
    for pk, person_id, date, precision, slug in rows:
        by_person[person_id].append((pk, last_polling_day(date, precision), date, slug))
    statements = (
        Statement.objects.filter(
            candidacy__isnull=True,
            speaker_id__in=Candidacy.objects.filter(race__date__isnull=False).values("person_id"),
        )
        .only("pk", "speaker_id", "said_on")
        .order_by("pk")
    )
    changed = []
    for statement in statements.iterator(chunk_size=2000):
        candidacy_id = suggest(by_person[statement.speaker_id], statement.said_on)
        if candidacy_id is not None:
            statement.candidacy_id = candidacy_id
            changed.append(statement)
    Statement.objects.bulk_update(changed, ["candidacy"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0013_statement_candidacy"),
    ]

    operations = [
        migrations.RunPython(fill_statement_candidacy, migrations.RunPython.noop, elidable=True),
    ]
