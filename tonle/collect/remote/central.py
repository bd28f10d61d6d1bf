"""ODK Central through pyodk's session: projects, forms, every version of every submission
(XML and attachments), and entity lists, new or changed since a cursor.

pyodk signs in (`POST /v1/sessions` {email, password} -> {"token"}, then `Bearer <token>`)
and quotes ids into URLs as Central expects ("uuid:..." instance ids). Its typed services
are not used: their models drop fields read here (`__system`, `currentVersion`), and they
raise one error for every failure, where the import must tell a wrong password from a
server that is down.

Shapes relied on (https://docs.getodk.org/central-api/ and central-backend docs/api.yaml):
- `GET /v1/projects` -> [{"id", "name", ...}]; `GET /v1/projects/{id}/forms` ->
  [{"xmlFormId", "name", "version", "state", ...}]; `GET .../forms/{xmlFormId}.xml` -> XForm.
- `GET .../forms/{xmlFormId}.svc/Submissions?$filter=&$orderby=&$top=` (OData) ->
  {"value": [{"__id", "__system": {"submissionDate", "updatedAt", "edits", ...}, ...}],
  "@odata.nextLink"?}. `__id` is the instanceId the submission was first sent with and
  names it through every edit; `updatedAt` is null until it changes; filterable
  with `gt` on `__system/submissionDate` and `__system/updatedAt`.
- `GET .../submissions/{instanceId}/versions` -> [{"instanceId", "createdAt", "current"}];
  `.../versions/{versionId}.xml` the XML of one version (an edit's XML carries
  `meta/deprecatedID`); `.../versions/{versionId}/attachments` -> [{"name", "exists"}] and
  `.../attachments/{name}` the bytes (the same without `/versions/{id}` for the current one).
- `GET /v1/projects/{id}/datasets` -> [{"name", ...}]; `.../datasets/{name}` -> {"name",
  "properties": [{"name", "publishedAt", "forms", ...}], ...}; `.../datasets/{name}.svc/Entities`
  (OData) -> {"value": [{"__id", "label", <properties>, "__system": {"createdAt",
  "updatedAt", "version", ...}}]}.
"""

from __future__ import annotations

import datetime as dt
import json
import mimetypes
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import requests
from lxml import etree
from pyodk._utils.config import CentralConfig, Config
from pyodk._utils.session import Adapter, Session
from pyodk.client import Client
from pyodk.errors import PyODKError

from tonle.collect.remote._http import call, json_of
from tonle.collect.remote.records import (
    RemoteAttachment,
    RemoteEntity,
    RemoteMalformed,
    RemoteRecord,
    parse_remote_time,
)

PAGE_SIZE = 1000
# Recover from what sloppy clients send (undeclared prefixes): the XML is kept as served
# anyway; only meta/deprecatedID is read from it here.
_LENIENT_XML = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class CentralProject:
    id: int
    name: str
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class CentralForm:
    project_id: int
    xml_form_id: str
    name: str
    version: str
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class CentralCursor:
    """The latest submission or entity change read from one form or entity list.

    Fold every record (or entity) of a run into it with `after`, and store it once the
    run is complete: Central lists in no time order, so an interrupted run starts again
    from the previous cursor, and what it had brought comes again (stored once).
    """

    since: dt.datetime | None = None

    def after(self, item: RemoteRecord | RemoteEntity) -> CentralCursor:
        moment = item.modified_at or (
            item.submitted_at if isinstance(item, RemoteRecord) else item.created_at
        )
        if self.since is not None and moment <= self.since:
            return self
        return replace(self, since=moment)

    def to_json(self) -> str:
        return json.dumps({"since": self.since.isoformat() if self.since else None})

    @classmethod
    def from_json(cls, text: str) -> CentralCursor:
        since = (json.loads(text) if text else {}).get("since")
        return cls(since=parse_remote_time(since) if since else None)


