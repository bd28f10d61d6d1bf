"""A PDF's step is stored as a code and said in the language of whoever reads the page.

It was stored as text in the worker's language (Khmer steps on an English page). A step
written as text says nothing a code can be read from, so it is emptied: the page then shows
the status alone until the next step. Going back keeps the codes, which fit the longer field.
"""

from django.db import migrations, models

CODES = ["figures", "sections", "layout", "writing"]


def steps_without_codes_emptied(apps, schema_editor):
    RenderJob = apps.get_model("reports", "RenderJob")
    RenderJob.objects.exclude(step__in=CODES).exclude(step="").update(step="")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_renderjob_error_to_the_log"),
    ]

    operations = [
        migrations.RunPython(steps_without_codes_emptied, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="renderjob",
            name="step",
            field=models.CharField(
                blank=True,
                choices=[
                    ("figures", "Counting the figures"),
                    ("sections", "Writing the sections"),
                    ("layout", "Laying out the pages"),
                    ("writing", "Writing the PDF"),
                ],
                max_length=20,
                verbose_name="step",
            ),
        ),
    ]
