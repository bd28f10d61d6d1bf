"""The consonant skeletons of each name (people.names), for the check on entry."""

from django.db import migrations, models


def fill_skeletons(apps, schema_editor):
    # The keys are derived from the names by people.names, as the services write them; a
    # registry of any size is read in batches so memory stays flat.
    from tonle.people.names import name_keys

    Participant = apps.get_model("people", "Participant")
    batch = []
    for person in Participant.objects.only("id", "name_km", "name_latin").iterator(2000):
        keys = name_keys(name_km=person.name_km, name_latin=person.name_latin)
        person.name_km_skeleton, person.name_latin_skeleton = keys.km_skeleton, keys.latin_skeleton
        batch.append(person)
        if len(batch) == 2000:
            Participant.objects.bulk_update(batch, ["name_km_skeleton", "name_latin_skeleton"])
            batch = []
    Participant.objects.bulk_update(batch, ["name_km_skeleton", "name_latin_skeleton"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="name_km_skeleton",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=120),
        ),
        migrations.AddField(
            model_name="participant",
            name="name_latin_skeleton",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=120),
        ),
        migrations.RunPython(fill_skeletons, migrations.RunPython.noop),
    ]
