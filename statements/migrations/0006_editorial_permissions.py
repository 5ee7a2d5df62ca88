"""Give the editorial roles the workflow permissions added in 0005.

Editor: may submit drafts for review (on top of add/change/view from 0003).
Publisher: may also record corrections and merge duplicates (publish_records it has).
Administrator: every permission of the statements app (corrections, state log, redirects too).

The lists are written out here, not imported, so that this migration keeps meaning what
it meant when it was written. statements/services.py is where the rights are checked.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADDED = {
    "Editor": ["submit_for_review"],
    "Publisher": ["submit_for_review", "record_corrections", "merge_records"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="statements")
    for name, codenames in ADDED.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*ours.filter(codename__in=codenames))
    administrator, _ = Group.objects.get_or_create(name="Administrator")
    administrator.permissions.add(*ours)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    added = Permission.objects.filter(
        content_type__app_label="statements",
        codename__in=["submit_for_review", "record_corrections", "merge_records"],
    )
    for group in Group.objects.filter(name__in=["Editor", "Publisher", "Administrator"]):
        group.permissions.remove(*added)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0005_editorial_integrity"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
