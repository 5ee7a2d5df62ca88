from django.core.management.base import BaseCommand

from statements.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data set (the Washington Free Beacon article of June 5, 2020), all "
        "published, through the editorial services as the demo-loader account (created if "
        "missing; it cannot sign in). Idempotent: a second run changes nothing."
    )

    def handle(self, *args, **options):
        self.stdout.write(load_demo().summary())
