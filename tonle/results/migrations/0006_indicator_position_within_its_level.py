"""An indicator's place is its position among the indicators of its level.

The framework lists indicators down the results chain (goal, outcomes, outputs), then by
position. The old `order` counted across the whole project, so a new indicator (order 0) was
listed above the goal; it becomes `position`, renumbered 1, 2, 3 … within each level in the
order they were listed. Going back numbers them across the project in the chain's order.
"""

from django.db import migrations, models

LEVELS = ["goal", "outcome", "output"]


def _chain(indicators):
    return sorted(
        indicators,
        key=lambda i: (LEVELS.index(i.level) if i.level in LEVELS else len(LEVELS), i.position, i.pk),
    )


def number_within_levels(apps, schema_editor):
    Indicator = apps.get_model("results", "Indicator")
    seen: dict[tuple[int, str], int] = {}
    for indicator in Indicator.objects.order_by("project_id", "position", "id"):
        number = seen.get((indicator.project_id, indicator.level), 0) + 1
        seen[(indicator.project_id, indicator.level)] = number
        Indicator.objects.filter(pk=indicator.pk).update(position=number)


def number_across_projects(apps, schema_editor):
    Indicator = apps.get_model("results", "Indicator")
    by_project: dict[int, list] = {}
    for indicator in Indicator.objects.all():
        by_project.setdefault(indicator.project_id, []).append(indicator)
    for indicators in by_project.values():
        for number, indicator in enumerate(_chain(indicators), start=1):
            Indicator.objects.filter(pk=indicator.pk).update(position=number)


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0005_grid_data_stored_uncompressed"),
    ]

    operations = [
        migrations.RenameField(model_name="indicator", old_name="order", new_name="position"),
        migrations.AlterField(
            model_name="indicator",
            name="position",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="position"),
        ),
        migrations.AlterModelOptions(
            name="indicator",
            options={
                "ordering": [
                    "project",
                    models.Case(
                        models.When(level="goal", then=models.Value(0)),
                        models.When(level="outcome", then=models.Value(1)),
                        models.When(level="output", then=models.Value(2)),
                        default=models.Value(3),
                        output_field=models.IntegerField(),
                    ),
                    "position",
                    "id",
                ],
                "verbose_name": "indicator",
                "verbose_name_plural": "indicators",
            },
        ),
        migrations.RunPython(number_within_levels, number_across_projects),
    ]
