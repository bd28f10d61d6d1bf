"""Writes for incoming data: uploads and their rows, forms, and the fate of what arrived."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tonle.accounts.models import User
from tonle.collect.applying import Answers, ApplyError
from tonle.collect.instances import Instance, instance_root, moment_of
from tonle.collect.models import (
    AppliedRecord,
    ApplyQueue,
    Attachment,
    Form,
    FormMapping,
    IncomingRow,
    PhoneCredential,
    RowStatus,
    Submission,
    UnreadableSubmission,
    Upload,
)
from tonle.collect.registry import applier_of, appliers, media_provider
from tonle.collect.selectors import submission_chain_newest
from tonle.collect.sheets import Sheet
from tonle.collect.xlsform import ConvertedForm, Problem, XLSFormError, xlsform_convert

logger = logging.getLogger(__name__)


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


def submission_unreadable_keep(*, by: User, body: bytes, reason: str) -> UnreadableSubmission:
    """Keep what a phone sent that could not be read as a submission, once, with the reason
    the phone was told."""
    kept, _created = UnreadableSubmission.objects.get_or_create(
        sha256=hashlib.sha256(body).hexdigest(),
        defaults={"body": body, "reason": reason, "submitted_by": by},
    )
    return kept


class SubmissionConflict(ValueError):
    """The instance id was already received with a different XML."""


@dataclass(frozen=True)
class Part:
    """An attachment as it arrived in the request: its name, type and bytes."""

    name: str
    content_type: str
    data: bytes


def submission_receive(
    *,
    by: User,
    form: Form,
    xml: bytes,
    instance: Instance,
    parts: list[Part],
    complete: bool,
    language: str = "",
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
                complete=complete, language=language,
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
    language: str,
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
        language=language[:10],
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
            if complete:
                submissions_enqueue(root_ids=[root_id])
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
                submissions_enqueue(root_ids=[submission.root_id])
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


# What marking a submission applied changes (saved one by one, or for many in one update).
_APPLIED_FIELDS = ["mapping", "status", "errors", "result", "applied_at"]


def _as_applied(
    submission: Submission, *, result: str, mapping: FormMapping | None, at: dt.datetime
) -> Submission:
    if mapping is not None:
        submission.mapping = mapping
    submission.status, submission.errors = RowStatus.APPLIED, {}
    submission.result, submission.applied_at = result[:200], at
    return submission


def submission_mark_applied(
    *, submission: Submission, result: str, mapping: FormMapping | None = None
) -> None:
    """Inside the transaction that applied it; `mapping`: the one it was applied with."""
    _as_applied(submission, result=result, mapping=mapping, at=timezone.now())
    submission.save(update_fields=_APPLIED_FIELDS if mapping else _APPLIED_FIELDS[1:])


def submission_mark_failed(
    *, submission: Submission, errors: dict[str, str], mapping: FormMapping | None = None
) -> None:
    """Its reason per field (the XML path, e.g. "/data/woman"), for the correction page;
    `mapping`: the one it was tried with."""
    submission.status = RowStatus.FAILED
    submission.errors = errors
    fields = ["status", "errors"]
    if mapping is not None:
        submission.mapping = mapping
        fields.append("mapping")
    submission.save(update_fields=fields)


def submission_correct(
    *, submission: Submission, corrections: dict[str, str], language: str = ""
) -> Submission:
    """Corrections sit beside the XML as it arrived, which is never changed; it waits again,
    and its reasons, if any are left, are written in the language of who corrected it."""
    if submission.status == RowStatus.APPLIED:
        raise ValueError("an applied submission is not corrected")
    submission.corrections = corrections
    submission.status = RowStatus.PENDING
    submission.language = language[:10] or submission.language
    with transaction.atomic():
        submission.save(update_fields=["corrections", "status", "language"])
        submissions_enqueue(root_ids=[submission.root_id])
    return submission


def mapping_save(
    *, by: User, form: Form, kinds: dict[str, dict[str, dict[str, str]]]
) -> FormMapping:
    """A new version of the form's mapping; every submission of the form is applied again
    with it, in the background (each undone first, so nothing is applied twice)."""
    unknown = sorted(kind for kind in kinds if applier_of(kind) is None)
    if unknown:
        raise ValueError(f"no applier for {', '.join(unknown)}")
    with transaction.atomic():
        last = form.mappings.order_by("-number").values_list("number", flat=True).first() or 0
        mapping = FormMapping.objects.create(form=form, number=last + 1, kinds=kinds, made_by=by)
        submissions_enqueue(
            root_ids=list(form.submissions.values_list("root_id", flat=True).distinct())
        )
    return mapping


def mapping_current(*, form: Form) -> FormMapping | None:
    """The newest mapping of this form version, else the newest of its earlier versions (a new
    version of a form keeps the mapping of the last one until it is mapped again)."""
    return (
        FormMapping.objects.filter(
            form__form_id=form.form_id, form__uploaded_at__lte=form.uploaded_at
        )
        .order_by("-form__uploaded_at", "-form_id", "-number")
        .first()
    )


def submissions_enqueue(*, root_ids: list[str]) -> None:
    """Queue these chains to be applied in the background, in the caller's transaction (so a
    chain is queued if and only if what changed it is kept), and see that a worker will come."""
    if not root_ids:
        return
    now = timezone.now()
    ApplyQueue.objects.bulk_create(
        [ApplyQueue(root_id=root_id, queued_at=now) for root_id in dict.fromkeys(root_ids)],
        batch_size=1000,
        ignore_conflicts=True,
    )
    apply_queue_wake()


def apply_queue_wake() -> None:
    """Ask the worker to work through the queue, unless it is asked already. (A task that has
    started may finish just before new chains are committed: the worker's supervisor calls
    this every few seconds while chains wait, so none waits for long.)"""
    from django_tasks_db.models import DBTaskResult

    from tonle.collect.tasks import apply_queued

    if not DBTaskResult.objects.filter(status="READY", task_path=apply_queued.module_path).exists():
        apply_queued.enqueue()


def apply_queue_sweep() -> None:
    """Wake the worker if chains wait and no task is asked to apply them: a worker that died
    mid-batch leaves its chains queued (its transaction rolled back), never half applied."""
    if ApplyQueue.objects.exists():
        apply_queue_wake()


def apply_queue_run(*, limit: int | None = None) -> int:
    """Apply the queued chains, a batch per transaction, until the queue is empty (or `limit`
    chains are applied); returns the number applied. Several workers share the queue."""
    batch_size = settings.TONLE_COLLECT_APPLY_BATCH
    done = 0
    while limit is None or done < limit:
        with transaction.atomic():
            batch = list(
                ApplyQueue.objects.select_for_update(skip_locked=True)
                .order_by("id")
                .values_list("id", "root_id")[
                    : batch_size if limit is None else min(batch_size, limit - done)
                ]
            )
            if not batch:
                break
            together = _fresh_chains_apply(root_ids=[root_id for _pk, root_id in batch])
            for _pk, root_id in batch:
                if root_id not in together:
                    _queued_chain_apply(root_id=root_id)
            ApplyQueue.objects.filter(pk__in=[pk for pk, _root in batch]).delete()
        done += len(batch)
    return done


def _fresh_chains_apply(*, root_ids: list[str]) -> set[str]:
    """Apply at once the chains that are one version never applied (what phones send, and an
    import brings, almost always): a few statements for a hundred submissions. Returns the
    roots applied; the others, and every chain of a group in which one is refused, are left to
    be applied one by one, where each one's problems are told."""
    versions = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("form", "submitted_by")
        .filter(root_id__in=root_ids)
    )
    chains: dict[str, list[Submission]] = {}
    for version in versions:
        chains.setdefault(version.root_id, []).append(version)
    groups: dict[tuple[int, str], list[Submission]] = {}
    for chain in chains.values():
        one = chain[0]
        if (
            len(chain) == 1
            and one.complete
            and one.status == RowStatus.PENDING
            and (one.mapping_id is None and not one.deprecated_id)
        ):
            groups.setdefault((one.form_id, one.language), []).append(one)
    applied: set[str] = set()
    for (_form, language), group in groups.items():
        mapping = mapping_current(form=group[0].form)
        if mapping is None or not mapping.kinds:
            continue
        try:
            with transaction.atomic(), translation.override(language or settings.LANGUAGE_CODE):
                _together_apply(group=group, mapping=mapping)
        except Exception:  # each is applied again alone, and told why alone
            continue
        applied.update(submission.root_id for submission in group)
    return applied


