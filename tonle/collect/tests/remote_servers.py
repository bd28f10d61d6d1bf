"""KoboToolbox API v2 and ODK Central served from loopback, answering as their docs say.

The real services cannot be reached from the test machines. These servers hold their data
in plain Python objects that a test grows (`add_record`, `edit_record`, `add_submission`,
`edit_submission`, `add_entity`) between two runs of an import, and make a request fail
once (`fail_once`, `garble_once`). Each shape is the one the client module cites.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

UTC = dt.UTC
JPEG = b"\xff\xd8\xff\xe0" + b"tonle photo" + b"\xff\xd9"


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def _new_uuid() -> str:
    return str(uuid.uuid4())


# --- KoboToolbox ---------------------------------------------------------------------------


@dataclass
class KoboServer:
    """KoboToolbox's API v2 for one account (one token)."""

    httpserver: HTTPServer
    token: str = "kobo-token-1"
    assets: dict[str, dict[str, Any]] = field(default_factory=dict)
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # path -> bytes, mime
    max_page: int = 1000

    def __post_init__(self) -> None:
        self.httpserver.expect_request(re.compile(r"^/api/v2/")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return self.httpserver.url_for("/").rstrip("/")

    # growing the data ----------------------------------------------------------------------

    def add_asset(self, uid: str = "aKoboAttendance1", name: str = "Attendance") -> str:
        self.assets[uid] = {
            "url": f"{self.base_url}/api/v2/assets/{uid}/",
            "uid": uid,
            "name": name,
            "asset_type": "survey",
            "date_modified": "2024-03-01T09:00:00.000000Z",
            "has_deployment": True,
            "deployment__active": True,
            "deployment__submission_count": 0,
            "content": {
                "survey": [
                    {"type": "start", "name": "start"},
                    {"type": "text", "name": "woman_name", "label": ["Name"]},
                    {"type": "date", "name": "visit_date", "label": ["Date"]},
                    {"type": "image", "name": "photo", "label": ["Photo"]},
                ],
                "choices": [],
                "settings": {"id_string": uid},
            },
        }
        self.records[uid] = []
        return uid

    def add_record(
        self,
        asset_uid: str,
        *,
        answers: dict[str, Any] | None = None,
        submitted: dt.datetime | None = None,
        photo: bytes | None = None,
    ) -> dict[str, Any]:
        records = self.records[asset_uid]
        record_id = len(records) + 1
        instance = _new_uuid()
        submitted = submitted or dt.datetime(2024, 3, 1, 2, 0, tzinfo=UTC) + dt.timedelta(
            minutes=record_id
        )
        record: dict[str, Any] = {
            "_id": record_id,
            "formhub/uuid": "f" * 32,
            "start": "2024-03-01T09:00:00.000+07:00",
            "woman_name": f"Woman {record_id}",
            "visit_date": "2024-03-01",
            **(answers or {}),
            "__version__": "vAttendance1",
            "meta/instanceID": f"uuid:{instance}",
            "meta/rootUuid": f"uuid:{instance}",
            "_xform_id_string": asset_uid,
            "_uuid": instance,
            "_attachments": [],
            "_status": "submitted_via_web",
            "_geolocation": [None, None],
            # Kobo writes UTC without an offset (MONGO_STRFTIME)
            "_submission_time": submitted.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "_tags": [],
            "_notes": [],
            "_validation_status": {},
            "_submitted_by": "officer",
        }
        if photo is not None:
            record["photo"] = "photo.jpg"
            self._attach(asset_uid, record, "photo.jpg", photo, "image/jpeg")
        records.append(record)
        self.assets[asset_uid]["deployment__submission_count"] = len(records)
        return record

    def edit_record(
        self, asset_uid: str, record_id: int, answers: dict[str, Any]
    ) -> dict[str, Any]:
        """An edit in Enketo: same `_id` and `_submission_time`, a new instance id, the old one
        as deprecatedID, the root kept."""
        record = next(r for r in self.records[asset_uid] if r["_id"] == record_id)
        instance = _new_uuid()
        record.update(answers)
        record["meta/deprecatedID"] = record["meta/instanceID"]
        record["meta/instanceID"] = f"uuid:{instance}"
        record["_uuid"] = instance
        return record

    def _attach(
        self, asset_uid: str, record: dict[str, Any], name: str, content: bytes, mime: str
    ) -> None:
        attachment_id = len(self.files) + 1
        path = f"/api/v2/assets/{asset_uid}/data/{record['_id']}/attachments/{attachment_id}/"
        self.files[path] = (content, mime)
        record["_attachments"].append(
            {
                "download_url": f"{self.base_url}{path}",
                "download_large_url": f"{self.base_url}{path}large/",
                "mimetype": mime,
                "filename": f"officer/attachments/{'f' * 32}/{record['_uuid']}/{name}",
                "media_file_basename": name,
                "instance": record["_id"],
                "xform": 1,
                "id": attachment_id,
                "question_xpath": "photo",
                "is_deleted": False,
            }
        )

    # making requests fail --------------------------------------------------------------------

    def fail_once(self, path: str, status: int = 500) -> None:
        self.httpserver.expect_oneshot_request(path).respond_with_data(
            "Server Error", status=status
        )

    def garble_once(self, path: str) -> None:
        self.httpserver.expect_oneshot_request(path).respond_with_data(
            "<html>Bad gateway page</html>", status=200, content_type="application/json"
        )

    # answering -------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Token {self.token}":
            return _json({"detail": "Invalid token."}, status=401)
        path = request.path
        if path == "/api/v2/assets/":
            return self._page(request, list(self.assets.values()))
        if match := re.fullmatch(r"/api/v2/assets/(\w+)/", path):
            asset = self.assets.get(match[1])
            return _json(asset) if asset else _json({"detail": "Not found."}, 404)
        if match := re.fullmatch(r"/api/v2/assets/(\w+)/data/", path):
            if match[1] not in self.records:
                return _json({"detail": "Not found."}, 404)
            return self._data(request, match[1])
        if path in self.files:
            content, mime = self.files[path]
            return Response(content, content_type=mime)
        return _json({"detail": "Not found."}, 404)

    def _data(self, request: Request, asset_uid: str) -> Response:
        query = json.loads(request.args.get("query") or "{}")
        rows = [r for r in self.records[asset_uid] if _mongo_match(r, query)]
        sort = json.loads(request.args.get("sort") or "{}")
        for key, direction in sort.items():
            rows.sort(key=lambda r, key=key: r.get(key), reverse=direction < 0)
        if fields := json.loads(request.args.get("fields") or "[]"):
            rows = [{k: r[k] for k in fields if k in r} for r in rows]
        # Kobo's count is the asset's whole count, whatever the query (kpi/views/v2/data.py)
        return self._page(request, rows, count=len(self.records[asset_uid]))

    def _page(self, request: Request, rows: list[Any], count: int | None = None) -> Response:
        start = int(request.args.get("start", 0))
        limit = min(int(request.args.get("limit", 100)), self.max_page)
        total = len(rows) if count is None else count

        def link(at: int) -> str:
            args = {**request.args.to_dict(), "start": str(at), "limit": str(limit)}
            query = "&".join(f"{k}={quote(v)}" for k, v in args.items())
            return f"{self.base_url}{request.path}?{query}"

        return _json(
            {
                "count": total,
                "next": link(start + limit) if start + limit < total else None,
                "previous": link(max(start - limit, 0)) if start else None,
                "results": rows[start : start + limit],
            }
        )


def _mongo_match(record: dict[str, Any], query: dict[str, Any]) -> bool:
    """The few MongoDB operators the client sends ($gt, $lte, $in, $exists)."""
    for key, condition in query.items():
        value = record.get(key)
        if not isinstance(condition, dict):
            if value != condition:
                return False
            continue
        for operator, operand in condition.items():
            ok = {
                "$gt": lambda v, o: v is not None and v > o,
                "$lte": lambda v, o: v is not None and v <= o,
                "$in": lambda v, o: v in o,
                "$exists": lambda v, o, key=key: (key in record) == bool(o),
            }[operator](value, operand)
            if not ok:
                return False
    return True


# --- ODK Central -------------------------------------------------------------------------------


def submission_xml(
    form_id: str,
    instance_id: str,
    *,
    answers: dict[str, str],
    deprecated_id: str = "",
    version: str = "1",
) -> bytes:
    """A submission as ODK Collect sends it (and Central serves it back)."""
    fields = "".join(f"<{name}>{value}</{name}>" for name, value in answers.items())
    deprecated = f"<deprecatedID>{deprecated_id}</deprecatedID>" if deprecated_id else ""
    return (
        f'<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" '
        f'xmlns:orx="http://openrosa.org/xforms" id="{form_id}" version="{version}">'
        f"{fields}<meta><instanceID>{instance_id}</instanceID>{deprecated}</meta></data>"
    ).encode()


def form_xml(form_id: str, version: str = "1") -> bytes:
    """The XForm of the form the submissions fill (GET .../forms/{xmlFormId}.xml)."""
    return (
        f'<?xml version="1.0"?><h:html xmlns="http://www.w3.org/2002/xforms" '
        f'xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" '
        f'xmlns:orx="http://openrosa.org/xforms"><h:head><h:title>{form_id.title()}</h:title>'
        f'<model><instance><data id="{form_id}" version="{version}"><woman_name/>'
        f"<visit_date/><photo/><women><name/></women><meta><instanceID/></meta></data>"
        f"</instance></model></h:head><h:body/></h:html>"
    ).encode()


@dataclass
class CentralVersion:
    instance_id: str
    created_at: dt.datetime
    xml: bytes
    attachments: dict[str, tuple[bytes, str]]  # name -> bytes, mime ("" bytes: not uploaded)


@dataclass
class CentralSubmission:
    versions: list[CentralVersion]
    updated_at: dt.datetime | None = None

    @property
    def id(self) -> str:
        return self.versions[0].instance_id


@dataclass
class CentralServer:
    """ODK Central's API for one web user, with one project by default."""

    httpserver: HTTPServer
    email: str = "manager@ccdo.example"
    password: str = "central-password-1"
    projects: dict[int, dict[str, Any]] = field(default_factory=dict)
    forms: dict[tuple[int, str], list[CentralSubmission]] = field(default_factory=dict)
    entities: dict[tuple[int, str], list[dict[str, Any]]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    now: dt.datetime = dt.datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
    max_page: int = 250

    def __post_init__(self) -> None:
        self.httpserver.expect_request(re.compile(r"^/v1/")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return self.httpserver.url_for("/").rstrip("/")

    def tick(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now

    # growing the data ----------------------------------------------------------------------

    def add_project(self, project_id: int = 1, name: str = "CCDO Siem Reap") -> int:
        self.projects[project_id] = {"id": project_id, "name": name, "archived": None}
        return project_id

    def add_form(self, project_id: int, xml_form_id: str = "attendance") -> str:
        self.forms[(project_id, xml_form_id)] = []
        return xml_form_id

    def add_submission(
        self,
        project_id: int,
        xml_form_id: str,
        *,
        answers: dict[str, str] | None = None,
        photo: bytes | None = None,
        missing_photo: bool = False,
    ) -> CentralSubmission:
        instance_id = f"uuid:{_new_uuid()}"
        answers = dict(answers or {"woman_name": "Sokha", "visit_date": "2024-03-01"})
        attachments: dict[str, tuple[bytes, str]] = {}
        if photo is not None or missing_photo:
            answers["photo"] = "1709280000.jpg"
            attachments["1709280000.jpg"] = (photo or b"", "image/jpeg")
        version = CentralVersion(
            instance_id,
            self.tick(),
            submission_xml(xml_form_id, instance_id, answers=answers),
            attachments,
        )
        submission = CentralSubmission([version])
        self.forms[(project_id, xml_form_id)].append(submission)
        return submission

    def edit_submission(
        self, submission: CentralSubmission, *, answers: dict[str, str]
    ) -> CentralVersion:
        previous = submission.versions[-1]
        instance_id = f"uuid:{_new_uuid()}"
        form_id = re.search(rb'id="([^"]+)"', previous.xml)[1].decode()  # type: ignore[index]
        version = CentralVersion(
            instance_id,
            self.tick(),
            submission_xml(
                form_id, instance_id, answers=answers, deprecated_id=previous.instance_id
            ),
            dict(previous.attachments),
        )
        submission.versions.append(version)
        submission.updated_at = version.created_at
        return version

    def add_entity(
        self, project_id: int, dataset: str, *, label: str, properties: dict[str, str]
    ) -> dict[str, Any]:
        row = {
            "__id": _new_uuid(),
            "label": label,
            **properties,
            "__system": {
                "createdAt": _central_time(self.tick()),
                "creatorId": "5",
                "creatorName": "Manager",
                "updates": 0,
                "updatedAt": None,
                "version": 1,
                "conflict": None,
            },
        }
        self.entities.setdefault((project_id, dataset), []).append(row)
        return row

    def update_entity(self, row: dict[str, Any], **properties: str) -> None:
        row.update(properties)
        row["__system"]["updates"] += 1
        row["__system"]["version"] += 1
        row["__system"]["updatedAt"] = _central_time(self.tick())

    # making requests fail --------------------------------------------------------------------

    def fail_once(self, path: str, status: int = 500) -> None:
        self.httpserver.expect_oneshot_request(path).respond_with_data(
            '{"code":500,"message":"Internal Server Error"}', status=status
        )

    def garble_once(self, path: str) -> None:
        self.httpserver.expect_oneshot_request(path).respond_with_data(
            "{not json", status=200, content_type="application/json"
        )

    # answering -------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        path = request.path
        if path == "/v1/sessions" and request.method == "POST":
            body = request.get_json(silent=True) or {}
            if body.get("email") != self.email or body.get("password") != self.password:
                return _json(
                    {
                        "code": 401.2,
                        "message": "Could not authenticate with the provided credentials.",
                    },
                    401,
                )
            token = _new_uuid()
            self.tokens.add(token)
            return _json({"token": token, "csrf": "x", "expiresAt": "2099-01-01T00:00:00.000Z"})
        auth = request.headers.get("Authorization", "")
        if auth.removeprefix("Bearer ") not in self.tokens:
            return _json({"code": 401.2, "message": "Could not authenticate."}, 401)
        return self._route(request, path) or _json(
            {"code": 404.1, "message": "Could not find the resource you were looking for."}, 404
        )

    def _route(self, request: Request, path: str) -> Response | None:
        if path == "/v1/projects":
            return _json(list(self.projects.values()))
        if match := re.fullmatch(r"/v1/projects/(\d+)/forms", path):
            pid = int(match[1])
            return _json(
                [
                    {
                        "projectId": pid,
                        "xmlFormId": fid,
                        "name": fid.title(),
                        "version": "1",
                        "state": "open",
                    }
                    for (p, fid) in self.forms
                    if p == pid
                ]
            )
        if match := re.fullmatch(r"/v1/projects/(\d+)/forms/([^/]+)\.xml", path):
            if (int(match[1]), match[2]) not in self.forms:
                return None
            return Response(form_xml(match[2]), content_type="application/xml")
        if match := re.fullmatch(r"/v1/projects/(\d+)/forms/([^/]+)\.svc/Submissions", path):
            submissions = self.forms.get((int(match[1]), match[2]))
            if submissions is None:
                return None
            rows = [self._odata_row(s) for s in submissions]
            return self._odata_page(request, [r for r in rows if _odata_match(r, request)])
        if match := re.fullmatch(r"/v1/projects/(\d+)/datasets", path):
            pid = int(match[1])
            return _json(
                [{"name": name, "projectId": pid} for (p, name) in self.entities if p == pid]
            )
        if match := re.fullmatch(r"/v1/projects/(\d+)/datasets/([^/]+)", path):
            rows = self.entities.get((int(match[1]), match[2]))
            if rows is None:
                return None
            names = dict.fromkeys(
                k for r in rows for k in r if k not in ("__id", "label", "__system")
            )
            return _json({
                "name": match[2], "createdAt": rows[0]["__system"]["createdAt"],
                "projectId": int(match[1]), "approvalRequired": False, "ownerOnly": False,
                "properties": [
                    {"name": name, "odataName": name, "publishedAt": rows[0]["__system"]["createdAt"],
                     "forms": []}
                    for name in names
                ],
            })  # fmt: skip
        if match := re.fullmatch(r"/v1/projects/(\d+)/datasets/([^/]+)\.svc/Entities", path):
            rows = self.entities.get((int(match[1]), match[2]))
            if rows is None:
                return None
            return self._odata_page(request, [r for r in rows if _odata_match(r, request)])
        match = re.fullmatch(
            r"/v1/projects/(\d+)/forms/([^/]+)/submissions/([^/]+?)(\.xml)?"
            r"(?:/versions(?:/([^/]+?)(\.xml)?)?)?(/attachments(?:/([^/]+))?)?",
            path,
        )
        if not match:
            return None
        pid, fid, sid, sub_xml, vid, ver_xml, attachments, name = match.groups()
        submission = next((s for s in self.forms.get((int(pid), fid), []) if s.id == sid), None)
        if submission is None:
            return None
        if path.endswith("/versions"):
            return _json(
                [
                    {
                        "instanceId": v.instance_id,
                        "createdAt": _central_time(v.created_at),
                        "current": v is submission.versions[-1],
                        "submitterId": 5,
                    }
                    for v in reversed(submission.versions)  # newest first, as Central lists
                ]
            )
        version = submission.versions[-1]
        if vid is not None:
            version = next((v for v in submission.versions if v.instance_id == vid), None)  # type: ignore[assignment]
            if version is None:
                return None
        if sub_xml or ver_xml:
            return Response(version.xml, content_type="application/xml")
        if attachments and name is None:
            return _json(
                [{"name": n, "exists": bool(c)} for n, (c, _) in version.attachments.items()]
            )
        if name is not None and version.attachments.get(name, (b"", ""))[0]:
            content, mime = version.attachments[name]
            return Response(content, content_type=mime)
        return None

    def _odata_row(self, submission: CentralSubmission) -> dict[str, Any]:
        current = submission.versions[-1]
        return {
            "__id": submission.id,
            "meta": {"instanceID": current.instance_id},
            "__system": {
                "submissionDate": _central_time(submission.versions[0].created_at),
                "updatedAt": _central_time(submission.updated_at)
                if submission.updated_at
                else None,
                "submitterId": "5",
                "submitterName": "Officer",
                "attachmentsPresent": sum(1 for c, _ in current.attachments.values() if c),
                "attachmentsExpected": len(current.attachments),
                "status": None,
                "reviewState": "edited" if len(submission.versions) > 1 else None,
                "deviceId": None,
                "edits": len(submission.versions) - 1,
                "formVersion": "1",
            },
        }

    def _odata_page(self, request: Request, rows: list[dict[str, Any]]) -> Response:
        top = min(int(request.args.get("$top", self.max_page)), self.max_page)
        skip = int(request.args.get("$skiptoken", request.args.get("$skip", 0)))
        body: dict[str, Any] = {
            "@odata.context": f"{self.base_url}{request.path}/$metadata",
            "value": rows[skip : skip + top],
        }
        if skip + top < len(rows):
            args = {k: v for k, v in request.args.items() if k not in ("$skip", "$skiptoken")}
            args["$skiptoken"] = str(skip + top)
            body["@odata.nextLink"] = f"{self.base_url}{request.path}?" + "&".join(
                f"{k}={quote(v)}" for k, v in args.items()
            )
        return _json(body)


def _central_time(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_FILTER = re.compile(r"(__system/\w+) gt (\S+)")


def _odata_match(row: dict[str, Any], request: Request) -> bool:
    """`a gt T or b gt T`, the one OData filter the client sends."""
    expression = request.args.get("$filter")
    if not expression:
        return True
    for name, moment in _FILTER.findall(expression):
        value = row["__system"].get(name.removeprefix("__system/"))
        if value is not None and dt.datetime.fromisoformat(value) > dt.datetime.fromisoformat(
            moment
        ):
            return True
    return False
