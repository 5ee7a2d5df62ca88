"""A statement's card version: what its card is kept under (caching/card_versions.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0023_statement_speaker_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="statement",
            name="card_version",
            field=models.BigIntegerField(
                editable=False,
                help_text="Changed by every write to what the statement's card shows (caching/card_versions.py): a card is kept under it, so a write redraws only the cards it changes.",
                null=True,
            ),
        ),
    ]
