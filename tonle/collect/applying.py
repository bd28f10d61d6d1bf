"""A submission's answers as the appliers read them, through the form's mapping; and the fields
of a form, with the suggestions a mapping page starts from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from lxml import etree

from tonle.accounts.models import User
from tonle.collect.instances import select_multiple_values
from tonle.collect.registry import Applier

XFORMS = "{http://www.w3.org/2002/xforms}"
_YES = {"1", "yes", "true", "y", "ok", "agree", "agreed"}
_NO = {"", "0", "no", "false", "n"}


class ApplyError(Exception):
    """The submission cannot be applied: a message per field, named by its XML path."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _steps(xpath: str) -> list[str]:
    return [step for step in xpath.split("/") if step]


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child.tag) == name]


def _find(element: etree._Element, steps: list[str]) -> etree._Element | None:
    for step in steps:
        found = _children(element, step)
        if not found:
            return None
        element = found[0]
    return element


class Answers:
    """The answers of one submission (or of one repeat of it) for one kind of record.

    A value is read from the form field its target field is mapped to, corrected if a
    correction was made for that field's path, else from the mapping's constant. Problems are
    gathered per path, so one pass tells the officer every field to correct.
    """

    def __init__(
        self,
        *,
        submission: Any,
        user: User,
        element: etree._Element,
        path: str,
        fields: dict[str, str],
        constants: dict[str, str],
        corrections: dict[str, str],
        shared: dict[str, Any],
        errors: dict[str, str],
        claimed: list[Any] | None = None,
    ) -> None:
        self.submission = submission
        self.user = user
        self.project_id: int = submission.form.project_id
        self._element = element
        self._path = path  # this element's xpath as written in the mapping, e.g. /data/women
        self._fields = fields
        self._constants = constants
        self._corrections = corrections
        # What an earlier kind made for the later ones, e.g. {"participant": <woman>}.
        self.shared = shared
        self.errors = errors
        # Records the submission records that were there already (see claim), in order.
        self.claimed: list[Any] = [] if claimed is None else claimed
        self._where = path  # the path errors are named by: /data/women[2]

    def _mapped(self, field: str) -> str:
        return self._fields.get(field, "")

    def where(self, field: str) -> str:
        """The path of the field in this submission (with the repeat's number), for errors."""
        xpath = self._mapped(field)
        if not xpath:
            return field
        steps, own = _steps(xpath), _steps(self._path)
        if steps[: len(own)] == own:
            return "/".join([self._where, *steps[len(own) :]])
        return xpath

    def mapped(self, field: str) -> bool:
        return bool(self._mapped(field) or self._constants.get(field, "") != "")

    def text(self, field: str) -> str:
        xpath = self._mapped(field)
        if not xpath:
            return str(self._constants.get(field, "")).strip()
        where = self.where(field)
        if where in self._corrections:
            return str(self._corrections[where]).strip()
        steps, own = _steps(xpath), _steps(self._path)
        if steps[: len(own)] == own:
            element = _find(self._element, steps[len(own) :])
        else:  # a field outside this repeat: read from the top of the submission
            element = _find(self._element.getroottree().getroot(), steps[1:])
        if element is None:
            return ""
        return (element.text or "").strip()

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(self.where(field), message)

    def required(self, field: str) -> str:
        value = self.text(field)
        if not value:
            self.fail(field, _("This answer is needed and is empty."))
        return value

    def date(self, field: str, *, required: bool = True) -> dt.date | None:
        value = self.required(field) if required else self.text(field)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            self.fail(field, _("“%(value)s” is not a date (year-month-day).") % {"value": value})
            return None

    def integer(self, field: str, *, required: bool = False) -> int | None:
        value = self.required(field) if required else self.text(field)
        if not value:
            return None
        try:
            return int(value.split(".")[0]) if value.replace(".", "", 1).isdigit() else int(value)
        except ValueError:
            self.fail(field, _("“%(value)s” is not a whole number.") % {"value": value})
            return None

    def boolean(self, field: str) -> bool:
        """Yes only when the answer says yes: a box left empty is no."""
        value = self.text(field).lower()
        if value in _YES:
            return True
        if value not in _NO:
            self.fail(field, _("“%(value)s” is neither yes nor no.") % {"value": value})
        return False

    def choices(self, field: str) -> list[str]:
        return select_multiple_values(self.text(field))

    def pick(self, field: str, among: QuerySet, *, required: bool = True) -> Any:
        """The record whose id the answer holds, among those the user may use; else a problem
        named by the field (and no word of whether it exists outside her reach)."""
        return pick_each([self], field, among, required=required)[0]

    def claim(self, record: Any) -> Any:
        """A record the submission records that was there already (her attendance ticked by
        another phone, the activity or woman chosen by id): while this chain is applied, undoing
        the chain that made it leaves it, and this chain may undo it only if it made it. Returns
        the record."""
        if record is not None:
            self.claimed.append(record)
        return record

    def take_up(self, app_label: str, model: str) -> Any:
        """The next record of that model an earlier application of this chain made, to be
        changed and kept instead of made again (None when there is none left)."""
        earlier = self.shared.get("earlier", {}).get((app_label, model), [])
        return earlier.pop(0)[1] if earlier else None

    def woman(self) -> Any:
        """The woman the form is about, as the woman kind of the mapping found or registered."""
        woman = self.shared.get("participant")
        if woman is None and "participant" not in self.shared:
            self.errors.setdefault("/", _("Map the woman this form is about (a woman, chosen "
                                          "from the list or new) as well."))  # fmt: skip
        return woman

    def repeats(self, field: str) -> list[Answers]:
        """The answers inside each repeat of the group the field is mapped to."""
        xpath = self._mapped(field)
        steps, own = _steps(xpath), _steps(self._path)
        if not xpath or steps[: len(own)] != own or len(steps) <= len(own):
            return []
        parent = _find(self._element, steps[len(own) : -1])
        if parent is None:
            return []
        found = []
        for number, element in enumerate(_children(parent, steps[-1]), start=1):
            inner = Answers(
                submission=self.submission,
                user=self.user,
                element=element,
                path=xpath,
                fields=self._fields,
                constants=self._constants,
                corrections=self._corrections,
                shared=self.shared,
                errors=self.errors,
                claimed=self.claimed,
            )
            inner._where = f"{self._where.rstrip('/')}/{'/'.join(steps[len(own) :])}[{number}]"
            found.append(inner)
        return found

    def refused(self, invalid: ValidationError, fields: dict[str, str]) -> None:
        """A service's refusal, each message under the form field its record field came from
        (`fields`: record field -> target field); the others under the kind's first field."""
        messages = (
            invalid.message_dict if hasattr(invalid, "error_dict") else {"": invalid.messages}
        )
        for name, texts in messages.items():
            target = fields.get(name) or fields.get("", "")
            self.errors.setdefault(self.where(target) if target else name or "/", " ".join(texts))


