"""Load a `manage.py backup` file into a freshly migrated database, SQLite or PostgreSQL.

    python manage.py migrate
    python manage.py restore --input backups/tracker-2026-11-28.json.gz

Statements, people, topics… keep their ids, so every published address stays the same.
The restore is one transaction: it loads everything or nothing, and writes no editorial
history of its own (the backup brings the history as it was). It refuses a database
that already holds records of the statements app, unless --force, which loads on top:
rows with the same id are overwritten, others are kept.
"""

from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


@contextmanager
def history_paused():
    """No new editorial-history rows while loading: the backup brings the history as it
    was. (django-simple-history skips raw saves, but records many-to-many changes.)"""
    missing = object()
    before = getattr(settings, "SIMPLE_HISTORY_ENABLED", missing)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        if before is missing:
            del settings.SIMPLE_HISTORY_ENABLED
        else:
            settings.SIMPLE_HISTORY_ENABLED = before


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into an empty, migrated database. "
        "Refuses a database that already has statements-app records unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--input", "-i", dest="input_path", required=True, help="The backup file."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though the database has records (same ids are overwritten).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, input_path, force, database, **options):
        path = Path(input_path).resolve()
        if not path.is_file():
            raise CommandError(f"{input_path}: no such file.")
        self._check_migrated(database)
        if not force:
            occupied = [
                model._meta.label
                for model in apps.get_app_config("statements").get_models()
                if model._base_manager.using(database).exists()
            ]
            if occupied:
                raise CommandError(
                    f"The database {self._describe(database)} is not empty: it already holds "
                    f"{', '.join(occupied[:5])}{'…' if len(occupied) > 5 else ''}. Restore "
                    "into a new, migrated database, or pass --force to load on top of what "
                    "is there (records with the same id are overwritten)."
                )
        with history_paused():
            call_command("loaddata", str(path), database=database, verbosity=options["verbosity"])
        self.stdout.write(f"Restored {path.name} into {self._describe(database)}.")

    @staticmethod
    def _check_migrated(database):
        connection = connections[database]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            raise CommandError(
                f"The database has {len(plan)} unapplied migration(s): run "
                "`python manage.py migrate` first, then restore."
            )

    @staticmethod
    def _describe(database) -> str:
        settings_dict = connections[database].settings_dict
        return f"{settings_dict['NAME']!s} ({connections[database].vendor})"
