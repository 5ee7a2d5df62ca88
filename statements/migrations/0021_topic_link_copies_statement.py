"""A topic link keeps a copy of its statement's speaker, date and state, kept by triggers.

With the copy, one index (said_by, topic, said_on) finds a speaker's newest statements on a
topic; without it, the database read every link to the topic, everyone's, to rank one
speaker's (reading/said.py). The triggers keep the copy whatever writes the rows (the
ORM, a queryset update, a fixture, COPY):

- a link that is written takes the copy from its statement;
- a statement that is written (a new one, or a change of speaker, date or state) passes
  the change to its links.

Beware, on SQLite: Django rebuilds a table for many schema changes, which drops its
triggers. A later migration that rebuilds statements_statement or
statements_statementtopic on SQLite must re-create them with ``reinstall`` below
(tests/test_topic_link_copy.py checks that they exist).
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRESQL_BACKFILL = """
    UPDATE statements_statementtopic AS link
    SET said_by_id = s.speaker_id, said_on = s.said_on, statement_published = s.state = 'published'
    FROM statements_statement AS s WHERE s.id = link.statement_id
"""
POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION statements_topic_link_copy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT s.speaker_id, s.said_on, s.state = 'published'
        INTO NEW.said_by_id, NEW.said_on, NEW.statement_published
        FROM statements_statement AS s WHERE s.id = NEW.statement_id;
        -- No statement yet (a deferred key): its own trigger fills the copy when it comes.
        NEW.statement_published := coalesce(NEW.statement_published, false);
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER statements_topic_link_copy
    BEFORE INSERT OR UPDATE ON statements_statementtopic
    FOR EACH ROW EXECUTE FUNCTION statements_topic_link_copy()
    """,
    """
    CREATE FUNCTION statements_statement_to_topic_links() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE statements_statementtopic
        SET said_by_id = NEW.speaker_id, said_on = NEW.said_on,
            statement_published = NEW.state = 'published'
        WHERE statement_id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER statements_statement_to_topic_links_insert
    AFTER INSERT ON statements_statement
    FOR EACH ROW EXECUTE FUNCTION statements_statement_to_topic_links()
    """,
    """
    CREATE TRIGGER statements_statement_to_topic_links_update
    AFTER UPDATE OF speaker_id, said_on, state ON statements_statement
    FOR EACH ROW
    WHEN (OLD.speaker_id IS DISTINCT FROM NEW.speaker_id
        OR OLD.said_on IS DISTINCT FROM NEW.said_on
        OR OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION statements_statement_to_topic_links()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS statements_statement_to_topic_links_update ON statements_statement",
    "DROP TRIGGER IF EXISTS statements_statement_to_topic_links_insert ON statements_statement",
    "DROP FUNCTION IF EXISTS statements_statement_to_topic_links()",
    "DROP TRIGGER IF EXISTS statements_topic_link_copy ON statements_statementtopic",
    "DROP FUNCTION IF EXISTS statements_topic_link_copy()",
]

# SQLite cannot change NEW in a trigger: the link is updated right after it is written
# (a trigger does not fire itself again: recursive_triggers is off).
SQLITE_COPY_TO_LINK = """
    UPDATE statements_statementtopic SET
        said_by_id = (SELECT speaker_id FROM statements_statement WHERE id = new.statement_id),
        said_on = (SELECT said_on FROM statements_statement WHERE id = new.statement_id),
        statement_published = coalesce(
            (SELECT state = 'published' FROM statements_statement WHERE id = new.statement_id),
            0
        )
    WHERE id = new.id;
"""
SQLITE_COPY_FROM_STATEMENT = """
    UPDATE statements_statementtopic
    SET said_by_id = new.speaker_id, said_on = new.said_on,
        statement_published = new.state = 'published'
    WHERE statement_id = new.id;