class _Refused(Exception):
    """One submission of a group applied together could not be applied."""


def _together_apply(*, group: list[Submission], mapping: FormMapping) -> None:
    batch = [
        _Applying(submission=submission, root=instance_root(bytes(submission.xml)))
        for submission in group
    ]
    _records_apply(batch=batch, mapping=mapping)
    if any(one.errors for one in batch):
        raise _Refused
    _claims_keep(
        [
            claim
            for one in batch
            for claim in _claims(one.submission, claimed=one.claimed, made=one.made)
        ]
    )
    now = timezone.now()
    Submission.objects.bulk_update(
        [_as_applied(one.submission, result=one.result, mapping=mapping, at=now) for one in batch],
        _APPLIED_FIELDS,
        batch_size=500,
    )


@dataclass
class _Applying:
    """A submission being applied: what its kinds share, and what they made and found."""

    submission: Submission
    root: Any  # the XML's root element
    shared: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    made: list[tuple[str, Any]] = field(default_factory=list)
    claimed: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def result(self) -> str:
        return ", ".join(
            f"{record._meta.verbose_name} {record.pk}" for _k, record in self.claimed + self.made
        )[:200]


def _records_apply(*, batch: list[_Applying], mapping: FormMapping) -> None:
    """Every kind the mapping records, in order, for each submission of the batch; a problem
    stays in that submission's errors and its later kinds are not applied."""
    for applier in appliers():
        plan = mapping.kinds.get(applier.kind)
        if plan is None:
            continue
        going = [one for one in batch if not one.errors]
        answers = [
            Answers(
                submission=one.submission,
                user=one.submission.submitted_by,
                element=one.root,
                path="/" + _local_name(one.root.tag),
                fields=plan.get("fields", {}),
                constants=plan.get("constants", {}),
                corrections=one.submission.corrections,
                shared=one.shared,
                errors=one.errors,
            )
            for one in going
        ]
        for one, each, records in zip(going, answers, applier.apply_each(answers), strict=True):
            one.made += [(applier.kind, record) for record in records]
            one.claimed += [(applier.kind, record) for record in each.claimed]


