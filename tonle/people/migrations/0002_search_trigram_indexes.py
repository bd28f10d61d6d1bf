"""On PostgreSQL, trigram indexes let "part of a name" searches skip the scan of the whole registry.

SQLite has no such index; there the search walks the key's ordinary index (see
participant_search), which is fast enough at the sizes one field office keeps.
"""

from django.db import migrations

FIELDS = ["name_km_key", "name_latin_key", "phone_key"]


def _on_postgres(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def create_indexes(apps, schema_editor) -> None:
    if _on_postgres(schema_editor):
        # Not django.contrib.postgres's TrigramExtension: its reverse queries pg_extension
        # on every database, SQLite included. Undoing leaves the extension for others.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for field in FIELDS:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS people_participant_{field}_trgm "
                f"ON people_participant USING gin ({field} gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor) -> None:
    if _on_postgres(schema_editor):
        for field in FIELDS:
            schema_editor.execute(f"DROP INDEX IF EXISTS people_participant_{field}_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