def pick_each(
    answers: list[Answers], field: str, among: QuerySet, *, required: bool = True
) -> list[Any]:
    """Answers.pick for each of many answers (the repeats of a group) in one query."""
    values = [one.required(field) if required else one.text(field) for one in answers]
    wanted = {int(value) for value in values if value.isdigit()}
    found = {record.pk: record for record in among.filter(pk__in=wanted)} if wanted else {}
    picked = []
    for one, value in zip(answers, values, strict=True):
        record = found.get(int(value)) if value.isdigit() else None
        if value and record is None:
            one.fail(
                field, _("No record with the id “%(value)s” that you may use.") % {"value": value}
            )
        picked.append(record)
    return picked


@dataclass(frozen=True)
class FormField:
    """A question of the form: its path in a submission, its type, and whether it is a repeat."""

    xpath: str
    name: str
    type: str
    repeat: bool = False


def form_fields(xml: str) -> list[FormField]:
    """The form's questions and repeat groups, in the form's order (meta fields left out)."""
    root = etree.fromstring(xml.encode())
    repeats = {element.get("nodeset", "") for element in root.iter(f"{XFORMS}repeat")}
    fields: list[FormField] = []
    seen: set[str] = set()
    for bind in root.iter(f"{XFORMS}bind"):
        xpath = bind.get("nodeset", "")
        if not xpath or "/meta/" in xpath or xpath in seen:
            continue
        seen.add(xpath)
        fields.append(FormField(xpath, xpath.rsplit("/", 1)[-1], bind.get("type", "string")))
    for xpath in sorted(repeats - seen):
        fields.append(FormField(xpath, xpath.rsplit("/", 1)[-1], "repeat", repeat=True))
    return fields


def suggested_fields(*, applier: Applier, fields: list[FormField]) -> dict[str, str]:
    """For each target field, the form field whose name matches one of its hints (in the
    order of the hints): a repeat group for a repeat, a question inside that repeat for a field
    read in each repeat, and a question outside every repeat for the others."""
    repeats = [f.xpath + "/" for f in fields if f.repeat]
    chosen: dict[str, str] = {}
    for target in applier.fields:
        if target.in_repeat:
            inside = chosen.get(next((t.name for t in applier.fields if t.repeat), ""), "")
            candidates = [f for f in fields if inside and f.xpath.startswith(inside + "/")]
        elif target.repeat:
            candidates = [f for f in fields if f.repeat]
        else:
            candidates = [
                f for f in fields
                if not f.repeat and not any(f.xpath.startswith(r) for r in repeats)
            ]  # fmt: skip
        for hint in target.hints:
            match = next((f for f in candidates if f.name.lower() == hint), None)
            if match is not None:
                chosen[target.name] = match.xpath
                break
    return chosen
