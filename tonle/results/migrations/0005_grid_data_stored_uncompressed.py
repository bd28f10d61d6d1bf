"""PostgreSQL stores a grid's bytes without trying to compress them.

A grid is a serialized roaring bitmap, already compact; pglz spends about a third of each
13 MB write failing to shrink it. Nothing to do on SQLite.
"""

from django.db import migrations


def _storage(kind: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE results_indicatorgrid ALTER COLUMN data SET STORAGE {kind}"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("results", "0004_indicator_grid")]

    operations = [migrations.RunPython(_storage("EXTERNAL"), _storage("EXTENDED"))]
