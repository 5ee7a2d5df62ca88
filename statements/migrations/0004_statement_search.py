"""Full-text search index for statements, outside Django's model state.

PostgreSQL: a stored generated tsvector column with a GIN index.
SQLite: an FTS5 external-content table kept in step by triggers.

Neither is a model field, so `makemigrations` never sees them and SQLite never sees a
PostgreSQL type. statements/search.py queries them.

Beware, on SQLite: Django rebuilds a table (create a copy, drop the old one) for many
schema changes, e.g. adding a CheckConstraint to Statement. Dropping the old table drops
these triggers with it. A later migration that alters Statement on SQLite must re-create
them with `reinstall` below (tests/test_search.py checks that they exist). On
PostgreSQL, changing the type of text, context or speaker_name needs the generated column
dropped before (`uninstall`) and re-added after (`install`).
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    """
    ALTER TABLE statements_statement ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(text, '')), 'A')
        || setweight(to_tsvector('english', coalesce(speaker_name, '')), 'A')
        || setweight(to_tsvector('english', coalesce(context, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX statement_search_vector_idx ON statements_statement USING gin (search_vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS statement_search_vector_idx",
    "ALTER TABLE statements_statement DROP COLUMN IF EXISTS search_vector",
]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE statements_statement_fts USING fts5(
        text, context, speaker_name,
        content='statements_statement', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 0'
    )
    """,
    """
    CREATE TRIGGER statements_statement_fts_insert AFTER INSERT ON statements_statement
    BEGIN
        INSERT INTO statements_statement_fts (rowid, text, context, speaker_name)
        VALUES (new.id, new.text, new.context, new.speaker_name);
    END
    """,
    """
    CREATE TRIGGER statements_statement_fts_delete AFTER DELETE ON statements_statement
    BEGIN
        INSERT INTO statements_statement_fts
            (statements_statement_fts, rowid, text, context, speaker_name)
        VALUES ('delete', old.id, old.text, old.context, old.speaker_name);
    END
    """,
    # Only when an indexed column changes: publishing a statement does not reindex it.
    """
    CREATE TRIGGER statements_statement_fts_update AFTER UPDATE ON statements_statement
    WHEN old.id IS NOT new.id
        OR old.text IS NOT new.text
        OR old.context IS NOT new.context
        OR old.speaker_name IS NOT new.speaker_name
    BEGIN
        INSERT INTO statements_statement_fts
            (statements_statement_fts, rowid, text, context, speaker_name)
        VALUES ('delete', old.id, old.text, old.context, old.speaker_name);
        INSERT INTO statements_statement_fts (rowid, text, context, speaker_name)
        VALUES (new.id, new.text, new.context, new.speaker_name);
    END
    """,
    # Index the rows that are already there.
    "INSERT INTO statements_statement_fts (statements_statement_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS statements_statement_fts_update",
    "DROP TRIGGER IF EXISTS statements_statement_fts_delete",
    "DROP TRIGGER IF EXISTS statements_statement_fts_insert",
    "DROP TABLE IF EXISTS statements_statement_fts",
]


def _execute(schema_editor, statements_by_vendor):
    vendor = schema_editor.connection.vendor
    if vendor not in statements_by_vendor:
        raise NotImplementedError(f"No full-text search index for {vendor}.")
    for sql in statements_by_vendor[vendor]:
        schema_editor.execute(sql)


def install(apps, schema_editor):
    _execute(schema_editor, {"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD})


def uninstall(apps, schema_editor):
    _execute(schema_editor, {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})


def reinstall(apps, schema_editor):
    """Drop and re-create the index, then fill it from the table.

    For a later migration that rebuilds statements_statement on SQLite (which drops the
    triggers): migrations.RunPython(import_module(
    "statements.migrations.0004_statement_search").reinstall, migrations.RunPython.noop).
    """
    uninstall(apps, schema_editor)
    install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0003_editorial_roles"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
