"""An XLSForm turned into the XForm phones download (pyxform), with its problems by row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree
from pyxform.xls2xform import convert

from tonle.collect.sheets import SheetError, unpacked_size_check

XFORMS = "http://www.w3.org/2002/xforms"
_ROW = re.compile(r"\[row\s*:\s*(\d+)\]\s*")
# Files a form reads from the phone: choices from a CSV, images, a pulldata() table.
_MEDIA = re.compile(r"jr://(?:file|file-csv|images|audio|video)/([^\s'\"<>)]+)")
MAX_ID = 100  # the form id and version columns


@dataclass(frozen=True)
class Problem:
    """An error or warning of the conversion, at its row of the survey sheet when known."""

    row: int | None
    message: str


@dataclass(frozen=True)
class ConvertedForm:
    xml: str
    form_id: str
    version: str
    title: str
    media: list[str]
    itemsets: str
    warnings: list[Problem] = field(default_factory=list)


class XLSFormError(ValueError):
    """The XLSForm cannot become a form; `problems` says why, row by row."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def problem_of(text: str) -> Problem:
    """pyxform writes the row into its message ("[row : 4] Unmatched 'begin_group'")."""
    found = _ROW.search(text)
    if not found:
        return Problem(row=None, message=text.strip())
    return Problem(row=int(found.group(1)), message=_ROW.sub("", text, count=1).strip())


def xlsform_convert(*, file_name: str, data: bytes) -> ConvertedForm:
    """The XForm of an XLSForm (.xlsx or .xls), or XLSFormError with every problem found."""
    if len(data) > settings.TONLE_MAX_UPLOAD_BYTES:
        raise XLSFormError([Problem(None, _("The file is larger than %(limit)s MB.") % {
            "limit": f"{settings.TONLE_MAX_UPLOAD_BYTES / 2**20:g}"})])  # fmt: skip
    suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix not in (".xlsx", ".xls"):
        raise XLSFormError([Problem(None, _("Upload the XLSForm as an .xlsx or .xls file."))])
    try:
        if suffix == ".xlsx":
            unpacked_size_check(data)
        warnings: list[str] = []
        # pyxform raises many kinds of error for a broken workbook; each is the user's to fix.
        result = convert(data, warnings=warnings, file_type=suffix)
    except SheetError as too_big:
        raise XLSFormError([Problem(None, str(too_big))]) from too_big
    except Exception as broken:
        raise XLSFormError([problem_of(str(broken) or broken.__class__.__name__)]) from broken
    return xform_read(
        xml=result.xform,
        itemsets=result.itemsets or "",
        warnings=[problem_of(text) for text in warnings],
    )


def xform_read(
    *, xml: str, itemsets: str = "", warnings: list[Problem] | None = None
) -> ConvertedForm:
    """The form id, version, title and media files of an XForm, made here or elsewhere (an ODK
    Central form); XLSFormError when it is not a form Tonle can keep."""
    try:
        root = etree.fromstring(
            xml.encode(), etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as broken:
        raise XLSFormError([Problem(None, str(broken))]) from broken
    instance = root.find(f".//{{{XFORMS}}}instance")
    data_root = instance[0] if instance is not None and len(instance) else None
    if data_root is None:
        raise XLSFormError([Problem(None, _("The form has no questions."))])
    form_id = data_root.get("id", "")
    version = data_root.get("version", "")
    too_long = [name for name, value in (("form_id", form_id), ("version", version))
                if len(value) > MAX_ID]  # fmt: skip
    if too_long:
        raise XLSFormError([Problem(None, _("The %(column)s in the settings sheet is longer "
                                            "than %(limit)s characters.")
                                    % {"column": too_long[0], "limit": MAX_ID})])  # fmt: skip
    title = root.findtext("{http://www.w3.org/1999/xhtml}head/{http://www.w3.org/1999/xhtml}title")
    return ConvertedForm(
        xml=xml,
        form_id=form_id,
        version=version,
        title=(title or form_id)[:255],
        media=sorted(set(_MEDIA.findall(xml))),
        itemsets=itemsets,
        warnings=warnings or [],
    )
