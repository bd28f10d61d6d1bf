"""A phone running ODK Collect, for the protocol tests: Digest sign-in, form list, submissions."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import httpx
from lxml import etree

from tonle.accounts.models import User
from tonle.collect.models import Form
from tonle.collect.phone_auth import digest_params
from tonle.collect.services import form_upload, phone_password_set

PHONE_PASSWORD = "a-phone-password"
SAMPLE = Path(__file__).resolve().parents[1] / "forms" / "sample.xlsx"
LIST = "{http://openrosa.org/xforms/xformsList}"
MANIFEST = "{http://openrosa.org/xforms/xformsManifest}"
RESPONSE = "{http://openrosa.org/http/response}"


def sample_form(*, project_id: int, by: User) -> Form:
    """The shipped sample form (tonle/collect/forms/sample.xlsx) uploaded for the project."""
    return form_upload(
        by=by, project_id=project_id, file_name="sample.xlsx", data=SAMPLE.read_bytes()
    )


def attendance_xml(
    instance_id: str,
    activity: int,
    women: list[str],
    *,
    new: tuple = (),
    deprecated_id: str = "",
    version: str = "2026120101",
) -> bytes:
    """A submission of the ready attendance form: the women chosen from the phone's list, then
    those registered at the door (name, birth year)."""
    repeats = "".join(
        f"<women><woman>{w}</woman><new><name_km/><name_latin/><birth_year/></new></women>"
        for w in women
    ) + "".join(
        f"<women><woman/><new><name_km/><name_latin>{name}</name_latin>"
        f"<birth_year>{born}</birth_year></new></women>"
        for name, born in new
    )
    deprecated = f"<deprecatedID>{deprecated_id}</deprecatedID>" if deprecated_id else ""
    return (
        f'<?xml version="1.0"?><data id="ccdo_attendance" version="{version}">'
        f"<activity>{activity}</activity>{repeats}"
        f"<meta><instanceID>{instance_id}</instanceID>{deprecated}</meta></data>"
    ).encode()


def with_phone_password(user: User) -> User:
    phone_password_set(user=user, password=PHONE_PASSWORD)
    return user


def instance_xml(
    *,
    instance_id: str,
    woman: str = "1",
    age: str = "30",
    deprecated_id: str = "",
    start: str = "2026-11-30T09:12:00.000+07:00",
    photo: str = "",
    version: str = "2026120101",
) -> bytes:
    """A filled sample form as Collect writes it."""
    deprecated = f"<deprecatedID>{deprecated_id}</deprecatedID>" if deprecated_id else ""
    return (
        f'<?xml version="1.0" ?><data xmlns:jr="http://openrosa.org/javarosa" '
        f'xmlns:orx="http://openrosa.org/xforms" id="tonle_sample" version="{version}">'
        f"<start>{start}</start><end>{start}</end><woman>{woman}</woman><age>{age}</age>"
        f"<services>id_card health</services><photo>{photo}</photo>"
        f"<meta><instanceID>{instance_id}</instanceID>{deprecated}</meta></data>"
    ).encode()


class Phone:
    """What Collect does: sign every request with Digest after the server's first 401."""

    def __init__(self, base_url: str, username: str, password: str = PHONE_PASSWORD) -> None:
        self.http = httpx.Client(
            base_url=f"{base_url}/collect",
            auth=httpx.DigestAuth(username, password),
            timeout=30,
            headers={"X-OpenRosa-Version": "1.0"},
        )

    def form_list(self, **params: str) -> etree._Element:
        response = self.http.get("/formList", params=params)
        assert response.status_code == 200, response.text
        return etree.fromstring(response.content)

    def submit(
        self, xml: bytes, *, files: dict[str, bytes] | None = None, incomplete: bool = False
    ) -> httpx.Response:
        """The pre-flight HEAD, then the multipart POST, as Collect sends a finished form."""
        head = self.http.head("/submission")
        assert head.status_code == 204, head.status_code
        parts = [("xml_submission_file", ("submission.xml", xml, "text/xml"))]
        parts += [(name, (name, data, "image/jpeg")) for name, data in (files or {}).items()]
        return self.http.post(
            "/submission", files=parts, data={"*isIncomplete*": "yes"} if incomplete else None
        )


def message_of(response: httpx.Response) -> str:
    return etree.fromstring(response.content).findtext(f"{RESPONSE}message") or ""


def digest_authorization(
    *, challenge: str, method: str, uri: str, username: str, password: str = PHONE_PASSWORD
) -> str:
    """The Authorization header answering a Digest challenge (RFC 7616, MD5, qop=auth)."""
    params = digest_params(challenge.partition(" ")[2])

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    cnonce, nc = os.urandom(8).hex(), "00000001"
    ha1 = md5(f"{username}:{params['realm']}:{password}")
    response = md5(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:auth:{md5(f'{method}:{uri}')}")
    return (
        f'Digest username="{username}", realm="{params["realm"]}", nonce="{params["nonce"]}", '
        f'uri="{uri}", qop=auth, nc={nc}, cnonce="{cnonce}", response="{response}", '
        f'opaque="{params.get("opaque", "")}", algorithm=MD5'
    )
