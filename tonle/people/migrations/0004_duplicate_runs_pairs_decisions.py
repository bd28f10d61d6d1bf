"""Duplicate searches, the pairs they found, and the decisions on pairs."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_name_skeletons"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DuplicateRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "requested_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="requested at"
                    ),
                ),
                (
                    "started_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="started at"),
                ),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting"),
                            ("running", "Running"),
                            ("done", "Done"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "step",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("reading", "Reading the registry"),
                            ("training", "Learning what duplicates look like"),
                            ("pairing", "Comparing the women"),
                            ("saving", "Saving the likely duplicates"),
                        ],
                        max_length=10,
                        verbose_name="step",
                    ),
                ),
                (
                    "progress",
                    models.PositiveSmallIntegerField(default=0, verbose_name="progress (%)"),
                ),
                ("task_id", models.UUIDField(blank=True, null=True, verbose_name="task")),
                ("people", models.PositiveIntegerField(default=0, verbose_name="women compared")),
                (
                    "pairs",
                    models.PositiveIntegerField(default=0, verbose_name="likely duplicate pairs"),
                ),
                (
                    "clusters",
                    models.PositiveIntegerField(
                        default=0, verbose_name="groups of likely duplicates"
                    ),
                ),
                (
                    "left_out",
                    models.PositiveIntegerField(
                        default=0, verbose_name="pairs already decided different"
                    ),
                ),
                (
                    "model",
                    models.JSONField(
                        blank=True, default=dict, verbose_name="settings and trained parameters"
                    ),
                ),
                ("failure", models.TextField(blank=True, verbose_name="why it failed")),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
            ],
            options={
                "verbose_name": "duplicate search",
                "verbose_name_plural": "duplicate searches",
                "ordering": ["-requested_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalDuplicateDecision",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("same", "The same woman"),
                            ("different", "Two different women"),
                            ("not_sure", "Not sure"),
                        ],
                        max_length=10,
                        verbose_name="decision",
                    ),
                ),
                (
                    "decided_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="decided at"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "first",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.participant",
                        verbose_name="first",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "second",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.participant",
                        verbose_name="second",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical duplicate decision",
                "verbose_name_plural": "historical duplicate decisions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="DuplicateDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("same", "The same woman"),
                            ("different", "Two different women"),
                            ("not_sure", "Not sure"),
                        ],
                        max_length=10,
                        verbose_name="decision",
                    ),
                ),
                (
                    "decided_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="decided at"
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "first",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.participant",
                        verbose_name="first",
                    ),
                ),
                (
                    "second",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.participant",
                        verbose_name="second",
                    ),
                ),
            ],
            options={
                "verbose_name": "duplicate decision",
                "verbose_name_plural": "duplicate decisions",
                "ordering": ["-decided_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("first", "second"), name="duplicate_decided_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("first__lt", models.F("second"))),
                        name="duplicate_decision_ordered",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="DuplicatePair",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("match_probability", models.FloatField(verbose_name="match probability")),
                ("match_weight", models.FloatField(verbose_name="match weight")),
                ("reasons", models.JSONField(default=list, verbose_name="reasons")),
                ("cluster", models.PositiveIntegerField(verbose_name="group")),
                (
                    "first",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.participant",
                        verbose_name="first",
                    ),
                ),
                (
                    "second",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.participant",
                        verbose_name="second",
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pair_set",
                        to="people.duplicaterun",
                        verbose_name="search",
                    ),
                ),
            ],
            options={
                "verbose_name": "likely duplicate pair",
                "verbose_name_plural": "likely duplicate pairs",
                "ordering": ["-match_probability", "first_id", "second_id"],
                "indexes": [
                    models.Index(
                        fields=["run", "-match_probability"], name="people_dupl_run_id_fb9fcd_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("run", "first", "second"), name="duplicate_pair_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("first__lt", models.F("second"))),
                        name="duplicate_pair_ordered",
                    ),
                ],
            },
        ),
    ]
