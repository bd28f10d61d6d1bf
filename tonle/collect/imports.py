"""Writes of imports: KoboToolbox and ODK Central sources, their batches run record by record
into submissions (through the one storing path phones use), and the undo of a batch."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override
from lxml import etree

from tonle.accounts.models import User
from tonle.collect.applying import form_fields, suggested_fields
from tonle.collect.entities import (
    LABEL,
    entity_instance_id,
    entity_list_xform,
    entity_record,
    entity_xml,
)
from tonle.collect.instances import InstanceError, instance_read
from tonle.collect.kobo_forms import kobo_asset_xlsform, kobo_instance_xml
from tonle.collect.models import (
    BATCH_SILENT,
    Attachment,
    BatchStatus,
    Form,
    ImportBatch,
    ImportedRecord,
    ImportKind,
    ImportSource,
    RecordResult,
    RowStatus,
    Submission,
)
from tonle.collect.registry import appliers
from tonle.collect.remote.central import CentralClient, CentralCursor
from tonle.collect.remote.kobo import KoboClient, KoboCursor
from tonle.collect.remote.records import RemoteEntity, RemoteError, RemoteRecord
from tonle.collect.sealing import Unreadable, seal, unseal
from tonle.collect.selectors import submission_chain_newest
from tonle.collect.services import (
    Part,
    SubmissionConflict,
    form_keep,
    submission_receive,
    submission_unapply,
    submissions_apply_again,
)
from tonle.collect.xlsform import XFORMS, ConvertedForm, XLSFormError, xform_read, xlsform_convert

logger = logging.getLogger(__name__)

ON_THE_WAY = (BatchStatus.QUEUED, BatchStatus.RUNNING)
_CREDENTIALS_LOST = gettext_noop(
    "The sign-in kept for this source can no longer be read (the server's secret key "
    "changed): type the token, or the password, again on the source's page."
)
_STOPPED = gettext_noop(
    "The import stopped on an unexpected error; an administrator can see it in the log."
)


def import_source_save(
    *,
    by: User,
    source: ImportSource | None = None,
    kind: str,
    name: str,
    server_url: str,
    project_id: int,
    remote_project: int | None = None,
    token: str = "",
    email: str = "",
    password: str = "",
) -> ImportSource:
    """Add a source, or change one. The sign-in is sealed and never given back: left blank
    when changing a source, the one kept stays."""
    given = token if kind == ImportKind.KOBO else email and password
    if (source is None or source.kind != kind) and not given:
        raise ValidationError(_("Give the sign-in for this server."))
    if source is None:
        source = ImportSource(created_by=by)
    source.kind = kind
    source.name = name
    source.server_url = server_url.rstrip("/")
    source.project_id = project_id
    source.remote_project = remote_project if kind == ImportKind.CENTRAL else None
    if kind == ImportKind.CENTRAL and not remote_project:
        raise ValidationError(_("Give the number of the ODK Central project."))
    if given:
        secret = (
            {"token": token} if kind == ImportKind.KOBO else {"email": email, "password": password}
        )
        source.credentials = seal(json.dumps(secret))
    source.full_clean()
    source.save()
    return source


def import_batch_start(*, by: User, source: ImportSource, language: str = "en") -> ImportBatch:
    """Queue a run of the source: it brings what is new or changed since the last one."""
    from tonle.collect.tasks import import_run  # the task module imports this one

    with transaction.atomic():
        ImportSource.objects.select_for_update().filter(pk=source.pk).first()
        for lost in source.batches.filter(status=BatchStatus.RUNNING):
            if lost.silent:
                _finish(lost, BatchStatus.FAILED, BATCH_SILENT, {})
        if source.batches.filter(status__in=ON_THE_WAY).exists():
            raise ValidationError(_("An import of this source is already running."))
        batch = ImportBatch.objects.create(
            source=source, by=by, cursors_before=dict(source.cursors), language=language
        )
        transaction.on_commit(lambda: _enqueue(batch, import_run))
    return batch


def _enqueue(batch: ImportBatch, task: Any) -> None:
    batch.task_id = task.enqueue(batch.pk).id
    batch.save(update_fields=["task_id"])


def import_batch_run(*, batch_id: int) -> ImportBatch | None:
    """Run a queued batch to its end (done, or stopped with its reason); None when it is not
    waiting (already run, or taken by another worker)."""
    taken = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING, started_at=timezone.now(), beat_at=timezone.now()
    )
    if not taken:
        return None
    batch = ImportBatch.objects.select_related("source", "by").get(pk=batch_id)
    with override(batch.language):
        try:
            secret = json.loads(unseal(batch.source.credentials))
            if batch.source.kind == ImportKind.KOBO:
                _run_kobo(batch, secret)
            else:
                _run_central(batch, secret)
        except RemoteError as error:
            return _finish(batch, BatchStatus.FAILED, error.template, error.params)
        except Unreadable:
            return _finish(batch, BatchStatus.FAILED, _CREDENTIALS_LOST, {})
        except Exception:
            logger.exception("Import batch %s stopped", batch_id)
            _finish(batch, BatchStatus.FAILED, _STOPPED, {})
            raise
    return _finish(batch, BatchStatus.DONE, "", {})


def _finish(
    batch: ImportBatch, status: str, template: str, params: dict[str, object]
) -> ImportBatch:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status,
        finished_at=timezone.now(),
        error_template=template,
        error_params={key: str(value) for key, value in params.items()},
    )
    batch.refresh_from_db()
    return batch


def _client_options() -> dict[str, Any]:
    return {"attempts": settings.TONLE_IMPORT_ATTEMPTS, "backoff": settings.TONLE_IMPORT_BACKOFF}


def _run_kobo(batch: ImportBatch, secret: dict[str, str]) -> None:
    source = batch.source
    with KoboClient(
        base_url=source.server_url, token=secret["token"], **_client_options()
    ) as client:
        assets = [asset for asset in client.assets() if asset.deployed]
        _forms_total(batch, len(assets))
        for asset in assets:
            raw = client.asset(asset.uid)
            version = str(
                raw.get("deployed_version_id")
                or raw.get("version_id")
                or (raw.get("content") or {}).get("settings", {}).get("version")
                or ""
            )
            file_name = f"{asset.uid}.xlsx"
            form, problem = _form_for(
                batch,
                asset.uid,
                version,
                file_name=file_name,
                data=kobo_asset_xlsform(asset=raw, form_id=asset.uid, version=version),
                convert=partial(xlsform_convert, file_name=file_name),
            )
            root_tag = _root_tag(form)
            cursor = KoboCursor.from_json(source.cursors.get(asset.uid, ""))

            for record in client.records(asset_uid=asset.uid, since=cursor):
                _record_import(batch, form, problem, record, partial(_kobo_xml, root_tag=root_tag))
                cursor = cursor.after(record)
                _cursor_save(source, asset.uid, cursor.to_json())
            _form_done(batch)


def _kobo_xml(record: RemoteRecord, form: Form, *, root_tag: str) -> bytes:
    return kobo_instance_xml(
        record=json.loads(record.content), form_id=form.form_id, root_tag=root_tag
    )


def _run_central(batch: ImportBatch, secret: dict[str, str]) -> None:
    source = batch.source
    project = int(source.remote_project or 0)
    with CentralClient(
        base_url=source.server_url, email=secret["email"], password=secret["password"],
        **_client_options(),
    ) as client:  # fmt: skip
        remote_forms = client.forms(project_id=project)
        datasets = client.datasets(project_id=project)
        _forms_total(batch, len(remote_forms) + len(datasets))
        for remote in remote_forms:
            form, problem = _form_for(
                batch,
                remote.xml_form_id,
                remote.version,
                file_name=f"{remote.xml_form_id}.xml",
                data=client.form_xml(project_id=project, xml_form_id=remote.xml_form_id),
                convert=lambda data: xform_read(xml=data.decode("utf-8", "replace")),
            )
            key = f"{project}/{remote.xml_form_id}"
            cursor = CentralCursor.from_json(source.cursors.get(key, ""))
            # Central lists in no time order: the cursor is kept once the form is read whole.
            for record in client.records(
                project_id=project, xml_form_id=remote.xml_form_id, since=cursor
            ):
                _record_import(batch, form, problem, record, lambda record, form: record.content)
                cursor = cursor.after(record)
            _cursor_save(source, key, cursor.to_json())
            _form_done(batch)
        for dataset in datasets:
            _entity_list_import(batch, client, project, dataset)


def _entity_list_import(
    batch: ImportBatch, client: CentralClient, project: int, dataset: str
) -> None:
    """An entity list's entities new or changed since the last run, each kept as served; and,
    when a kind of record can be made of them (a list of women), each is a submission of a
    form made of the list, mapped and applied as phones' submissions are."""
    source = batch.source
    properties = client.dataset_properties(project_id=project, dataset=dataset)
    form = _entity_form_for(batch, project, dataset, properties)
    key = f"{project}/datasets/{dataset}"
    cursor = CentralCursor.from_json(source.cursors.get(key, ""))
    for entity in client.entities(project_id=project, dataset=dataset, since=cursor):
        record = entity_record(entity, replaces=_entity_replaces(entity))
        if form is None:
            _entity_keep(batch, record, dataset)
        else:
            _record_import(batch, form, "", record, partial(entity_xml, entity=entity),
                           entity_list=dataset)  # fmt: skip
        cursor = cursor.after(entity)
    _cursor_save(source, key, cursor.to_json())
    _form_done(batch)


