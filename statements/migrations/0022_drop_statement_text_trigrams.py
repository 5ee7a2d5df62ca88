"""The trigram index on statements' words (0016) goes: what a speaker said before is now
found through the search vector's index (statements/search/postgres.py), and nothing else
reads it. Every write of a statement's text paid for keeping it.

PostgreSQL only, as 0016 was. The pg_trgm extension stays: ``similarity()`` compares a
statement's words with its candidates'. Undoing this builds the index again (about half a
minute per million statements, writes to the table held meanwhile).
"""

from django.db import migrations

INDEX = "statement_text_trgm_idx"


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def build(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON statements_statement "
            "USING gin (text gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0021_topic_link_copies_statement"),
    ]

    operations = [migrations.RunPython(drop, build)]