def _queued_chain_apply(*, root_id: str) -> None:
    submission = Submission.objects.filter(root_id=root_id).defer("xml").first()
    if submission is None:
        return
    try:
        with transaction.atomic():
            submission_apply(submission=submission)
    except Exception:
        # A fault of Tonle's, not of the submission: it is written down, the submission says
        # so for the officer to apply again, and the rest of the batch goes on.
        logger.exception("Applying the submission chain %s failed", root_id)
        newest = submission_chain_newest(root_id=root_id)
        if newest is not None:
            submission_mark_failed(submission=newest, errors={"": _(
                "Tonle could not apply this submission because of a fault of its own; the "
                "administrator can read why in the server's log. Apply it again later.")})  # fmt: skip


def submissions_apply_again(*, root_ids: list[str], language: str = "") -> None:
    """Apply these chains again in the background, their reasons written in `language`."""
    with transaction.atomic():
        if language:
            Submission.objects.filter(root_id__in=root_ids).update(language=language[:10])
        submissions_enqueue(root_ids=root_ids)


def submission_unapply(
    *, by: User | None, submission: Submission, heir: Submission | None = None
) -> int:
    """Undo what every version of this submission's chain applied, newest record first,
    through the appliers that made them; each version waits to be applied again. Returns the
    number of records undone.

    `heir` is a version of the chain that stays while the newer ones are taken away (an
    import that brought an edit undone): the records the chain made that applying it again
    takes up (a woman it registered) are not undone but left to the heir, which takes them up
    when it is applied again, so she keeps her id and is not registered twice."""
    with transaction.atomic():
        _chain_lock(root_id=submission.root_id)
        keep = _TAKEN_UP_AGAIN if heir is not None else frozenset()
        undone, kept = _chain_unapply(by=by, root_id=submission.root_id, keep=keep)
        AppliedRecord.objects.bulk_create(
            AppliedRecord(
                submission=heir,
                kind=kind,
                app_label=app_label,
                model=model,
                object_id=record.pk,
                owns=True,
            )
            for (app_label, model), records in kept.items()
            for kind, record in records
        )
    return undone


