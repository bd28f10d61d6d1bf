"""Writes for incoming data: uploads and their rows, forms, and the fate of what arrived."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tonle.accounts.models import User
from tonle.collect.instances import Instance, moment_of
from tonle.collect.models import (
    Attachment,
    Form,
    IncomingRow,
    PhoneCredential,
    RowStatus,
    Submission,
    Upload,
)
from tonle.collect.registry import media_provider
from tonle.collect.sheets import Sheet
from tonle.collect.xlsform import ConvertedForm, Problem, XLSFormError, xlsform_convert


def upload_store(
    *, by: User | None, kind: str, target: dict[str, Any], file_name: str, data: bytes, sheet: Sheet
) -> Upload:
    """Keep the file and every row, cell by cell, before any is applied, so nothing that
    arrived can be lost."""
    upload = Upload(
        kind=kind,
        target=target,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
        headers=sheet.headers,
    )
    # The file is written first; if the rows then cannot be stored, it is removed again.
    upload.file.save(_stored_name(file_name), ContentFile(data), save=False)
    try:
        with transaction.atomic():
            upload.save()
            IncomingRow.objects.bulk_create(
                [
                    IncomingRow(upload=upload, number=row.number, data=row.data, cells=row.cells)
                    for row in sheet.rows
                ],
                batch_size=1000,
            )
    except BaseException:
        upload.file.delete(save=False)
        raise
    return upload


def _stored_name(file_name: str) -> str:
    """The name on disk: the sheet's own (the storage makes it safe and unique)."""
    return PurePath(file_name.replace("\\", "/")).name[-100:] or "sheet"


def row_mark_applied(*, row: IncomingRow, result: str) -> None:
    row.status = RowStatus.APPLIED
    row.errors = {}
    row.result = result[:200]
    row.applied_at = timezone.now()
    row.save(update_fields=["status", "errors", "result", "applied_at"])


def row_mark_failed(*, row: IncomingRow, errors: dict[str, str]) -> None:
    row.status = RowStatus.FAILED
    row.errors = errors
    row.save(update_fields=["status", "errors"])


def row_correct(*, row: IncomingRow, corrections: dict[str, str]) -> IncomingRow:
    """Corrections sit beside the original; the row as it arrived stays untouched."""
    if row.status == RowStatus.APPLIED:
        raise ValueError("an applied row is not corrected")
    row.corrections = {k: v for k, v in corrections.items() if v != row.data.get(k, "")}
    row.status = RowStatus.PENDING
    row.save(update_fields=["corrections", "status"])
    return row


def form_upload(
    *, by: User, project_id: int, file_name: str, data: bytes, active: bool = True
) -> Form:
    """Convert an XLSForm and keep it, with the file as uploaded, as the form's newest version
    (on the phones unless `active` is False: an imported form waits until a manager puts it
    there).

    Raises XLSFormError with the problems (by row) when it cannot become a form, or when its
    version is already uploaded: phones only fetch a form again when its version changes.
    """
    converted = xlsform_convert(file_name=file_name, data=data)
    return form_keep(
        by=by, project_id=project_id, converted=converted, file_name=file_name, data=data,
        active=active,
    )  # fmt: skip


