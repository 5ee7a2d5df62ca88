"""Blank the addresses that 0007_web_urls_only made invalid, and say which.

0007 let links be http(s) addresses only but left the rows already saved as they were:
an ftp:, javascript: or data: address (or one without any scheme) failed validation on
the record's next edit, though the editor had not touched it. Here each such value is
blanked and reported, one line per change and a count, so that it can be looked up and
put right by hand.

The rule is the one of statements.models.base.web_url, written out here so that this
migration keeps doing what it did if that function changes: the scheme, before the first
colon, is http or https in any case. Addresses with a web scheme that are otherwise
malformed are left for an editor: they still say where the page was.

Only the records are cleaned. The history tables (statements_history) keep what each
version said. Backwards, nothing is done: the old values are in the report and in the
history.
"""

import sys

from django.db import migrations

FIELDS = [
    ("Source", ["url", "archive_url"]),
    ("Organization", ["website"]),
]


def is_web_url(value: str) -> bool:
    scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
    return scheme in ("http", "https")


def clean_non_web_urls(apps, schema_editor, stdout=None):
    out = stdout or sys.stdout
    out.write("\n")  # migrate has just written "Applying …" without ending the line
    changed = 0
    for model_name, field_names in FIELDS:
        model = apps.get_model("statements", model_name)
        for field_name in field_names:
            rows = (
                model._base_manager.exclude(**{field_name: ""})
                .order_by("pk")
                .values_list("pk", field_name)
            )
            # Read first, write after: no update while the cursor is still open.
            invalid = [(pk, value) for pk, value in rows if not is_web_url(value)]
            for pk, value in invalid:
                model._base_manager.filter(pk=pk).update(**{field_name: ""})
                out.write(f"    {model_name} #{pk} {field_name}: blanked {value!r}\n")
            changed += len(invalid)
    if changed == 1:
        out.write("    Blanked 1 address that was not an http(s) web address.\n")
    else:
        out.write(f"    Blanked {changed} addresses that were not http(s) web addresses.\n")


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0007_web_urls_only"),
    ]

    operations = [
        migrations.RunPython(clean_non_web_urls, migrations.RunPython.noop),
    ]
