"""An ODK Central entity list as a form Tonle can map: its entities become that form's
submissions, each version of an entity an edit of the one before, so they are kept, mapped,
applied once and undone as phones' submissions are."""

from __future__ import annotations

import hashlib
import uuid

from django.utils.translation import gettext as _
from lxml import etree

from tonle.collect.models import Form
from tonle.collect.remote.records import RemoteEntity, RemoteRecord
from tonle.collect.xlsform import MAX_ID

XFORMS = "http://www.w3.org/2002/xforms"
XHTML = "http://www.w3.org/1999/xhtml"
JAVAROSA = "http://openrosa.org/javarosa"
ROOT = "data"
# Central reserves the property "name"; the entity's label, for a list of women her name, is
# given under it, where the mapping page looks for a name.
LABEL = "name"
# A namespace for the instance ids of entity versions: the same version always has the same id.
_VERSIONS = uuid.UUID("0c6f2f6e-5d47-4f0e-9a43-6a4f1b1f6c11")


def _is_name(name: str) -> bool:
    """A name an XML element may have (Central's property names are, but it is checked)."""
    try:
        etree.Element(name)
    except ValueError:
        return False
    return ":" not in name


def entity_fields(properties: list[str]) -> list[str]:
    """The form fields of an entity list: its label, then each property that can be one."""
    return [LABEL, *(p for p in dict.fromkeys(properties) if p != LABEL and _is_name(p))]


def entity_list_xform(*, project: int, dataset: str, properties: list[str]) -> str:
    """An XForm whose questions are the entity list's label and properties; its version
    changes when the properties do."""
    fields = entity_fields(properties)
    form_id = f"central_{project}_{dataset}"[:MAX_ID]
    version = "e" + hashlib.sha1("\n".join(fields).encode()).hexdigest()[:12]
    html = etree.Element(f"{{{XHTML}}}html", nsmap={None: XFORMS, "h": XHTML, "jr": JAVAROSA})
    head = etree.SubElement(html, f"{{{XHTML}}}head")
    title = _("Entity list “%(name)s” (ODK Central)") % {"name": dataset}
    etree.SubElement(head, f"{{{XHTML}}}title").text = title
    model = etree.SubElement(head, f"{{{XFORMS}}}model")
    instance = etree.SubElement(model, f"{{{XFORMS}}}instance")
    root = etree.SubElement(instance, f"{{{XFORMS}}}{ROOT}", id=form_id, version=version)
    body = etree.SubElement(html, f"{{{XHTML}}}body")
    for name in fields:
        etree.SubElement(root, f"{{{XFORMS}}}{name}")
        etree.SubElement(model, f"{{{XFORMS}}}bind", nodeset=f"/{ROOT}/{name}", type="string")
        question = etree.SubElement(body, f"{{{XFORMS}}}input", ref=f"/{ROOT}/{name}")
        etree.SubElement(question, f"{{{XFORMS}}}label").text = name
    meta = etree.SubElement(root, f"{{{XFORMS}}}meta")
    for name in ("instanceID", "rootUuid", "deprecatedID"):
        etree.SubElement(meta, f"{{{XFORMS}}}{name}")
    etree.SubElement(
        model, f"{{{XFORMS}}}bind", nodeset=f"/{ROOT}/meta/instanceID", type="string",
        readonly="true()", attrib={f"{{{JAVAROSA}}}preload": "uid"},
    )  # fmt: skip
    return etree.tostring(html, encoding="unicode", xml_declaration=False)


def entity_instance_id(entity_uuid: str, version: int) -> str:
    """The instance id of one version of an entity: the first is the entity's own uuid."""
    if version <= 1:
        return f"uuid:{entity_uuid}".lower()
    return f"uuid:{uuid.uuid5(_VERSIONS, f'{entity_uuid}/{version}')}"


def entity_record(entity: RemoteEntity, *, replaces: str) -> RemoteRecord:
    """The entity's current version as a record, replacing the version `replaces` names
    (versions in between were never read: Central serves only the current one)."""
    return RemoteRecord(
        source="central",
        form_id=entity.dataset,
        remote_id=entity.uuid,
        instance_id=entity_instance_id(entity.uuid, entity.version),
        root_uuid=entity_instance_id(entity.uuid, 1),
        deprecated_id=replaces,
        submitted_at=entity.modified_at or entity.created_at,
        content=entity.content,
        content_type="application/json",
        modified_at=entity.modified_at,
        project_id=entity.project_id,
    )


def entity_xml(record: RemoteRecord, form: Form, *, entity: RemoteEntity) -> bytes:
    """The submission of `form` the entity version is: its label and properties as answers."""
    template = etree.fromstring(form.xml.encode())
    instance = template.find(f".//{{{XFORMS}}}instance")
    assert instance is not None  # the form was made by entity_list_xform
    fields = [etree.QName(child).localname for child in instance[0]]
    root = etree.Element(ROOT, id=form.form_id, version=form.version)
    values = {LABEL: entity.label, **entity.properties}
    for name in fields[:-1]:  # the last is meta
        value = values.get(name)
        etree.SubElement(root, name).text = "" if value is None else str(value)
    meta = etree.SubElement(root, "meta")
    etree.SubElement(meta, "instanceID").text = record.instance_id
    etree.SubElement(meta, "rootUuid").text = record.root_uuid
    if record.deprecated_id:
        etree.SubElement(meta, "deprecatedID").text = record.deprecated_id
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
