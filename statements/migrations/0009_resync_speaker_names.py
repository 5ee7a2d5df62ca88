"""Copy each speaker's current name to their statements again.

Statement.speaker_name is a copy of the speaker's name for the full-text index. Before
Person.save() carried a rename to the statements, renaming a person left the old name in
their statements' copy: a search found them under the old name only. This puts the
current name back wherever the copy differs; the index follows (the SQLite triggers
fire on the update, the PostgreSQL generated column is recomputed). The statements'
history is left alone: the copy is derived, not something an editor wrote.
"""

import sys

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def resync_speaker_names(apps, schema_editor, stdout=None):
    out = stdout or sys.stdout
    Person = apps.get_model("statements", "Person")
    Statement = apps.get_model("statements", "Statement")
    name = Person._base_manager.filter(pk=OuterRef("speaker_id")).values("name")[:1]
    changed = (
        Statement._base_manager.exclude(speaker_name=F("speaker__name"))
        .order_by()
        .update(speaker_name=Subquery(name))
    )
    noun = "statement" if changed == 1 else "statements"
    out.write(f"\n    Copied the speaker's current name to {changed} {noun}.\n")


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0008_clean_non_web_urls"),
    ]

    operations = [
        migrations.RunPython(resync_speaker_names, migrations.RunPython.noop),
    ]