"""
SQLITE_BACKFILL = """
    UPDATE statements_statementtopic SET
        said_by_id = (SELECT s.speaker_id FROM statements_statement AS s
                      WHERE s.id = statements_statementtopic.statement_id),
        said_on = (SELECT s.said_on FROM statements_statement AS s
                   WHERE s.id = statements_statementtopic.statement_id),
        statement_published = coalesce(
            (SELECT s.state = 'published' FROM statements_statement AS s
             WHERE s.id = statements_statementtopic.statement_id),
            0
        )
"""
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER statements_topic_link_copy_insert
    AFTER INSERT ON statements_statementtopic
    BEGIN {SQLITE_COPY_TO_LINK} END
    """,
    f"""
    CREATE TRIGGER statements_topic_link_copy_update
    AFTER UPDATE ON statements_statementtopic
    BEGIN {SQLITE_COPY_TO_LINK} END
    """,
    f"""
    CREATE TRIGGER statements_statement_to_topic_links_insert
    AFTER INSERT ON statements_statement
    BEGIN {SQLITE_COPY_FROM_STATEMENT} END
    """,
    f"""
    CREATE TRIGGER statements_statement_to_topic_links_update
    AFTER UPDATE OF speaker_id, said_on, state ON statements_statement
    WHEN old.speaker_id IS NOT new.speaker_id
        OR old.said_on IS NOT new.said_on
        OR old.state IS NOT new.state
    BEGIN {SQLITE_COPY_FROM_STATEMENT} END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS statements_statement_to_topic_links_update",
    "DROP TRIGGER IF EXISTS statements_statement_to_topic_links_insert",
    "DROP TRIGGER IF EXISTS statements_topic_link_copy_update",
    "DROP TRIGGER IF EXISTS statements_topic_link_copy_insert",
]
# The names the triggers go by, on each database (for the tests).
TRIGGERS = {
    "postgresql": (
        "statements_topic_link_copy",
        "statements_statement_to_topic_links_insert",
        "statements_statement_to_topic_links_update",
    ),
    "sqlite": (
        "statements_topic_link_copy_insert",
        "statements_topic_link_copy_update",
        "statements_statement_to_topic_links_insert",
        "statements_statement_to_topic_links_update",
    ),
}


def _execute(schema_editor, statements_by_vendor):
    vendor = schema_editor.connection.vendor
    if vendor not in statements_by_vendor:
        raise NotImplementedError(f"No topic link triggers for {vendor}.")
    for sql in statements_by_vendor[vendor]:
        schema_editor.execute(sql)


def install(apps, schema_editor):
    """Fill the copy from the statements, then keep it (the triggers come after the
    backfill, which would otherwise fire them once per link)."""
    _execute(
        schema_editor,
        {
            "postgresql": [POSTGRESQL_BACKFILL, *POSTGRESQL_FORWARD],
            "sqlite": [SQLITE_BACKFILL, *SQLITE_FORWARD],
        },
    )


def uninstall(apps, schema_editor):
    _execute(schema_editor, {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})


def reinstall(apps, schema_editor):
    """Drop the triggers, fill the copy again and re-create them: for a later migration
    that rebuilds either table on SQLite, as
    migrations.RunPython(import_module("statements.migrations.0021_topic_link_copies_statement")
    .reinstall, migrations.RunPython.noop)."""
    uninstall(apps, schema_editor)
    install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0020_statement_speaker_index_covers_charts"),
    ]

    operations = [
        migrations.AddField(
            model_name="statementtopic",
            name="said_by",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="statements.person",
            ),
        ),
        migrations.AddField(
            model_name="statementtopic",
            name="said_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="statementtopic",
            name="statement_published",
            field=models.BooleanField(db_default=False, editable=False),
        ),
        migrations.RunPython(install, uninstall),
        migrations.AddIndex(
            model_name="statementtopic",
            index=models.Index(
                condition=models.Q(("statement_published", True)),
                fields=["said_by", "topic", "-said_on", "statement"],
                name="statement_topic_said_idx",
            ),
        ),
    ]
