"""Chair-stand results keep whether the hands were used and the full stands done.

Earlier results were all scored as counted: their raw count is their count, hands not used.
"""

import django.core.validators
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def copy_counts(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    result = apps.get_model("progress", "ChairStandResult")
    result.objects.update(raw_count=models.F("count"))


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="chairstandresult",
            name="used_hands",
            field=models.BooleanField(default=False, verbose_name="used the hands to stand"),
        ),
        migrations.AddField(
            model_name="chairstandresult",
            name="raw_count",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.RunPython(copy_counts, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="chairstandresult",
            name="raw_count",
            field=models.PositiveSmallIntegerField(
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(60),
                ],
                verbose_name="full stands, counting those done with the hands",
            ),
        ),
        migrations.AddConstraint(
            model_name="chairstandresult",
            constraint=models.CheckConstraint(
                condition=models.Q(("count", models.F("raw_count")), ("used_hands", False))
                | models.Q(("count", 0), ("used_hands", True)),
                name="chair_stand_score_follows_hands",
            ),
        ),
    ]
