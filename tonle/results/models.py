"""Precomputed reach: one bitmap of participant ids per figure, kept in step with the records."""

from __future__ import annotations

from django.db import models
from pyroaring import BitMap


class ReachState(models.Model):
    """How far a project's cells have caught up with the records' history."""

    project = models.OneToOneField(
        "programs.Project", on_delete=models.CASCADE, related_name="reach_state"
    )
    built_at = models.DateTimeField(null=True, blank=True)
    caught_up_at = models.DateTimeField(null=True, blank=True)
    # The last history id of each source whose changes the cells already hold.
    attendance_mark = models.BigIntegerField(default=0)
    activity_mark = models.BigIntegerField(default=0)
    participant_mark = models.BigIntegerField(default=0)


class ReachCell(models.Model):
    """The distinct women and girls behind one figure, e.g. (district, 12) or (total, all)."""

    project = models.ForeignKey(
        "programs.Project", on_delete=models.CASCADE, related_name="reach_cells"
    )
    dimension = models.CharField(max_length=20)
    key = models.CharField(max_length=40)
    ids = models.BinaryField()  # a serialized roaring bitmap of participant ids
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "dimension", "key"], name="one_cell_per_key")
        ]

    def bitmap(self) -> BitMap:
        return BitMap.deserialize(bytes(self.ids))