def form_keep(
    *,
    by: User,
    project_id: int,
    converted: ConvertedForm,
    file_name: str,
    data: bytes,
    active: bool = True,
) -> Form:
    """Keep a converted form, and the file it was made from, as a new version of its form id."""
    earlier = Form.objects.filter(form_id=converted.form_id)
    other_project = earlier.exclude(project_id=project_id).first()
    if other_project is not None:
        raise XLSFormError([Problem(None, _(
            "The form id “%(form_id)s” belongs to another project. Give this form its own "
            "form_id in the settings sheet.") % {"form_id": converted.form_id})])  # fmt: skip
    if earlier.filter(version=converted.version).exists():
        raise XLSFormError([Problem(None, _(
            "Version “%(version)s” of the form “%(form_id)s” is already uploaded. Raise the "
            "version in the settings sheet, so that phones fetch the new form.")
            % {"version": converted.version, "form_id": converted.form_id})])  # fmt: skip
    media = converted.media + (["itemsets.csv"] if converted.itemsets else [])
    warnings = [{"row": w.row, "message": w.message} for w in converted.warnings] + [
        {
            "row": None,
            "message": _(
                "The form refers to the media file “%(name)s”, which Tonle does not provide: "
                "phones will not have it."
            )
            % {"name": name},
        }
        for name in converted.media
        if media_provider(name=name) is None
    ]
    form = Form(
        form_id=converted.form_id,
        version=converted.version,
        title=converted.title,
        project_id=project_id,
        xlsform_name=PurePath(file_name.replace("\\", "/")).name[-255:],
        xml=converted.xml,
        md5=hashlib.md5(converted.xml.encode()).hexdigest(),
        media=sorted(set(media)),
        itemsets=converted.itemsets,
        warnings=warnings,
        uploaded_by=by,
        active=active,
    )
    form.xlsform.save(_stored_name(file_name), ContentFile(data), save=False)
    try:
        with transaction.atomic():
            if active:
                earlier.filter(active=True).update(active=False)
            form.save()
    except BaseException:
        form.xlsform.delete(save=False)
        raise
    return form


def form_set_active(*, form: Form, active: bool) -> Form:
    """Take a form off the phones, or put this version back on them (in place of the others)."""
    with transaction.atomic():
        if active:
            Form.objects.filter(form_id=form.form_id, active=True).exclude(pk=form.pk).update(
                active=False
            )
        form.active = active
        form.save(update_fields=["active"])
    return form


class SubmissionConflict(ValueError):
    """The instance id was already received with a different XML."""


@dataclass(frozen=True)
class Part:
    """An attachment as it arrived in the request: its name, type and bytes."""

    name: str
    content_type: str
    data: bytes


def submission_receive(
    *, by: User, form: Form, xml: bytes, instance: Instance, parts: list[Part], complete: bool
) -> tuple[Submission, bool]:
    """Keep a submission and its attachments as they arrived; (submission, True if new).

    The same XML again adds the attachments not yet kept (Collect splits a large submission
    over several requests, and resends one whose answer it missed) and is stored once. The
    same instance id with another XML raises SubmissionConflict. An edit (meta/deprecatedID)
    joins the chain of the submission it replaces, whichever of the two arrived first.
    """
    digest = hashlib.sha256(xml).hexdigest()
    for attempt in range(2):
        existing = Submission.objects.filter(instance_id=instance.instance_id).first()
        if existing is not None:
            if existing.xml_sha256 != digest:
                raise SubmissionConflict(instance.instance_id)
            _attachments_add(submission=existing, parts=parts, complete=complete)
            return existing, False
        try:
            return _submission_create(
                by=by, form=form, xml=xml, digest=digest, instance=instance, parts=parts,
                complete=complete,
            ), True  # fmt: skip
        except IntegrityError:
            if attempt:  # the same submission arrived twice at once; the other one won
                raise
    raise AssertionError("unreachable")