def _chain_lock(*, root_id: str) -> None:
    """One worker at a time applies or undoes a chain (on PostgreSQL; SQLite writes one at a
    time)."""
    list(
        Submission.objects.select_for_update().filter(root_id=root_id).values_list("pk", flat=True)
    )


# Records a chain made that applying it again takes up again rather than making anew, so a
# woman registered by a form keeps her id (and whatever else was recorded for her since).
_TAKEN_UP_AGAIN = frozenset({("people", "participant")})


def _chain_unapply(
    *, by: User | None, root_id: str, keep: frozenset[tuple[str, str]]
) -> tuple[int, dict[tuple[str, str], list[Any]]]:
    """Let go of the chain's records, newest first, undoing those it alone still holds (see
    AppliedRecord); but those it made of the models in `keep` are returned instead (in the
    order they were made) for the appliers to take up again."""
    undone = 0
    kept: dict[tuple[str, str], list[Any]] = {}
    chain = Submission.objects.filter(root_id=root_id)
    # The chain's few ids first: joined to AppliedRecord, a planner with stale statistics
    # (a table that grew fast) scans every applied record for each chain.
    versions = list(chain.values_list("pk", flat=True))
    made = AppliedRecord.objects.filter(submission_id__in=versions).order_by("-id")
    for applied in list(made):
        model = apps.get_model(applied.app_label, applied.model)
        # The record is locked before its claim is touched (see _claims_keep); its claim is
        # read again under the lock, as a chain letting go may have handed it ownership.
        record = model._base_manager.select_for_update().filter(pk=applied.object_id).first()
        owns = AppliedRecord.objects.filter(pk=applied.pk).values_list("owns", flat=True).first()
        if owns is None:  # let go meanwhile by another undoing of this chain
            continue
        applied.owns = owns
        applied.delete()
        if record is None:
            continue
        if applied.owns and (applied.app_label, applied.model) in keep:
            kept.setdefault((applied.app_label, applied.model), []).insert(
                0, (applied.kind, record)
            )
        elif _record_release(by=by, kind=applied.kind, record=record, owned=applied.owns):
            undone += 1
    chain.exclude(status=RowStatus.PENDING).update(
        status=RowStatus.PENDING, result="", applied_at=None
    )
    return undone, kept


def _record_release(*, by: User | None, kind: str, record: Any, owned: bool) -> bool:
    """A chain's claim on the record is gone: undo the record if that chain made it and no
    other chain still records it; while another does, the record is that chain's to undo.
    True when it was undone. The caller holds the record's lock (_chain_unapply took it)."""
    others = AppliedRecord.objects.filter(
        app_label=record._meta.app_label, model=record._meta.model_name, object_id=record.pk
    )
    heir = others.order_by("id").first()
    if heir is not None:
        if owned and not others.filter(owns=True).exists():
            others.filter(pk=heir.pk).update(owns=True)
        return False
    applier = applier_of(kind)
    if not owned or applier is None:
        return False
    applier.undo(by, record)
    return True


def submission_apply(*, submission: Submission) -> Submission | None:
    """Apply the newest version of the submission's chain with its form's mapping, after
    undoing whatever the chain applied before: so a chain is applied once, with its newest
    version, whatever order its versions arrived in and however often this runs.

    Returns the version applied (or failed), or None when there is nothing to apply yet (no
    mapping, or attachments still coming).
    """
    newest = submission_chain_newest(root_id=submission.root_id)
    if newest is None or not newest.complete:
        return None
    newest = Submission.objects.select_related("form", "submitted_by").get(pk=newest.pk)
    mapping = mapping_current(form=newest.form)
    if mapping is None or not mapping.kinds:
        return None
    if newest.status == RowStatus.APPLIED and newest.mapping_id == mapping.pk:
        # Already applied so: a retried or repeated task changes nothing, and a version that
        # arrived after the edit replacing it is only marked as replaced.
        _older_replaced(newest)
        return newest
    with translation.override(newest.language or settings.LANGUAGE_CODE):
        for _attempt in range(_CLAIM_ATTEMPTS - 1):
            try:
                return _chain_apply(newest=newest, mapping=mapping)
            except _ClaimLost:
                continue  # what it found is gone now: applied again, it is made or refused
        return _chain_apply(newest=newest, mapping=mapping)


