"""Reading a submitted XForm instance: leniently where phones are sloppy, strictly for its ids."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

_UUID = re.compile(r"uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# Prefixes used in tags or attributes, to declare those the phone forgot to.
_PREFIXES = re.compile(rb"[<\s/]([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*")
_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)?",
    re.I,
)
MAX_ID = 100  # the form id and version, as the Form model keeps them


class InstanceError(ValueError):
    """The submission cannot be kept: its message says why, for the phone to show."""


@dataclass(frozen=True)
class Instance:
    root: etree._Element
    form_id: str
    version: str
    instance_id: str
    deprecated_id: str
    root_id: str  # meta/rootUuid, which KoboToolbox and ODK Central write; "" from Collect
    started_text: str
    ended_text: str


def _parser(*, recover: bool) -> etree.XMLParser:
    # No entities, no network, no huge trees: the XML comes from anyone with a phone password.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, recover=recover
    )


def _with_prefixes_declared(xml: bytes) -> bytes:
    """The XML with every prefix it uses but never declares declared on its root element."""
    declared = set(re.findall(rb"xmlns:([A-Za-z_][\w.-]*)\s*=", xml))
    missing = set(_PREFIXES.findall(xml)) - declared - {b"xml", b"xmlns"}
    found = re.search(rb"<(?![?!])[A-Za-z_][\w.:-]*", xml)
    if not missing or not found:
        return xml
    names = b"".join(b' xmlns:%s="urn:tonle:undeclared:%s"' % (p, p) for p in sorted(missing))
    return xml[: found.end()] + names + xml[found.end() :]


def instance_root(xml: bytes) -> etree._Element:
    """The instance's root element: strictly parsed if it can be, else after declaring the
    prefixes it forgot, else whatever lxml can recover. InstanceError if nothing is XML."""
    try:
        return etree.fromstring(xml, _parser(recover=False))
    except etree.XMLSyntaxError:
        pass
    try:
        root = etree.fromstring(_with_prefixes_declared(xml), _parser(recover=True))
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise InstanceError(_("The submission is not XML."))
    return root


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    """The first child of that local name, whatever namespace (or prefix) the phone gave it."""
    if element is None:
        return None
    return next((child for child in element if _local(child.tag) == name), None)


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _checked_uuid(value: str, field: str) -> str:
    if value and not _UUID.fullmatch(value):
        raise InstanceError(
            _("%(field)s must be “uuid:” followed by a UUID; it is “%(value)s”.")
            % {"field": field, "value": value[:60]}
        )
    return value.lower()


def instance_read(xml: bytes) -> Instance:
    """The ids and times of a submission, or InstanceError naming the field that is wrong."""
    root = instance_root(xml)
    form_id = root.get("id", "").strip()
    # Older clients write the version in the OpenRosa namespace.
    version = (root.get("version") or root.get("{http://openrosa.org/xforms}version", "")).strip()
    if not form_id:
        raise InstanceError(_("The submission does not say which form it is (no id)."))
    if len(form_id) > MAX_ID or len(version) > MAX_ID:
        raise InstanceError(_("The form id or version is too long."))
    meta = _child(root, "meta")
    instance_id = _checked_uuid(_text(_child(meta, "instanceID")), "meta/instanceID")
    if not instance_id:
        raise InstanceError(_("The submission has no meta/instanceID."))
    deprecated_id = _checked_uuid(_text(_child(meta, "deprecatedID")), "meta/deprecatedID")
    if deprecated_id == instance_id:
        raise InstanceError(_("meta/deprecatedID names the submission itself."))
    return Instance(
        root=root,
        form_id=form_id,
        version=version,
        instance_id=instance_id,
        deprecated_id=deprecated_id,
        root_id=_checked_uuid(_text(_child(meta, "rootUuid")), "meta/rootUuid"),
        started_text=(_text(_child(meta, "timeStart")) or _text(_child(root, "start")))[:40],
        ended_text=(_text(_child(meta, "timeEnd")) or _text(_child(root, "end")))[:40],
    )


def moment_with_offset(text: str, *, naive: dt.tzinfo) -> dt.datetime | None:
    """A time as a phone, a form or a server writes it, its offset kept however it is written
    ("-04", "+0700", "+07:00", "Z", a space before it); a time without an offset is taken in
    `naive`. None if it is not a time."""
    found = _TIME.fullmatch(text.strip())
    if not found:
        return None
    day, clock, offset = found.groups()
    clock = clock.replace(",", ".")
    if not offset:
        offset = ""
    elif offset.upper() == "Z":
        offset = "+00:00"
    else:
        digits = offset[1:].replace(":", "")
        offset = f"{offset[0]}{digits[:2]}:{digits[2:] or '00'}"
    try:
        moment = dt.datetime.fromisoformat(f"{day}T{clock}{offset}")
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=naive)


def moment_of(text: str) -> dt.datetime | None:
    """The instant a phone's time means, in UTC; a time without an offset is Cambodia's."""
    moment = moment_with_offset(text, naive=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return moment.astimezone(dt.UTC) if moment is not None else None


def select_multiple_values(text: str) -> list[str]:
    """The choices of a select_multiple answer; phones may pad or double the spaces."""
    return text.split()