def _entity_form_for(
    batch: ImportBatch, project: int, dataset: str, properties: list[str]
) -> Form | None:
    """The form an entity list's entities are submissions of, when some kind of record would
    be suggested for its properties on the mapping page (as for a phone's form); else None."""
    converted = xform_read(xml=entity_list_xform(project=project, dataset=dataset,
                                                 properties=properties))  # fmt: skip
    # Its own properties must suggest two fields of a kind: the label alone (a name) would
    # make a woman of any list's entity.
    fields = [f for f in form_fields(converted.xml) if f.name != LABEL]
    if not any(len(suggested_fields(applier=a, fields=fields)) >= 2 for a in appliers()):
        return None
    form, problem = _form_for(
        batch, converted.form_id, converted.version, file_name=f"{dataset}.xml",
        data=converted.xml.encode(), convert=lambda data: converted,
    )  # fmt: skip
    if form is None:
        logger.warning("Entity list %s kept without a form: %s", dataset, problem)
    return form


def _entity_replaces(entity: RemoteEntity) -> str:
    """The version of the entity this one replaces: the newest Tonle holds ("" when none);
    for a version held already, the one it replaced then, so that it arrives the same."""
    instance_id = entity_instance_id(entity.uuid, entity.version)
    held = Submission.objects.filter(instance_id=instance_id).first()
    if held is not None:
        return held.deprecated_id
    newest = submission_chain_newest(root_id=entity_instance_id(entity.uuid, 1))
    return newest.instance_id if newest is not None else ""