def _submission_create(
    *,
    by: User,
    form: Form,
    xml: bytes,
    digest: str,
    instance: Instance,
    parts: list[Part],
    complete: bool,
) -> Submission:
    previous = (
        Submission.objects.filter(instance_id=instance.deprecated_id).first()
        if instance.deprecated_id
        else None
    )
    root_id = (
        instance.root_id
        or (previous.root_id if previous else "")
        or instance.deprecated_id
        or instance.instance_id
    )
    submission = Submission(
        form=form,
        instance_id=instance.instance_id,
        deprecated_id=instance.deprecated_id,
        root_id=root_id,
        previous=previous,
        xml=xml,
        xml_sha256=digest,
        submitted_by=by,
        started_text=instance.started_text,
        started_at=moment_of(instance.started_text),
        ended_text=instance.ended_text,
        ended_at=moment_of(instance.ended_text),
        complete=complete,
    )
    files = _files_write(parts)
    try:
        with transaction.atomic():
            submission.save()
            Attachment.objects.bulk_create(
                [Attachment(submission=submission, **file) for file in files]
            )
            # Edits of this one that arrived before it: link them, and give their chain its root.
            Submission.objects.filter(deprecated_id=submission.instance_id).update(
                previous=submission
            )
            if root_id != submission.instance_id:
                Submission.objects.filter(root_id=submission.instance_id).update(root_id=root_id)
    except BaseException:
        for file in files:
            default_storage.delete(file["file"])
        raise
    return submission


def _attachments_add(*, submission: Submission, parts: list[Part], complete: bool) -> None:
    """The attachments of a resent or continued submission that are not kept yet."""
    kept = set(submission.attachments.values_list("name", flat=True))
    files = _files_write([part for part in parts if _attachment_name(part.name) not in kept])
    try:
        with transaction.atomic():
            Attachment.objects.bulk_create(
                [Attachment(submission=submission, **file) for file in files],
                ignore_conflicts=True,
            )
            if complete and not submission.complete:
                submission.complete = True
                submission.save(update_fields=["complete"])
    except BaseException:
        for file in files:
            default_storage.delete(file["file"])
        raise


def _attachment_name(name: str) -> str:
    return PurePath(name.replace("\\", "/")).name[-255:] or "attachment"


def _files_write(parts: list[Part]) -> list[dict[str, Any]]:
    """Each part written under private media, before the database says it is there."""
    written: list[dict[str, Any]] = []
    try:
        for part in parts:
            name = _attachment_name(part.name)
            stored = default_storage.save(
                timezone.now().strftime("private/submissions/%Y/%m/") + name,
                ContentFile(part.data),
            )
            written.append({
                "name": name,
                "file": stored,
                "content_type": part.content_type[:100],
                "size": len(part.data),
                "sha256": hashlib.sha256(part.data).hexdigest(),
            })  # fmt: skip
    except BaseException:
        for file in written:
            default_storage.delete(file["file"])
        raise
    return written


def phone_password_set(*, user: User, password: str) -> PhoneCredential:
    """Keep the phone password only as the Digest HA1 that checks it."""
    realm = settings.TONLE_COLLECT_REALM
    credential, _created = PhoneCredential.objects.update_or_create(
        user=user,
        defaults={
            "ha1": digest_ha1(username=user.get_username(), realm=realm, password=password),
            "realm": realm,
            "set_at": timezone.now(),
        },
    )
    return credential


def digest_ha1(*, username: str, realm: str, password: str) -> str:
    return hashlib.md5(f"{username}:{realm}:{password}".encode()).hexdigest()


def submission_mark_applied(*, submission: Submission, result: str) -> None:
    """Called by the record app that applied it, inside the transaction that applied it."""
    submission.status = RowStatus.APPLIED
    submission.errors = {}
    submission.result = result[:200]
    submission.applied_at = timezone.now()
    submission.save(update_fields=["status", "errors", "result", "applied_at"])


def submission_mark_failed(*, submission: Submission, errors: dict[str, str]) -> None:
    """Its reason per field (the XML path, e.g. "/data/woman"), for the correction page."""
    submission.status = RowStatus.FAILED
    submission.errors = errors
    submission.save(update_fields=["status", "errors"])


def submission_correct(*, submission: Submission, corrections: dict[str, str]) -> Submission:
    """Corrections sit beside the XML as it arrived, which is never changed; it waits again."""
    if submission.status == RowStatus.APPLIED:
        raise ValueError("an applied submission is not corrected")
    submission.corrections = corrections
    submission.status = RowStatus.PENDING
    submission.save(update_fields=["corrections", "status"])
    return submission
