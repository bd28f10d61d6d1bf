"""Reads of forms and submissions, through the projects the user works on."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery

from tonle.accounts.guards import guarded_get
from tonle.accounts.models import Role, User
from tonle.collect.models import (
    Attachment,
    Form,
    ImportBatch,
    ImportedRecord,
    ImportSource,
    RowStatus,
    Submission,
    UnreadableSubmission,
)
from tonle.collect.registry import projects_of


def may_collect(user: User) -> bool:
    """Who fills forms on a phone: the staff and Smart Women; never a donor or a provider."""
    return user.is_authenticated and user.may_see_names


def project_ids_of(*, user: User) -> list[int]:
    return [project.id for project in projects_of(user=user)]


def forms_visible_to(*, user: User) -> QuerySet[Form]:
    """Every version of the forms of the user's projects (all of them for managers)."""
    if not may_collect(user):
        return Form.objects.none()
    if user.sees_every_project:
        return Form.objects.all()
    return Form.objects.filter(project_id__in=project_ids_of(user=user))


def form_get_for_user(*, user: User, form_id: int) -> Form:
    return guarded_get(visible=forms_visible_to(user=user), record_type="form", record_id=form_id)


def forms_for_phone(*, user: User, form_id: str = "") -> QuerySet[Form]:
    """The forms her phone may download: the active version of each form of her projects."""
    forms = forms_visible_to(user=user).filter(active=True)
    if form_id:
        forms = forms.filter(form_id=form_id)
    return forms.order_by("title", "form_id")


def submissions_visible_to(*, user: User) -> QuerySet[Submission]:
    """The submissions of her projects' forms; a Smart Woman's own only."""
    if not may_collect(user):
        return Submission.objects.none()
    submissions = Submission.objects.all()
    if user.role == Role.SMART_WOMAN and not user.sees_every_project:
        submissions = submissions.filter(submitted_by=user)
    return submissions.filter(form__in=forms_visible_to(user=user).values("id"))


def submission_list(
    *, user: User, form_id: int | None = None, status: str = ""
) -> QuerySet[Submission]:
    submissions = submissions_visible_to(user=user).select_related("form", "submitted_by")
    if form_id:
        submissions = submissions.filter(form_id=form_id)
    if status:
        submissions = submissions.filter(status=status)
    return submissions.defer("xml").order_by("-received_at", "-id")


def unreadable_submissions_visible_to(*, user: User) -> QuerySet[UnreadableSubmission]:
    """What phones sent that could not be read: all of it for managers (who find the phone's
    problem), her own for anyone else who collects. Unread, it may name anybody, so no wider."""
    if not may_collect(user):
        return UnreadableSubmission.objects.none()
    kept = UnreadableSubmission.objects.select_related("submitted_by")
    return kept if user.is_manager else kept.filter(submitted_by=user)


def submission_get_for_user(*, user: User, submission_id: int) -> Submission:
    return guarded_get(
        visible=submissions_visible_to(user=user).select_related("form", "submitted_by"),
        record_type="submission",
        record_id=submission_id,
    )


def attachment_get_for_user(*, user: User, attachment_id: int) -> Attachment:
    return guarded_get(
        visible=Attachment.objects.filter(
            submission__in=submissions_visible_to(user=user).values("id")
        ),
        record_type="attachment",
        record_id=attachment_id,
    )


def submission_chain_newest(*, root_id: str) -> Submission | None:
    """The version of a chain to apply: the last received of those no other version replaces.

    Edits can arrive in any order, and two phones can edit the same version; whichever way
    they came, this is the one the records should end with.
    """
    chain = Submission.objects.filter(root_id=root_id)
    replaced = chain.exclude(deprecated_id="").values("deprecated_id")
    return (
        chain.exclude(instance_id__in=replaced).defer("xml").order_by("-received_at", "-id").first()
    )


@dataclass(frozen=True)
class Progress:
    """How far a form's submissions are applied: counted by status, newest versions only."""

    total: int
    waiting: int
    applied: int
    failed: int

    @property
    def percent(self) -> int:
        return round(100 * (self.total - self.waiting) / self.total) if self.total else 100


def form_progress(*, form: Form) -> Progress:
    counts = dict(
        form.submissions.exclude(status=RowStatus.REPLACED)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return Progress(
        total=sum(counts.values()),
        waiting=counts.get(RowStatus.PENDING, 0),
        applied=counts.get(RowStatus.APPLIED, 0),
        failed=counts.get(RowStatus.FAILED, 0),
    )


def may_import(user: User) -> bool:
    """Imports bring whole projects in: M&E managers and administrators only."""
    return user.is_authenticated and user.is_manager


def import_sources_visible_to(*, user: User) -> QuerySet[ImportSource]:
    return ImportSource.objects.all() if may_import(user) else ImportSource.objects.none()


def import_source_list(*, user: User) -> QuerySet[ImportSource]:
    """Her sources, each with its latest batch's id and status, in one query."""
    latest = ImportBatch.objects.filter(source=OuterRef("pk")).order_by("-queued_at", "-id")
    return (
        import_sources_visible_to(user=user)
        .defer("credentials", "cursors")
        .annotate(
            last_batch_id=Subquery(latest.values("id")[:1]),
            last_batch_status=Subquery(latest.values("status")[:1]),
        )
        .order_by("name", "id")
    )


def import_source_get_for_user(*, user: User, source_id: int) -> ImportSource:
    return guarded_get(
        visible=import_sources_visible_to(user=user), record_type="import source",
        record_id=source_id,
    )  # fmt: skip


def import_batch_get_for_user(*, user: User, batch_id: int) -> ImportBatch:
    return guarded_get(
        visible=ImportBatch.objects.filter(
            source__in=import_sources_visible_to(user=user)
        ).select_related("source", "by"),
        record_type="import batch",
        record_id=batch_id,
    )


def imported_records_of(*, batch: ImportBatch) -> QuerySet[ImportedRecord]:
    """The batch's records in the order they arrived, without their content."""
    return batch.imported.defer("content").order_by("id")