def _entity_keep(batch: ImportBatch, record: RemoteRecord, dataset: str) -> ImportedRecord:
    """An entity kept as it arrived, shown on the batch page: new, a new version of one an
    earlier batch brought, or unchanged."""
    imported = _imported_keep(batch, record, entity_list=dataset)
    earlier = (
        ImportedRecord.objects.filter(
            batch__source=batch.source, entity_list=dataset, remote_id=imported.remote_id
        )
        .exclude(batch__status=BatchStatus.UNDONE)
        .exclude(pk=imported.pk)
    )
    result = RecordResult.NEW
    if earlier.filter(instance_id=imported.instance_id).exists():
        result = RecordResult.UNCHANGED
    elif earlier.exists():
        result = RecordResult.NEW_VERSION
    return _record_result(batch, imported, result, "")


def _forms_total(batch: ImportBatch, total: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(forms_total=total)


def _form_done(batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        forms_done=F("forms_done") + 1, beat_at=timezone.now()
    )


def _cursor_save(source: ImportSource, key: str, cursor: str) -> None:
    source.cursors[key] = cursor
    source.save(update_fields=["cursors"])


def _form_for(
    batch: ImportBatch,
    form_id: str,
    version: str,
    *,
    file_name: str,
    data: bytes,
    convert: Callable[..., ConvertedForm],
) -> tuple[Form | None, str]:
    """The Tonle form of a remote form's version, added (off the phones) the first time it is
    met; or None and the reason it cannot be, which each of its records then carries."""
    project_id = batch.source.project_id
    existing = Form.objects.filter(form_id=form_id, version=version).first()
    if existing is not None and existing.project_id == project_id:
        return existing, ""
    try:
        form = form_keep(
            by=batch.by, project_id=project_id, converted=convert(data=data),
            file_name=file_name, data=data, active=False,
        )  # fmt: skip
    except XLSFormError as refused:
        reason = _("The form “%(form_id)s” could not be made: %(problems)s") % {
            "form_id": form_id,
            "problems": "; ".join(problem.message for problem in refused.problems),
        }
        return None, reason
    batch.forms_created = [*batch.forms_created, form.pk]
    ImportBatch.objects.filter(pk=batch.pk).update(forms_created=batch.forms_created)
    return form, ""


def _root_tag(form: Form | None) -> str:
    """The name of the form's instance root, which the record's instance must carry."""
    if form is None:
        return "data"
    instance = etree.fromstring(form.xml.encode()).find(f".//{{{XFORMS}}}instance")
    return etree.QName(instance[0]).localname if instance is not None and len(instance) else "data"


def _imported_keep(
    batch: ImportBatch, record: RemoteRecord, *, entity_list: str = ""
) -> ImportedRecord:
    return ImportedRecord.objects.create(
        batch=batch,
        form_id=record.form_id[:100],
        entity_list=entity_list[:100],
        remote_id=record.remote_id[:100],
        instance_id=record.instance_id[:100],
        root_uuid=record.root_uuid[:100],
        deprecated_id=record.deprecated_id[:100],
        submitted_at=record.submitted_at,
        submitted_text=record.submitted_at.isoformat()[:40],
        modified_at=record.modified_at,
        content=record.content,
        content_type=record.content_type[:100],
        attachments=[
            {"name": a.name, "type": a.mime_type, "url": a.url} for a in record.attachments
        ],
    )


def _record_import(
    batch: ImportBatch,
    form: Form | None,
    problem: str,
    record: RemoteRecord,
    xml_of: Callable[[RemoteRecord, Form], bytes],
    *,
    entity_list: str = "",
) -> ImportedRecord:
    """Keep the record as it arrived, then make it a submission through the storing path
    phones use: new, a new version of an earlier one, unchanged (stored once), or failed
    with its reason."""
    imported = _imported_keep(batch, record, entity_list=entity_list)
    try:
        if form is None:
            raise InstanceError(problem)
        xml = xml_of(record, form)
        instance = instance_read(xml)
        kept: set[str] = set(
            Attachment.objects.filter(submission__instance_id=instance.instance_id).values_list(
                "name", flat=True
            )
        )
        parts = [
            Part(name=a.name, content_type=a.mime_type, data=a.fetch())
            for a in record.attachments
            if a.name not in kept
        ]
        submission, new = submission_receive(
            by=batch.by, form=form, xml=xml, instance=instance, parts=parts, complete=True
        )
    except InstanceError as bad:
        return _record_result(batch, imported, RecordResult.FAILED, str(bad))
    except SubmissionConflict:
        return _record_result(batch, imported, RecordResult.FAILED, _(
            "A different submission with the same instance ID (%(id)s) was already received."
        ) % {"id": record.instance_id})  # fmt: skip
    except RemoteError as error:
        _record_result(batch, imported, RecordResult.FAILED, error.message)
        raise
    result = RecordResult.UNCHANGED
    if new:
        result = RecordResult.NEW_VERSION if instance.deprecated_id else RecordResult.NEW
    return _record_result(batch, imported, result, "", submission)


_COUNTER = {
    RecordResult.NEW: "new",
    RecordResult.NEW_VERSION: "new_versions",
    RecordResult.UNCHANGED: "unchanged",
    RecordResult.FAILED: "failed",
}


def _record_result(
    batch: ImportBatch,
    imported: ImportedRecord,
    result: str,
    reason: str,
    submission: Submission | None = None,
) -> ImportedRecord:
    imported.result = result
    imported.reason = reason
    imported.submission = submission
    imported.save(update_fields=["result", "reason", "submission"])
    counter = _COUNTER[RecordResult(result)]
    ImportBatch.objects.filter(pk=batch.pk).update(
        **{counter: F(counter) + 1}, beat_at=timezone.now()
    )
    return imported


def import_batch_undo(*, by: User, batch: ImportBatch) -> ImportBatch:
    """Take back what a batch brought: the submissions it added (an edited chain ends again
    with the version it had before) and the forms it added, and the source reads from where
    it stood before the batch. What arrived stays kept in the batch's records.

    What its submissions applied to the records is undone with them. Refused while a later
    batch of the source stands, or when a submission it added has been edited since.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("source").get(pk=batch.pk)
        if batch.status not in (BatchStatus.DONE, BatchStatus.FAILED):
            raise ValidationError(_("Only a finished import can be undone."))
        if batch.source.batches.filter(pk__gt=batch.pk).exclude(status=BatchStatus.UNDONE).exists():
            raise ValidationError(_("Undo the later imports of this source first."))
        added = Submission.objects.filter(
            pk__in=batch.imported.filter(
                result__in=[RecordResult.NEW, RecordResult.NEW_VERSION]
            ).values("submission")
        )
        ids = list(added.values_list("pk", flat=True))
        if Submission.objects.filter(previous_id__in=ids).exclude(pk__in=ids).exists():
            raise ValidationError(_(
                "Submissions that arrived after this import edit some of its submissions: it "
                "cannot be undone."
            ))  # fmt: skip
        files = list(
            Attachment.objects.filter(submission_id__in=ids).values_list("file", flat=True)
        )
        forms = Form.objects.filter(pk__in=batch.forms_created).exclude(
            submissions__in=Submission.objects.exclude(pk__in=ids)
        )
        files += list(forms.values_list("xlsform", flat=True))
        # What its submissions applied to the records is taken back first, through the
        # appliers that made it; a chain an earlier import or a phone began is applied again,
        # ending with the version it had before this import, and its earlier version takes up
        # the women the chain registered (she keeps her id, and what was recorded for her).
        roots = list(added.values_list("root_id", flat=True).distinct())
        for submission in added.filter(status=RowStatus.APPLIED).order_by("root_id", "-pk"):
            heir = (
                Submission.objects.filter(root_id=submission.root_id)
                .exclude(pk__in=ids)
                .only("pk")
                .first()
            )
            submission_unapply(by=by, submission=submission, heir=heir)
        Submission.objects.filter(pk__in=ids).update(previous=None)
        Attachment.objects.filter(submission_id__in=ids).delete()
        Submission.objects.filter(pk__in=ids).delete()
        Form.objects.filter(pk__in=list(forms.values_list("pk", flat=True))).delete()
        ImportSource.objects.filter(pk=batch.source_id).update(cursors=batch.cursors_before)
        batch.status = BatchStatus.UNDONE
        batch.undone_at = timezone.now()
        batch.undone_by = by
        batch.save(update_fields=["status", "undone_at", "undone_by"])
        transaction.on_commit(lambda: _files_delete(files))
        left = Submission.objects.filter(root_id__in=roots).values_list("root_id", flat=True)
        submissions_apply_again(root_ids=list(left.distinct()))
    return batch


def _files_delete(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