class CentralClient:
    """An ODK Central server read with one web user's email and password."""

    def __init__(
        self,
        *,
        base_url: str,
        email: str,
        password: str,
        timeout: float = 60.0,
        attempts: int = 3,
        backoff: float = 1.0,
        page_size: int = PAGE_SIZE,
    ) -> None:
        base_url = base_url.rstrip("/").removesuffix("/v1")
        self.server = urlsplit(base_url).netloc or base_url
        self.attempts = attempts
        self.backoff = backoff
        self.page_size = page_size
        # cache_path=None keeps the session token in memory: no pyodk file on our disk.
        session = Session(
            base_url=base_url, api_version="v1", username=email, password=password, cache_path=None
        )
        for scheme in ("https://", "http://"):
            # Retries are ours (`_http.call`), the same for both servers.
            session.mount(scheme, Adapter(timeout=timeout, max_retries=0))
        config = Config(central=CentralConfig(base_url=base_url, username=email, password=password))
        self._client = Client(config=config, session=session)
        self._session = session

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> CentralClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- projects and forms ------------------------------------------------------------------

    def projects(self) -> list[CentralProject]:
        return [
            CentralProject(id=int(raw["id"]), name=str(raw.get("name") or ""), raw=raw)
            for raw in self._json_list("projects")
        ]

    def forms(self, *, project_id: int) -> list[CentralForm]:
        path = self._session.urlformat("projects/{pid}/forms", pid=project_id)
        return [
            CentralForm(
                project_id=project_id,
                xml_form_id=str(raw["xmlFormId"]),
                name=str(raw.get("name") or raw["xmlFormId"]),
                version=str(raw.get("version") or ""),
                raw=raw,
            )
            for raw in self._json_list(path)
        ]

    def form_xml(self, *, project_id: int, xml_form_id: str) -> bytes:
        """The form's XForm definition, as served."""
        path = self._session.urlformat(
            "projects/{pid}/forms/{fid}.xml", pid=project_id, fid=xml_form_id
        )
        return self._get(path).content

    # --- submissions ---------------------------------------------------------------------------

    def records(
        self, *, project_id: int, xml_form_id: str, since: CentralCursor | None = None
    ) -> Iterator[RemoteRecord]:
        """Every version of every submission sent or changed since `since`, oldest version of
        each first; versions read before `since` are not read again."""
        since = since or CentralCursor()
        form = self._session.urlformat(
            "projects/{pid}/forms/{fid}", pid=project_id, fid=xml_form_id
        )
        params = {}
        if since.since is not None:
            moment = _odata_time(since.since)
            params["$filter"] = (
                f"__system/submissionDate gt {moment} or __system/updatedAt gt {moment}"
            )
        for row in self._odata_rows(f"{form}.svc/Submissions", params):
            yield from self._versions(project_id, xml_form_id, form, row, since)

    def _versions(
        self,
        project_id: int,
        xml_form_id: str,
        form: str,
        row: dict[str, Any],
        since: CentralCursor,
    ) -> Iterator[RemoteRecord]:
        where = f"{form}.svc/Submissions"
        try:
            root = str(row["__id"])
            system = row["__system"]
            submitted_at = parse_remote_time(str(system["submissionDate"]))
            updated = system.get("updatedAt")
            modified_at = parse_remote_time(str(updated)) if updated else submitted_at
        except (KeyError, TypeError, ValueError) as error:
            raise RemoteMalformed(
                server=self.server, path=where, detail=f"a submission without a valid {error}"
            ) from None
        submission = self._session.urlformat(f"{form}/submissions/{{iid}}", iid=root)
        if not int(system.get("edits") or 0):
            versions = [(root, submitted_at, submission)]
        else:
            versions = [
                (
                    str(version["instanceId"]),
                    parse_remote_time(str(version["createdAt"])),
                    self._session.urlformat(
                        f"{submission}/versions/{{vid}}", vid=version["instanceId"]
                    ),
                )
                for version in self._json_list(f"{submission}/versions")
            ]
            versions.sort(key=lambda version: version[1])
        for instance_id, created_at, path in versions:
            if since.since is not None and created_at <= since.since:
                continue
            content = self._get(f"{path}.xml").content
            yield RemoteRecord(
                source="central",
                form_id=xml_form_id,
                remote_id=root,
                instance_id=instance_id,
                root_uuid=root,
                deprecated_id=_deprecated_id(content),
                submitted_at=created_at,
                content=content,
                content_type="application/xml",
                attachments=self._attachments(path),
                modified_at=modified_at,
                project_id=str(project_id),
            )

    def _attachments(self, submission: str) -> tuple[RemoteAttachment, ...]:
        attachments = []
        for item in self._json_list(f"{submission}/attachments"):
            if not item.get("exists"):
                continue  # expected by the form but never uploaded: nothing to fetch
            name = str(item["name"])
            path = self._session.urlformat(f"{submission}/attachments/{{name}}", name=name)
            attachments.append(
                RemoteAttachment(
                    name=name,
                    mime_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                    url=self._session.urljoin(path),
                    fetch=partial(self._download, path),
                )
            )
        return tuple(attachments)

    # --- entity lists ---------------------------------------------------------------------------

    def datasets(self, *, project_id: int) -> list[str]:
        path = self._session.urlformat("projects/{pid}/datasets", pid=project_id)
        return [str(raw["name"]) for raw in self._json_list(path)]

    def dataset_properties(self, *, project_id: int, dataset: str) -> list[str]:
        """The names of the entity list's properties, in the order Central lists them."""
        path = self._session.urlformat(
            "projects/{pid}/datasets/{name}", pid=project_id, name=dataset
        )
        body = json_of(self._get(path), server=self.server, path=path)
        properties = body.get("properties") if isinstance(body, dict) else None
        if not isinstance(properties, list) or not all(
            isinstance(item, dict) and item.get("name") for item in properties
        ):
            raise RemoteMalformed(server=self.server, path=path, detail='no "properties" list')
        return [str(item["name"]) for item in properties]

    def entities(
        self, *, project_id: int, dataset: str, since: CentralCursor | None = None
    ) -> Iterator[RemoteEntity]:
        """The entity list's entities created or changed since `since`, each in its current
        version."""
        since = since or CentralCursor()
        path = self._session.urlformat(
            "projects/{pid}/datasets/{name}.svc/Entities", pid=project_id, name=dataset
        )
        params = {}
        if since.since is not None:
            moment = _odata_time(since.since)
            params["$filter"] = f"__system/createdAt gt {moment} or __system/updatedAt gt {moment}"
        for row in self._odata_rows(path, params):
            try:
                system = row["__system"]
                updated = system.get("updatedAt")
                yield RemoteEntity(
                    project_id=str(project_id),
                    dataset=dataset,
                    uuid=str(row["__id"]),
                    label=str(row.get("label") or ""),
                    version=int(system.get("version") or 1),
                    properties={
                        name: value
                        for name, value in row.items()
                        if name not in ("__id", "__system", "label")
                    },
                    created_at=parse_remote_time(str(system["createdAt"])),
                    modified_at=parse_remote_time(str(updated)) if updated else None,
                    content=json.dumps(row, ensure_ascii=False).encode(),
                )
            except (KeyError, TypeError, ValueError) as error:
                raise RemoteMalformed(
                    server=self.server, path=path, detail=f"an entity without a valid {error}"
                ) from None

    # --- HTTP ------------------------------------------------------------------------------------

    def _odata_rows(self, path: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        """Every row of an OData data document, page by page (`$top`, then "@odata.nextLink")."""
        url: str | None = path
        query: dict[str, str] | None = {**params, "$top": str(self.page_size)}
        while url:
            body = json_of(self._get(url, query), server=self.server, path=path)
            rows = body.get("value") if isinstance(body, dict) else None
            if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
                raise RemoteMalformed(server=self.server, path=path, detail='no "value" list')
            yield from rows
            url = body.get("@odata.nextLink") if rows else None
            query = None  # the next link carries the query
            if url and urlsplit(url).netloc not in ("", self.server):
                raise RemoteMalformed(
                    server=self.server, path=path, detail=f"a next page on another server ({url})"
                )

    def _json_list(self, path: str) -> list[dict[str, Any]]:
        body = json_of(self._get(path), server=self.server, path=path)
        if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
            raise RemoteMalformed(server=self.server, path=path, detail="not a list")
        return body

    def _download(self, path: str) -> bytes:
        return self._get(path).content

    def _get(self, path: str, params: dict[str, str] | None = None) -> requests.Response:
        return call(
            lambda: self._session.get(path, params=params),
            server=self.server,
            path=urlsplit(self._session.urljoin(path)).path,
            attempts=self.attempts,
            backoff=self.backoff,
            network_errors=(requests.RequestException, PyODKError),
            refused=_login_response,
        )


def _login_response(error: BaseException) -> requests.Response | None:
    """The response of a sign-in pyodk refused (it raises PyODKError(message, response))."""
    if isinstance(error, PyODKError) and len(error.args) > 1:
        response = error.args[1]
        if isinstance(response, requests.Response):
            return response
    return None


def _odata_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _deprecated_id(xml: bytes) -> str:
    try:
        root = etree.fromstring(xml, _LENIENT_XML)
    except etree.XMLSyntaxError:
        return ""
    if root is None:
        return ""
    found = root.xpath("./*[local-name()='meta']/*[local-name()='deprecatedID']/text()")
    return str(found[0]).strip() if found else ""
