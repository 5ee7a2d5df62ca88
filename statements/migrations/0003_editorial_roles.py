from django.contrib.auth.management import create_permissions
from django.db import migrations


# Written out, not imported, so that this migration keeps meaning what it meant when it
# was written (0006 adds the workflow rights).
EDITOR = "Editor"
PUBLISHER = "Publisher"
ADMINISTRATOR = "Administrator"

EDITORIAL_MODELS = [
    "affiliation",
    "backgroundnote",
    "candidacy",
    "commentrequest",
    "election",
    "event",
    "organization",
    "person",
    "position",
    "race",
    "reaction",
    "source",
    "statement",
    "statementsource",
    "statementtopic",
    "topic",
]


def codenames_for(role: str) -> list[str]:
    """Editors add, change and view; publishers may also publish and delete."""
    actions = ["add", "change", "view"]
    if role in (PUBLISHER, ADMINISTRATOR):
        actions.append("delete")
    names = [f"{action}_{model}" for model in EDITORIAL_MODELS for action in actions]
    if role in (PUBLISHER, ADMINISTRATOR):
        names.append("publish_records")
    return names


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in (EDITOR, PUBLISHER, ADMINISTRATOR):
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="statements", codename__in=codenames_for(role)
            )
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[EDITOR, PUBLISHER, ADMINISTRATOR]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0002_publish_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
