"""Attendance from a sign-in sheet: each row stored as it arrived, then applied on its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tonle.accounts.models import User
from tonle.collect.models import IncomingRow, RowStatus, Upload
from tonle.collect.services import row_correct, row_mark_applied, row_mark_failed, upload_store
from tonle.collect.sheets import SheetError, sheet_read
from tonle.geo.models import Village
from tonle.lib.templatetags.tonle import format_count
from tonle.lib.text import from_khmer_digits, khmer_key, latin_key
from tonle.people.models import Participant, Sex
from tonle.people.selectors import participants_visible_to
from tonle.people.services import (
    participant_build,
    participant_register,
    participants_register_many,
)
from tonle.programs.models import Activity, AttendanceSource
from tonle.programs.services import attendance_record, attendances_record_many

UPLOAD_KIND = "attendance_sheet"

# Canonical column -> (label shown to people, headers accepted for it, lower-cased).
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "participant_id": (
        gettext_lazy("participant id"),
        ("participant_id", "participant id", "id", "លេខសម្គាល់"),
    ),
    "name_km": (
        gettext_lazy("name in Khmer"),
        ("name_km", "khmer name", "name (khmer)", "ឈ្មោះ", "ឈ្មោះខ្មែរ"),
    ),
    "name_latin": (
        gettext_lazy("name in Latin letters"),
        ("name_latin", "name", "latin name", "name (latin)", "ឈ្មោះឡាតាំង"),
    ),
    "sex": (gettext_lazy("sex"), ("sex", "gender", "ភេទ")),
    "birth_year": (
        gettext_lazy("year of birth"),
        ("birth_year", "year of birth", "born", "ឆ្នាំកំណើត"),
    ),
    "age": (gettext_lazy("age"), ("age", "អាយុ")),
    "village": (gettext_lazy("village"), ("village", "village code", "village_code", "ភូមិ")),
    "phone": (gettext_lazy("phone"), ("phone", "telephone", "ទូរស័ព្ទ", "លេខទូរស័ព្ទ")),
    "has_national_id": (
        gettext_lazy("national ID card"),
        ("has_national_id", "national id", "id card", "អត្តសញ្ញាណប័ណ្ណ"),
    ),
    "has_disability": (gettext_lazy("disability"), ("has_disability", "disability", "ពិការភាព")),
    "consent": (gettext_lazy("consent"), ("consent", "consent_given", "ការយល់ព្រម")),
}
_YES = {"yes", "y", "1", "true", "x", "✓", "បាទ", "ចាស", "មាន", "បាទ/ចាស"}
_NO = {"no", "n", "0", "false", "", "ទេ", "គ្មាន", "អត់"}
_SEX = {
    "f": Sex.FEMALE, "female": Sex.FEMALE, "woman": Sex.FEMALE, "girl": Sex.FEMALE, "ស្រី": Sex.FEMALE,
    "m": Sex.MALE, "male": Sex.MALE, "man": Sex.MALE, "boy": Sex.MALE, "ប្រុស": Sex.MALE,
    "x": Sex.OTHER, "other": Sex.OTHER,
}  # fmt: skip


@dataclass(frozen=True)
class ApplyCounts:
    applied: int
    failed: int


def column_label(column: str) -> str:
    return str(COLUMNS[column][0]) if column in COLUMNS else column


def _canonical_headers(headers: list[str]) -> dict[str, str]:
    """Map each header the sheet has to the column it means."""
    found = {}
    for header in headers:
        wanted = header.strip().lower()
        for column, (_label, aliases) in COLUMNS.items():
            if wanted in aliases and column not in found.values():
                found[header] = column
                break
    return found


def activity_sheet_uploads(*, activity: Activity) -> QuerySet[Upload]:
    """The sheets uploaded for an activity, latest first (the id keeps paging stable)."""
    return Upload.objects.filter(kind=UPLOAD_KIND, target__activity=activity.pk).order_by(
        "-uploaded_at", "-id"
    )


def attendance_sheet_upload(*, by: User, activity: Activity, file_name: str, data: bytes) -> Upload:
    """Read, check the columns, keep every row, then apply them. Raises SheetError for a bad file."""
    sheet = sheet_read(file_name=file_name, data=data)
    columns = set(_canonical_headers(sheet.headers).values())
    if not columns & {"participant_id", "name_km", "name_latin"}:
        raise SheetError(
            _(
                "The sheet has no name column. Its first row must name the columns, e.g.: %(columns)s."
            )
            % {"columns": "name_km, name_latin, sex, birth_year, village, phone, consent"}
        )
    upload = upload_store(
        by=by,
        kind=UPLOAD_KIND,
        target={"activity": activity.pk},
        file_name=file_name,
        data=data,
        sheet=sheet,
    )
    attendance_sheet_apply(by=by, upload=upload)
    return upload


def attendance_sheet_apply(*, by: User, upload: Upload) -> ApplyCounts:
    """Apply every row not yet applied (the waiting and the failed); each lands or fails on its own.

    One transaction that begins by locking the upload, everything read after the lock: two
    officers applying rows of one sheet at once take turns, and the second finds the women the
    first registered. A server killed half-way leaves every row as it was, waiting; applying
    again skips the rows already applied, so none is applied twice."""
    with transaction.atomic():
        return _apply_locked(by=by, upload=_upload_lock(upload))


def attendance_sheet_row_correct(
    *, by: User, upload: Upload, row_id: int, corrections: dict[str, str]
) -> ApplyCounts:
    """Keep an officer's corrections of a row, then apply the sheet's rows not yet applied.

    A row another officer's apply landed meanwhile is left as it is (and counted applied)."""
    with transaction.atomic():
        upload = _upload_lock(upload)
        row = upload.rows.get(pk=row_id)
        if row.status != RowStatus.APPLIED:
            row_correct(row=row, corrections=corrections)
        return _apply_locked(by=by, upload=upload)


