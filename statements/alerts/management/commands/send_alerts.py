"""Mail each confirmed address one digest of what was published since the last run.

Run it from cron, e.g. every hour:  python manage.py send_alerts

How it batches, and how it scales to 100,000 subscriptions: statements/alerts/delivery.py.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from statements.alerts.delivery import send_alerts


class Command(BaseCommand):
    help = (
        "Mail each confirmed address one digest of the statements published since the "
        "last run that match its saved searches; each statement once. Identical searches "
        "are filtered once per run, subscribers are read in batches of ALERTS_BATCH_SIZE "
        "with one mail connection per batch, and sending is held to "
        "ALERTS_MAX_PER_MINUTE. Safe to run again after a crash: what was not sent goes "
        "next time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=None, help="Subscribers per batch.")

    def handle(self, *args, batch_size=None, **options):
        if not settings.SITE_URL:
            raise CommandError("Set SITE_URL: the links in the mails start with it.")
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        report = send_alerts(batch_size=batch_size)
        self.stdout.write(str(report))
