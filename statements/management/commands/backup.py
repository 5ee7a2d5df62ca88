"""Write everything the editors made to one compressed JSON file, on SQLite or PostgreSQL.

    python manage.py backup --output backups/tracker-2026-11-28.json.gz

The file is an ordinary Django fixture: `manage.py restore` (or `loaddata`) reads it back
into any migrated database, of either kind. It holds the statements app (drafts
included), the editorial groups, and, unless --without-accounts, the accounts (with
password hashes), the admin's log and the editorial change history: keep it as safe as
the database.

The dump is one consistent snapshot taken without blocking writers, so editors may keep
working while it runs: a REPEATABLE READ, READ ONLY transaction on PostgreSQL; on SQLite
a deferred transaction that only reads, so under WAL (which settings.py turns on) it
holds no write lock and editors' saves go through while it runs.

It serializes the models itself rather than through `dumpdata`, which skips an app that
has no models module of its own (statements_history declares its models elsewhere).
"""

import bz2
import gzip
import lzma
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction

CONTENT = ["statements", "auth.group"]
# Who did what: accounts, the admin's log and the editorial change history (its rows name
# their users, so it goes and comes with them).
ACCOUNTS = ["auth.user", "admin.logentry", "statements_history"]

OPENERS = {
    ".json": open,
    ".json.gz": gzip.open,
    ".json.bz2": bz2.open,
    ".json.xz": lzma.open,
}


def backup_labels(*, accounts: bool = True) -> list[str]:
    labels = CONTENT + (ACCOUNTS if accounts else [])
    installed = {config.label for config in apps.get_app_configs()}
    return [label for label in labels if label.split(".")[0] in installed]


def backup_models(labels, database) -> list:
    """The models behind the labels, ordered so that natural keys resolve on loading."""
    by_app: dict = {}
    for label in labels:
        if "." in label:
            model = apps.get_model(label)
            by_app.setdefault(model._meta.app_config, []).append(model)
        else:
            config = apps.get_app_config(label)
            by_app.setdefault(config, []).extend(config.get_models())
    models = serializers.sort_dependencies(by_app.items(), allow_cycles=True)
    return [
        model
        for model in models
        if not model._meta.proxy and router.allow_migrate_model(database, model)
    ]


@contextmanager
def read_snapshot(connection):
    """One consistent view of the database for the length of the dump, without a lock
    that would make editors wait."""
    if connection.in_atomic_block:
        # Called from code that holds a transaction: the dump sees that transaction's view.
        yield
        return
    if connection.vendor == "sqlite":
        # Django opens SQLite transactions with BEGIN IMMEDIATE (settings: it spares
        # writers "database is locked" errors), which takes the write lock at once. A
        # deferred transaction that only reads takes none; its snapshot starts at the
        # first read.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            cursor.execute("SELECT count(*) FROM sqlite_master")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class Command(BaseCommand):
    help = (
        "Back up the statements app, the editorial groups and (unless --without-accounts) "
        "the accounts, admin log and editorial history to a JSON fixture, gzip'd when the "
        "name ends in .gz. Restore it with `manage.py restore --input FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            required=True,
            help="File to write, e.g. backups/tracker.json.gz (.json, .json.gz, .bz2, .xz).",
        )
        parser.add_argument(
            "--without-accounts",
            action="store_true",
            help="Leave out user accounts, the admin log and the editorial change history.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output, without_accounts, database, **options):
        path = Path(output)
        opener = next(
            (opener for suffix, opener in OPENERS.items() if path.name.endswith(suffix)), None
        )
        if opener is None:
            raise CommandError(f"{output}: the name must end in .json or .json.gz (or .bz2, .xz).")
        path.parent.mkdir(parents=True, exist_ok=True)
        models = backup_models(backup_labels(accounts=not without_accounts), database)
        # Written under a temporary name first: a backup that fails half-way never
        # leaves a truncated file under the real name.
        partial = path.with_name(f".partial-{uuid.uuid4().hex[:8]}-{path.name}")
        counts: dict[str, int] = {}
        try:
            with read_snapshot(connections[database]):

                def rows():
                    for model in models:
                        manager = model._base_manager.using(database)
                        counts[model._meta.label] = 0
                        for obj in manager.order_by(model._meta.pk.name).iterator(2000):
                            counts[model._meta.label] += 1
                            yield obj

                with opener(partial, "wt", encoding="utf-8") as stream:
                    serializers.serialize(
                        "json",
                        rows(),
                        stream=stream,
                        use_natural_foreign_keys=True,
                        use_natural_primary_keys=True,
                    )
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"Backed up {sum(counts.values())} records to {path}:")
        for name, count in counts.items():
            if count:
                self.stdout.write(f"  {name}: {count}")