def _upload_lock(upload: Upload) -> Upload:
    return Upload.objects.select_for_update().get(pk=upload.pk)


def _apply_locked(*, by: User, upload: Upload) -> ApplyCounts:
    activity = Activity.objects.select_related("project").get(pk=upload.target["activity"])
    rows = list(upload.rows.exclude(status=RowStatus.APPLIED).order_by("number"))
    headers = _canonical_headers(upload.headers)
    context = _RowContext(by=by, activity=activity, headers=headers, rows=rows)
    plans = [_plan(row=row, context=context) for row in rows]
    try:
        with transaction.atomic():
            _write(plans, context)
    except IntegrityError:
        # Someone changed the same records meanwhile (a tick on a phone, say): apply the
        # rows one by one instead, each in its own savepoint, against a fresh reading.
        context = _RowContext(by=by, activity=activity, headers=headers, rows=rows)
        applied = failed = 0
        for row in rows:
            if _apply_row(row=row, context=context):
                applied += 1
            else:
                failed += 1
        return ApplyCounts(applied=applied, failed=failed)
    applied = sum(1 for plan in plans if not plan.errors)
    return ApplyCounts(applied=applied, failed=len(plans) - applied)


@dataclass
class _Plan:
    """What a row will do: attend as a known woman, register a new one, or fail with reasons."""

    row: IncomingRow
    errors: dict[str, str]
    participant: Participant | None = None


def _plan(*, row: IncomingRow, context: _RowContext) -> _Plan:
    """Check a row and find or build its woman, writing nothing."""
    errors: dict[str, str] = {}
    context.row_number = row.number
    participant = _find_participant(context.cells(row), context, errors, save=False)
    return _Plan(row=row, errors=errors, participant=None if errors else participant)


def _write(plans: list[_Plan], context: _RowContext) -> None:
    """Save the new women, their attendances and every row's fate, in a few statements."""
    good = [plan for plan in plans if not plan.errors]
    new = list(
        {id(p.participant): p.participant for p in good if p.participant.pk is None}.values()
    )
    participants_register_many(by=context.by, participants=new)
    attendances_record_many(
        by=context.by, activity=context.activity, participants=[p.participant for p in good],
        source=AttendanceSource.SHEET,
    )  # fmt: skip
    now = timezone.now()
    for plan in plans:
        if plan.errors:
            plan.row.status, plan.row.errors = RowStatus.FAILED, plan.errors
        else:
            plan.row.status, plan.row.errors = RowStatus.APPLIED, {}
            plan.row.result, plan.row.applied_at = f"participant:{plan.participant.pk}", now
    IncomingRow.objects.bulk_update(
        [plan.row for plan in plans], ["status", "errors", "result", "applied_at"], batch_size=500
    )


