"""A trigram index on statements' words, for finding what a speaker said before.

PostgreSQL only: the pg_trgm extension and a GIN index on ``text gin_trgm_ops``
(statements/search/postgres.py finds the words of a repeat through it). SQLite finds them
through the FTS5 table of migration 0004, so nothing is done there: in particular, the
statements table is not rebuilt (which would drop the FTS5 triggers).

Not declared on the model (a GinIndex in Meta would be attempted on SQLite too), so
``makemigrations`` never sees it, as with the search vector of 0004. Building it takes
about half a minute per million statements, locking writes to the table meanwhile.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "statement_text_trgm_idx"


class TrigramExtensionOnPostgreSQL(TrigramExtension):
    """TrigramExtension, whose undoing also does nothing on other databases: Django's
    checks the vendor going forwards only, and going backwards looks up pg_extension."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON statements_statement "
            "USING gin (text gin_trgm_ops)"
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0015_desk_event_kinds_and_help"),
    ]

    operations = [
        TrigramExtensionOnPostgreSQL(),
        migrations.RunPython(install, uninstall),
    ]
