"""Backups: what is backed up comes back exactly (rows, figures, frozen reports, files), on
SQLite and PostgreSQL alike, and a restore refuses a wrong or damaged archive before it
touches anything."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tarfile
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from tonle.lib.backup import MANIFEST, backup_make, backup_restore
from tonle.outcomes.models import Story
from tonle.outcomes.services import story_write
from tonle.people.models import Participant
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.referrals.models import Referral
from tonle.referrals.services import referral_make
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.reports.models import IssuedReport
from tonle.reports.services import report_issue
from tonle.reports.tests.factories import ReportTemplateFactory, SectionFactory
from tonle.results.reach import reach_figures
from tonle.results.services import indicator_save

# A restore replaces the database under the test's feet: no test transaction may wrap it.
pytestmark = pytest.mark.django_db(transaction=True)


def _picture(colour: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "PNG")
    return SimpleUploadedFile("her.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"  # where restore keeps its copy of today's data
    return settings.MEDIA_ROOT


@pytest.fixture
def program(world, media):
    """Six women in two activities, one referred, a story with its photo, an issued report."""
    project = world.project_a
    indicator_save(
        project=project, level="outcome", code="engaged", name_en="Women engaged",
        name_km="ស្ត្រីបានចូលរួម", definition={"measure": "people_attending", "filters": {"sex": ["F"]}},
    )  # fmt: skip
    for month in (2, 5):
        activity = ActivityFactory(project=project, date=dt.date(2023, month, 10))
        for woman in ParticipantFactory.create_batch(3, village=world.village_a):
            Attendance.objects.create(activity=activity, participant=woman)
    referral_make(
        by=world.officer_a, participant=world.woman_a, project=project,
        provider=ServiceProviderFactory(), service="national_id", reason="No ID card",
        consent_given=True, sent_on=dt.date(2023, 6, 1),
    )  # fmt: skip
    story_write(
        by=world.officer_a, participant=world.woman_a, project=project, title="Village chief",
        text="…", language="km", written_on=dt.date(2023, 12, 1), consent_to_publish=True,
        photo=_picture("teal"),
    )  # fmt: skip
    template = ReportTemplateFactory(project=project, slug="closing")
    SectionFactory(template=template, body_en="We engaged {{ engaged }} women.")
    report_issue(by=world.manager, template=template)
    return project


def _rows() -> dict[str, int]:
    """Every table's row count, model by model (many-to-many tables included)."""
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _state(project) -> dict:
    figures = reach_figures(project=project)
    return {
        "rows": _rows(),
        "reach": (figures.total, figures.splits),
        "frozen": {r.pk: r.snapshot for r in IssuedReport.objects.all()},
        "files": _files(Path(settings.MEDIA_ROOT)),
    }


def test_a_restore_brings_back_every_row_figure_frozen_report_and_file(
    program, world, media, tmp_path
):
    before = _state(program)
    assert before["reach"][0] == 6 and before["files"] and before["frozen"]
    output = io.StringIO()
    call_command("backup", "--to", str(tmp_path / "nightly"), stdout=output)
    (archive,) = (tmp_path / "nightly").glob("tonle-*.tar.gz")
    assert archive.name[len("tonle-") :].startswith(dt.datetime.now(dt.UTC).strftime("%Y%m%d-"))
    assert str(archive) in output.getvalue()
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
    assert manifest["vendor"] == connection.vendor
    assert manifest["tables"]["reports_issuedreport"] == 1

    # A day's changes: attendance deleted and added, a referral and a frozen report deleted,
    # a photo overwritten and a new file uploaded.
    gone = list(Attendance.objects.values_list("participant", flat=True)[:2])
    Attendance.objects.filter(participant__in=gone).delete()
    Attendance.objects.create(activity=ActivityFactory(project=program),
                              participant=ParticipantFactory(village=world.village_a))  # fmt: skip
    Referral.objects.all().delete()
    IssuedReport.objects.all().delete()
    Path(Story.objects.get().photo.path).write_bytes(b"overwritten")
    (media / "stories" / "new.png").write_bytes(b"added after the backup")
    assert _state(program) != before

    output = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=output)

    after = _state(program)
    assert after["rows"] == before["rows"]
    assert after["reach"] == before["reach"]
    assert after["frozen"] == before["frozen"]
    assert after["files"] == before["files"]
    assert f"Restored {archive.name}" in output.getvalue()
    # Today's data, as it was before the restore, was kept first.
    assert len(list((tmp_path / "var" / "backups").glob("tonle-*.tar.gz"))) == 1


def _rewritten(archive: Path, *, manifest=None, damage: str | None = None) -> Path:
    """A copy of the archive with its manifest changed, or one of its files' bytes altered."""
    copy = archive.with_name(f"altered-{uuid.uuid4().hex}.tar.gz")
    with tarfile.open(archive) as source, tarfile.open(copy, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == MANIFEST and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            if member.name == damage:
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return copy


def _truncated(archive: Path) -> Path:
    copy = archive.with_name("cut.tar.gz")
    data = archive.read_bytes()
    copy.write_bytes(data[: len(data) // 2])
    return copy


def test_a_wrong_or_damaged_archive_or_no_yes_is_refused_before_anything_is_touched(
    program, media, tmp_path
):
    archive = backup_make(to=tmp_path / "backups")
    with tarfile.open(archive) as tar:
        photo_in_archive = next(n for n in tar.getnames() if n.startswith("media/"))
    database = "database.sqlite3" if connection.vendor == "sqlite" else "database.dump"
    # Written after the backup: every refused restore must leave them as they are.
    later = ParticipantFactory(name_latin="Added Later")
    photo = Path(Story.objects.get().photo.path)
    photo.write_bytes(b"changed after the backup")

    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]
    refusals = [
        (_rewritten(archive, manifest=lambda m: {**m, "vendor": other}),
         "database and Tonle runs on"),
        (_rewritten(archive, damage=photo_in_archive),
         f"{photo_in_archive} is not the file that was backed up"),
        (_rewritten(archive, damage=database), f"{database} is not the file that was backed up"),
        (_truncated(archive), "is damaged or not a Tonle backup"),
        (_rewritten(archive, manifest=lambda m: {**m, "format": 99}), "not a Tonle backup"),
        (tmp_path / "nowhere.tar.gz", "There is no file"),
    ]  # fmt: skip
    for altered, message in refusals:
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(altered), "--yes")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))

    assert Participant.objects.filter(pk=later.pk).exists()
    assert photo.read_bytes() == b"changed after the backup"
    assert list((tmp_path / "var").glob("**/*.tar.gz")) == []  # nor was today's data copied


def test_files_come_back_even_when_the_media_folder_cannot_be_renamed(media, tmp_path, monkeypatch):
    """MEDIA_ROOT is often a mount point, which cannot be renamed: its files are swapped."""
    (media / "stories").mkdir(parents=True)
    (media / "stories" / "her.png").write_bytes(b"as backed up")
    archive = backup_make(to=tmp_path / "backups")
    (media / "stories" / "her.png").write_bytes(b"changed")
    (media / "later.pdf").write_bytes(b"added")

    renaming = os.replace

    def mount_point(source, target):
        if Path(source) == media:
            raise OSError(16, "Device or resource busy")
        renaming(source, target)

    monkeypatch.setattr("tonle.lib.backup.os.replace", mount_point)
    backup_restore(from_=archive)
    assert _files(media) == {"stories/her.png": b"as backed up"}
