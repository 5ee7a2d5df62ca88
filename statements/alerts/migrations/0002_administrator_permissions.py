"""Let the Administrator group see the alerts and delete an address on its owner's
request. Editors and publishers get nothing: the addresses are not theirs to read. The
lists are written out here so that this migration keeps meaning what it meant."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTED = [
    "view_subscriber",
    "delete_subscriber",
    "view_savedsearch",
    "delete_savedsearch",
]


def grant(apps, schema_editor):
    config = apps.get_app_config("alerts")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrator, _ = Group.objects.get_or_create(name="Administrator")
    administrator.permissions.add(
        *Permission.objects.filter(content_type__app_label="alerts", codename__in=GRANTED)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Administrator"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="alerts", codename__in=GRANTED)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        # After the groups are made (0003 sets their permissions outright).
        ("statements", "0006_editorial_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
