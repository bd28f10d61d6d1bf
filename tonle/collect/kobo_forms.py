"""KoboToolbox's JSON made into what Tonle reads: a record into an XForm instance (the one
format record apps apply), an asset's form into an XLSForm (the one format forms come in).

A record, as Kobo's API serves it, names each answer by its path ("group/field"); a repeat is
a list of objects whose keys are full paths too ("visit/women/name"). The instance written
from it is the one KoboCollect would have sent:

- `group/field` -> <group><field>..</field></group>, elements in the order the record lists
  them, a group opened where its first answer comes;
- a repeat -> one element per entry, its answers inside (repeats within repeats likewise);
- keys starting with "_" are Kobo's own bookkeeping (`_id`, `_uuid`, `_attachments`,
  `_submission_time`...) and are left out, except `__version__`, which Kobo's forms carry
  as a field;
- `meta/instanceID` (from `_uuid` when the record lacks it), `meta/deprecatedID` and
  `meta/rootUuid` as they are;
- the root element is the form's own instance root, with the form id as `id` and the
  record's `__version__` as `version`;
- a value: text as it is; a number as Python writes it; true/false; null -> empty element;
  a list of plain values (rare) -> joined by spaces, as a select_multiple is written.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _
from lxml import etree

from tonle.collect.instances import InstanceError


def kobo_instance_xml(*, record: dict[str, Any], form_id: str, root_tag: str) -> bytes:
    """The XForm instance of a Kobo record (see the module's docstring); InstanceError when
    an answer's name cannot be an XML element."""
    root = etree.Element(root_tag or "data", id=form_id)
    version = record.get("__version__")
    if version:
        root.set("version", str(version))
    answers = {key: value for key, value in record.items() if _is_answer(key)}
    if not answers.get("meta/instanceID") and record.get("_uuid"):
        answers["meta/instanceID"] = f"uuid:{record['_uuid']}"
    _fill(root, answers, prefix="")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _is_answer(key: str) -> bool:
    return not key.startswith("_") or key == "__version__"


def _fill(parent: etree._Element, answers: dict[str, Any], *, prefix: str) -> None:
    groups: dict[tuple[str, ...], etree._Element] = {(): parent}
    for key, value in answers.items():
        relative = key[len(prefix) :] if prefix and key.startswith(prefix) else key
        steps = tuple(step for step in relative.split("/") if step)
        if not steps:
            continue
        holder = _group(groups, steps[:-1])
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for entry in value:
                _fill(_element(holder, steps[-1], key), entry, prefix=f"{key}/")
            continue
        _element(holder, steps[-1], key).text = _text(value)


def _group(groups: dict[tuple[str, ...], etree._Element], steps: tuple[str, ...]) -> etree._Element:
    if steps not in groups:
        groups[steps] = _element(_group(groups, steps[:-1]), steps[-1], "/".join(steps))
    return groups[steps]


def _element(parent: etree._Element, name: str, key: str) -> etree._Element:
    try:
        return etree.SubElement(parent, name)
    except ValueError:
        raise InstanceError(
            _("The answer “%(name)s” has a name that cannot be an XML element.") % {"name": key}
        ) from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(_text(item) for item in value)
    return str(value)


# --- the asset's form ---------------------------------------------------------------------------

# Columns kpi keeps for itself, not XLSForm's.
_KPI_ONLY = {"select_from_list_name", "translated", "tags"}


def kobo_asset_xlsform(*, asset: dict[str, Any], form_id: str, version: str) -> bytes:
    """The asset's form (its "content": survey, choices, settings, translations) written as
    an XLSForm workbook, with `form_id` and `version` in its settings sheet.

    kpi writes labels as lists, one per translation ("label::English (en)"), a select's list
    in `select_from_list_name`, and a missing name in `$autoname`; these are turned back into
    XLSForm's own columns.
    """
    content = asset.get("content") or {}
    translations = content.get("translations") or [None]
    translated = set(content.get("translated") or ["label", "hint"])
    survey = [_row(row, translations, translated) for row in content.get("survey") or []]
    for row, raw in zip(survey, content.get("survey") or [], strict=True):
        if raw.get("select_from_list_name"):
            row["type"] = f"{row.get('type', '')} {raw['select_from_list_name']}"
    choices = [_row(row, translations, translated) for row in content.get("choices") or []]
    settings = {
        key: value
        for key, value in (content.get("settings") or {}).items()
        if isinstance(value, str)
    }
    settings.update(form_id=form_id, version=version, form_title=str(asset.get("name") or form_id))
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        for sheet_name, rows in (
            ("survey", survey),
            ("choices", choices),
            ("settings", [settings]),
        ):
            if not rows:
                continue
            sheet = book.add_worksheet(sheet_name)
            columns = list(dict.fromkeys(key for row in rows for key in row))
            sheet.write_row(0, 0, columns)
            for number, row in enumerate(rows, start=1):
                sheet.write_row(number, 0, [row.get(column, "") for column in columns])
    return buffer.getvalue()


def _row(raw: dict[str, Any], translations: list[Any], translated: set[str]) -> dict[str, str]:
    row: dict[str, str] = {}
    for key, value in raw.items():
        if key.startswith("$") or key in _KPI_ONLY:
            continue
        if key in translated and isinstance(value, list):
            for language, text in zip(translations, value, strict=False):
                if text is not None:
                    row[f"{key}::{language}" if language else key] = str(text)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            row[key] = str(value)
        elif isinstance(value, bool):
            row[key] = "yes" if value else "no"
    if not row.get("name") and raw.get("$autoname"):
        row["name"] = str(raw["$autoname"])
    return row
