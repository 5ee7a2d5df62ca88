"""One index on a statement's speaker and its search vector, for finding what a speaker
said before (statements/search/postgres.py, ``repeat_candidates_sql``).

The candidates were found by ANDing the speaker's index with the search vector's, which
first collects every statement in the table holding the words: 18 ms of a statement page
for words as common as "community" and "police", at a million statements. In one GIN
index (btree_gin lets a GIN index hold the speaker too) only the speaker's entries are
read: 3 ms. Over 138 statements at random, each timed in turn with the index and
without it, the candidates' query took 4.4 ms at the median instead of 17.9, and 18.7
on average instead of 29.9 (a tenth still take 58 ms or more: a prolific speaker's
entries are many).

PostgreSQL only, as the search vector's own index (0004): not declared on the model, so
``makemigrations`` never sees it. Building it takes about five seconds per million
statements, writes to the table held meanwhile.
"""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

INDEX = "statement_speaker_search_idx"


class BtreeGinExtensionOnPostgreSQL(BtreeGinExtension):
    """BtreeGinExtension, whose undoing also does nothing on other databases (see 0016)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def build(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON statements_statement "
            "USING gin (speaker_id, search_vector)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0022_drop_statement_text_trigrams"),
    ]

    operations = [
        BtreeGinExtensionOnPostgreSQL(),
        migrations.RunPython(build, drop),
    ]
