import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from statements.editorial import EDITOR, PUBLISHER

DEMO_ACCOUNTS = [
    ("editor", EDITOR, "adds and changes records; cannot publish"),
    ("publisher", PUBLISHER, "reviews, publishes and withdraws records"),
]


class Command(BaseCommand):
    help = (
        "Create the demo accounts 'editor' and 'publisher'. Each gets the password in "
        "DEMO_PASSWORD, or a random one printed once. Existing accounts keep their "
        "password unless --reset-passwords is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset-passwords", action="store_true")

    def handle(self, *args, reset_passwords=False, **options):
        User = get_user_model()
        fixed = os.environ.get("DEMO_PASSWORD", "")
        for username, role, what in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": True}
            )
            user.groups.add(Group.objects.get(name=role))
            if not (created or reset_passwords or fixed):
                self.stdout.write(f"{username}: exists, password unchanged ({what})")
                continue
            password = fixed or secrets.token_urlsafe(12)
            user.is_staff = True
            user.set_password(password)
            user.save()
            shown = "from DEMO_PASSWORD" if fixed else password
            self.stdout.write(f"{username}: password {shown} ({what})")