# How often a chain is applied again when a record it found was undone meanwhile (each time
# another chain undid one at that very moment: more than twice is a fault worth seeing).
_CLAIM_ATTEMPTS = 3


def _chain_apply(*, newest: Submission, mapping: FormMapping) -> Submission:
    user = newest.submitted_by
    try:
        with transaction.atomic():
            _chain_lock(root_id=newest.root_id)
            _undone, kept = _chain_unapply(by=user, root_id=newest.root_id, keep=_TAKEN_UP_AGAIN)
            one = _Applying(
                submission=newest, root=instance_root(bytes(newest.xml)), shared={"earlier": kept}
            )
            _records_apply(batch=[one], mapping=mapping)
            if one.errors:
                raise ApplyError(dict(one.errors))
            # What the earlier version made and this one did not take up again is let go.
            for leftover in kept.values():
                for kind, record in reversed(leftover):
                    _record_release(by=user, kind=kind, record=record, owned=True)
            _claims_keep(_claims(newest, claimed=one.claimed, made=one.made))
            submission_mark_applied(submission=newest, result=one.result, mapping=mapping)
            _older_replaced(newest)
    except (ApplyError, ValidationError) as refused:
        errors = refused.errors if isinstance(refused, ApplyError) else _errors_of(refused)
        submission_mark_failed(submission=newest, errors=errors, mapping=mapping)
    return newest


def _claims(
    submission: Submission, *, claimed: list[tuple[str, Any]], made: list[tuple[str, Any]]
) -> list[AppliedRecord]:
    """One claim per record, in the order undoing must go backwards: what it found (an activity
    chosen by id) before what it made (the attendances at it); a record it made and found again
    (the same woman twice in the repeat) is one it made."""
    claims: dict[tuple[str, str, int], AppliedRecord] = {}
    for (kind, record), owns in [(c, False) for c in claimed] + [(m, True) for m in made]:
        key = (record._meta.app_label, record._meta.model_name, record.pk)
        if key in claims:
            claims[key].owns = claims[key].owns or owns
            continue
        claims[key] = AppliedRecord(
            submission=submission, kind=kind, app_label=key[0], model=key[1], object_id=key[2],
            owns=owns,
        )  # fmt: skip
    return list(claims.values())


class _ClaimLost(Exception):
    """A record the chain found was undone by another chain before the claim on it was kept:
    the chain is applied again, now without it."""


def _claims_keep(claims: list[AppliedRecord]) -> None:
    """Keep the chain's claims, once the records it found (not made) are locked and known to
    be still there.

    Claims are added here and let go in _chain_unapply, each under the lock of the record's
    own row; a lock on the claims alone would not do, as a record no other chain claims has
    none to lock. So a chain letting go of a record while another claims it either sees the
    new claim (and leaves the record to it) or has undone the record before the claim is
    kept, which this sees, and the claiming chain is applied again (_ClaimLost). Records are
    locked in one order (by model, then id), so two chains claiming the same records wait
    for each other instead of deadlocking.
    """
    found: dict[tuple[str, str], set[int]] = {}
    for claim in claims:
        if not claim.owns:
            found.setdefault((claim.app_label, claim.model), set()).add(claim.object_id)
    for (app_label, model), ids in sorted(found.items()):
        locked = (
            apps.get_model(app_label, model)
            ._base_manager.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(list(locked)) != len(ids):
            raise _ClaimLost(f"{app_label}.{model}")
    AppliedRecord.objects.bulk_create(claims, batch_size=1000)


def _older_replaced(newest: Submission) -> None:
    Submission.objects.filter(root_id=newest.root_id).exclude(pk=newest.pk).exclude(
        status=RowStatus.REPLACED
    ).update(status=RowStatus.REPLACED, errors={}, result="")


def _local_name(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _errors_of(invalid: ValidationError) -> dict[str, str]:
    """A service's refusal, by the record's field when it names one."""
    if hasattr(invalid, "error_dict"):
        return {field: " ".join(str(m) for m in messages) for field, messages in
                invalid.message_dict.items()}  # fmt: skip
    return {"": " ".join(invalid.messages)}
