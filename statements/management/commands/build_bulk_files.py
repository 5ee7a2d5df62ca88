"""Write the bulk files of the whole published set (gzipped CSV and JSON) for /data/.

    python manage.py build_bulk_files            # only if the content changed
    python manage.py build_bulk_files --force    # always

Meant for cron, every BULK_FILES_EVERY_MINUTES minutes (README, "Bulk files"): a run
when nothing was written since the last build reads the manifest and stops. The files go
to BULK_FILES_DIR; permalinks in them start with SITE_URL (or --site-url). See
statements/public/bulk.py for the files, their manifest and how they are replaced.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from statements.public import bulk


class Command(BaseCommand):
    help = "Write the gzipped CSV and JSON bulk files of the published statements for /data/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Rebuild even if the content is unchanged."
        )
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="The site's address, e.g. https://tracker.example.org (default: SITE_URL).",
        )

    def handle(self, *args, force: bool, site_url: str, **options):
        site = site_url.rstrip("/")
        if not site.startswith(("https://", "http://")):
            raise CommandError(
                "The permalinks in the bulk files need the site's address: set SITE_URL "
                "(e.g. https://tracker.example.org) or pass --site-url."
            )
        began = time.monotonic()
        built, manifest = bulk.build(site=site, force=force)
        where = bulk.directory()
        if options["verbosity"] == 0:
            return
        if not built:
            self.stdout.write(f"Up to date: built {manifest.built_at}, in {where}.")
            return
        seconds = time.monotonic() - began
        for item in manifest.files:
            self.stdout.write(f"{item.name}: {item.rows} statements, {item.bytes} bytes")
        self.stdout.write(f"Built in {seconds:.1f} s, in {where}.")