def village_lookup(villages: Iterable[Village]) -> dict[str, Village]:
    """The project's villages by what a sheet may write for one: its code, or its name in either script."""
    lookup = {}
    for village in villages:
        for name in (village.code, village.name_en.lower(), khmer_key(village.name_km)):
            lookup[name] = village
    return lookup


def village_find(lookup: dict[str, Village], text: str) -> Village | None:
    text = from_khmer_digits(text.strip())
    return lookup.get(text) or lookup.get(text.lower()) or lookup.get(khmer_key(text))


class _RowContext:
    """What every row of a sheet is checked against, read from the database once."""

    def __init__(
        self, *, by: User, activity: Activity, headers: dict[str, str], rows: list[IncomingRow]
    ) -> None:
        self.by = by
        self.activity = activity
        self.headers = headers
        self._visible = self._visible_named(rows)
        self.communities = list(activity.project.communities.order_by("name_en"))
        self.villages = village_lookup(self.communities)
        self.row_number = 0  # the row being checked, for its messages
        self._people: dict[int, list[Participant]] | None = None
        self._newcomers: dict[tuple, Participant] = {}

    def cells(self, row: IncomingRow) -> dict[str, str]:
        return _cells(self.headers, row)

    def _visible_named(self, rows: list[IncomingRow]) -> dict[int, Participant]:
        """The women the rows name by id that this officer may see, in one query."""
        wanted = {from_khmer_digits(self.cells(row).get("participant_id", "")) for row in rows}
        ids = [int(ident) for ident in wanted if ident.isdigit()]
        if not ids:
            return {}
        return {p.pk: p for p in participants_visible_to(user=self.by).filter(pk__in=ids)}

    def visible_one(self, participant_id: int) -> Participant | None:
        return self._visible.get(participant_id)

    def same_person(self, fields: dict) -> list[Participant]:
        """Who already has this name (in each script given) in this village, born that year."""
        if self._people is None:
            self._people = {}
            people = Participant.objects.filter(
                village__in=self.activity.project.communities.all(), merged_into__isnull=True
            )
            for person in people.only(
                "id", "village_id", "name_km_key", "name_latin_key", "birth_year"
            ):
                self._people.setdefault(person.village_id, []).append(person)
        km, latin = khmer_key(fields["name_km"]), latin_key(fields["name_latin"])
        candidates = {  # a woman an earlier row registered is in both lists once saved
            person.pk or id(person): person
            for person in [*self._people.get(fields["village"].pk, []), *self._newcomers.values()]
        }
        return [
            person
            for person in candidates.values()
            if person.village_id == fields["village"].pk
            and (not km or person.name_km_key == km)
            and (not latin or person.name_latin_key == latin)
            and (not fields["birth_year"] or person.birth_year == fields["birth_year"])
        ][:2]

    def newcomer(self, fields: dict) -> Participant:
        """A new woman, checked but not saved; a second row for her finds this one."""
        person = participant_build(by=self.by, **fields)
        self.remember(person)
        return person

    def remember(self, person: Participant) -> None:
        """A woman an earlier row of this sheet brought in, found again by her keys."""
        self._newcomers[
            (person.village_id, person.name_km_key, person.name_latin_key, person.birth_year)
        ] = person


def _cells(headers: dict[str, str], row: IncomingRow) -> dict[str, str]:
    # The original is stored under the sheet's own headers; corrections under column names.
    cells = {column: row.data.get(header, "") for header, column in headers.items()}
    cells.update({k: v for k, v in row.corrections.items() if k in COLUMNS})
    return {k: (v or "").strip() for k, v in cells.items()}


def cells_of(upload: Upload, row: IncomingRow) -> dict[str, str]:
    """The row as it will be applied, by column name."""
    return _cells(_canonical_headers(upload.headers), row)


