"""A phone signs in with Digest and fetches its forms, their media and the women of its scope.

A real server on loopback (pytest-django's live_server), spoken to the way Collect does.
"""

from __future__ import annotations

import csv
import hashlib
import io

import httpx
import pytest
from lxml import etree

from tonle.accounts.models import AccessAction, AccessLog
from tonle.collect.services import form_set_active
from tonle.collect.tests.phone import LIST, MANIFEST, Phone
from tonle.people.models import Participant
from tonle.people.tests.factories import ParticipantFactory

pytestmark = pytest.mark.usefixtures("transactional_db")


def _women_file(phone: Phone, form_pk: int) -> tuple[str, bytes]:
    manifest = phone.http.get(f"/xforms/{form_pk}/manifest/")
    assert manifest.status_code == 200
    entry = etree.fromstring(manifest.content).find(f"{MANIFEST}mediaFile")
    assert entry.findtext(f"{MANIFEST}filename") == "women.csv"
    download = phone.http.get(entry.findtext(f"{MANIFEST}downloadUrl"))
    assert download.status_code == 200
    return entry.findtext(f"{MANIFEST}hash"), download.content


def _names_in(data: bytes) -> set[str]:
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert rows == [] or set(rows[0]) == {
        "name", "label", "name_km", "name_latin", "village", "village_km", "birth_year"
    }  # fmt: skip
    return {row["name_latin"] for row in rows}


def test_form_list_holds_her_projects_forms_with_their_hash_and_the_openrosa_headers(
    collect_phone, live_server, world, form_a
):
    response = collect_phone("officer_a").http.get("/formList")
    assert response.status_code == 200
    assert response.headers["X-OpenRosa-Version"] == "1.0" and response.headers["Date"]
    root = etree.fromstring(response.content)
    assert root.tag == f"{LIST}xforms"
    (entry,) = root.findall(f"{LIST}xform")
    assert entry.findtext(f"{LIST}formID") == "tonle_sample"
    assert entry.findtext(f"{LIST}version") == "2026120101"
    assert entry.findtext(f"{LIST}hash") == f"md5:{form_a.md5}"
    download = collect_phone("officer_a").http.get(entry.findtext(f"{LIST}downloadUrl"))
    assert download.status_code == 200
    assert f"md5:{hashlib.md5(download.content).hexdigest()}" == entry.findtext(f"{LIST}hash")
    assert entry.findtext(f"{LIST}manifestUrl").endswith(f"/collect/xforms/{form_a.pk}/manifest/")


def test_form_list_filters_by_form_id_and_leaves_out_other_projects_forms(
    collect_phone, live_server, world, form_a
):
    assert len(collect_phone("officer_a").form_list(formID="tonle_sample")) == 1
    assert len(collect_phone("officer_a").form_list(formID="another")) == 0
    assert len(collect_phone("officer_b").form_list()) == 0
    assert len(collect_phone("mentor").form_list()) == 1
    assert len(collect_phone("manager").form_list()) == 1
    other = collect_phone("officer_b").http.get(f"/xforms/{form_a.pk}/")
    assert other.status_code == 404


def test_no_woman_outside_her_scope_is_ever_in_her_womens_file(
    collect_phone, live_server, world, form_a
):
    officer_names = _names_in(_women_file(collect_phone("officer_a"), form_a.pk)[1])
    assert "Chan Sophea" in officer_names and "Keo Dara" not in officer_names
    mentor_names = _names_in(_women_file(collect_phone("mentor"), form_a.pk)[1])
    mentee = Participant.objects.get(pk=world.mentee.pk)
    assert mentee.name_latin in mentor_names
    # A woman of her project's village is not in her group: the Smart Woman does not get her.
    assert "Chan Sophea" not in mentor_names and "Keo Dara" not in mentor_names


def test_the_womens_file_hash_changes_when_her_list_does(collect_phone, live_server, world, form_a):
    phone = collect_phone("officer_a")
    before, data = _women_file(phone, form_a.pk)
    assert before == f"md5:{hashlib.md5(data).hexdigest()}"
    assert _women_file(phone, form_a.pk)[0] == before
    ParticipantFactory(village=world.village_a, name_latin="Mao Chanthou")
    after, data = _women_file(phone, form_a.pk)
    assert after != before and "Mao Chanthou" in _names_in(data)


def test_an_unsigned_request_gets_a_digest_challenge(collect_phone, live_server, world, form_a):
    response = httpx.get(f"{live_server.url}/collect/formList")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Digest ")
    assert 'qop="auth"' in response.headers["WWW-Authenticate"]
    assert not AccessLog.objects.filter(action=AccessAction.REFUSED).exists()


def test_a_wrong_phone_password_gets_401_and_is_logged(collect_phone, live_server, world, form_a):
    response = collect_phone("officer_a", "not-her-password").http.get("/formList")
    assert response.status_code == 401
    assert AccessLog.objects.filter(
        action=AccessAction.REFUSED, record_id="phone-password"
    ).exists()
    # Her web password is not her phone password.
    web = collect_phone("officer_a", "a-long-test-password").http.get("/formList")
    assert web.status_code == 401


def test_basic_is_refused_over_plain_http(collect_phone, live_server, world, form_a):
    response = httpx.get(
        f"{live_server.url}/collect/formList", auth=("officer_a", "a-phone-password")
    )
    assert response.status_code == 401


def test_a_donor_gets_no_forms_and_is_refused_403_logged(collect_phone, live_server, world, form_a):
    response = collect_phone("donor").http.get("/formList")
    assert response.status_code == 403
    assert AccessLog.objects.filter(user=world.donor, action=AccessAction.REFUSED).exists()


def test_a_form_taken_off_the_phones_leaves_the_form_list(
    collect_phone, live_server, world, form_a
):
    form_set_active(form=form_a, active=False)
    assert len(collect_phone("officer_a").form_list()) == 0