def _yes_no(value: str) -> bool | None:
    value = value.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def _parse_new_person(cells: dict[str, str], context: _RowContext, errors: dict[str, str]) -> dict:
    fields: dict = {"name_km": cells.get("name_km", ""), "name_latin": cells.get("name_latin", "")}
    if not (fields["name_km"] or fields["name_latin"]):
        errors["name_latin"] = _("A name is needed, in Khmer or in Latin letters.")
    village_text = from_khmer_digits(cells.get("village", ""))
    village = village_find(context.villages, village_text)
    if village is None:
        # Named by row and field, with the villages it may be, so the officer can choose one.
        where = {
            "row": format_count(context.row_number),
            "field": column_label("village"),
            "villages": ", ".join(v.name for v in context.communities),
        }
        if not village_text:
            errors["village"] = (
                _(
                    "Row %(row)s, %(field)s: the village is missing. This project's villages: %(villages)s."
                )
                % where
            )
        else:
            errors["village"] = _(
                "Row %(row)s, %(field)s: “%(value)s” is not one of this project's villages, "
                "which are: %(villages)s."
            ) % {**where, "value": village_text}
    fields["village"] = village
    sex_text = cells.get("sex", "").lower()
    if sex_text and sex_text not in _SEX:
        errors["sex"] = _("“%(value)s” is not a sex; write F or M.") % {"value": cells["sex"]}
    fields["sex"] = _SEX.get(sex_text, Sex.FEMALE)
    fields["birth_year"] = None
    year_text = from_khmer_digits(cells.get("birth_year", ""))
    age_text = from_khmer_digits(cells.get("age", ""))
    this_year = dt.date.today().year
    if year_text:
        if year_text.isdigit() and 1900 <= int(year_text) <= this_year:
            fields["birth_year"] = int(year_text)
        else:
            errors["birth_year"] = _("“%(value)s” is not a year of birth.") % {"value": year_text}
    elif age_text:
        if age_text.isdigit() and 0 < int(age_text) < 120:
            fields["birth_year"] = context.activity.date.year - int(age_text)
        else:
            errors["age"] = _("“%(value)s” is not an age in years.") % {"value": age_text}
    fields["phone"] = cells.get("phone", "")
    for column, field in (("has_national_id", "has_national_id"), ("has_disability", "has_disability"),
                          ("consent", "consent_given")):  # fmt: skip
        answer = _yes_no(cells.get(column, ""))
        if answer is None:
            errors[column] = _("“%(value)s” is not yes or no.") % {"value": cells[column]}
        fields[field] = bool(answer)
    if fields["consent_given"]:
        fields["consent_date"] = context.activity.date
    return fields


def _find_participant(
    cells: dict[str, str], context: _RowContext, errors: dict[str, str], *, save: bool = True
) -> Participant | None:
    """Her, by id or by name, village and year of birth; or a new woman (saved unless `save` is off)."""
    if cells.get("participant_id"):
        ident = from_khmer_digits(cells["participant_id"])
        found = context.visible_one(int(ident)) if ident.isdigit() else None
        if found is None:
            errors["participant_id"] = _("No participant you can see has the id “%(value)s”.") % {
                "value": cells["participant_id"]
            }
        return found
    fields = _parse_new_person(cells, context, errors)
    if errors:
        return None
    matches = context.same_person(fields)
    if len(matches) > 1:
        errors["participant_id"] = _(
            "Several people of this village have this name; write the participant id of the right one."
        )
        return None
    if matches:
        return matches[0]
    try:
        if save:
            return participant_register(by=context.by, **fields)
        return context.newcomer(fields)
    except ValidationError as invalid:
        for field, messages in invalid.message_dict.items():
            errors[field if field in COLUMNS else "name_latin"] = " ".join(messages)
        return None


def _apply_row(*, row: IncomingRow, context: _RowContext) -> bool:
    errors: dict[str, str] = {}
    context.row_number = row.number
    with transaction.atomic():
        participant = _find_participant(context.cells(row), context, errors)
        if participant is not None and not errors:
            attendance_record(
                by=context.by,
                activity=context.activity,
                participant=participant,
                source=AttendanceSource.SHEET,
            )
            row_mark_applied(row=row, result=f"participant:{participant.pk}")
        else:
            transaction.set_rollback(True)
    if participant is not None and not errors:
        # Only once her row is saved: a later row of the sheet for her finds her, not a new one.
        context.remember(participant)
        return True
    row_mark_failed(row=row, errors=errors)
    return False
