"""The manager maps a form on its page; the form page shows its submissions being applied, and
a submission that failed is corrected on its own page and applied again."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tonle.collect.instances import instance_read
from tonle.collect.models import FormMapping, RowStatus, Submission
from tonle.collect.ready_forms import HERE
from tonle.collect.services import form_upload, submission_receive
from tonle.lib.testing.tasks import tasks_run
from tonle.people.models import Participant

pytestmark = pytest.mark.usefixtures("transactional_db")  # the worker closes connections


def _registration(world):
    data = (HERE / "ccdo_registration.xlsx").read_bytes()
    return form_upload(by=world.manager, project_id=world.project_a.pk,
                       file_name="ccdo_registration.xlsx", data=data)  # fmt: skip


def _registered(form, by, *, village: str, name: str = "Sok Lina") -> Submission:
    xml = (
        f'<data id="ccdo_registration" version="2026120101"><name_km/>'
        f"<name_latin>{name}</name_latin><birth_year>1990</birth_year><village>{village}</village>"
        f"<phone/><consent>yes</consent><meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta>"
        f"</data>"
    ).encode()
    submission, _new = submission_receive(
        by=by, form=form, xml=xml, instance=instance_read(xml), parts=[], complete=True
    )
    return submission


def test_the_mapping_page_suggests_fields_by_name_and_saving_applies_the_submissions(
    client, world, django_capture_on_commit_callbacks
):
    form = _registration(world)
    with django_capture_on_commit_callbacks(execute=True):
        _registered(form, world.officer_a, village=str(world.village_a.pk))
    client.force_login(world.manager)
    page = client.get(reverse("collect-form", args=[form.pk]))
    assert "not mapped yet" in page.content.decode()
    mapping_page = client.get(reverse("collect-form-mapping", args=[form.pk]))
    mapping_form = mapping_page.context["mapping_form"]
    assert mapping_form["use|people.woman"].initial is True
    assert mapping_form["people.woman|name_latin"].initial == "/data/name_latin"
    assert mapping_form["people.woman|village"].initial == "/data/village"
    posted = {
        name: field.initial or ""
        for name, field in ((n, mapping_form[n]) for n in mapping_form.fields)
        if field.initial not in (None, False, "")
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("collect-form-mapping", args=[form.pk]), posted)
    assert response.status_code == 302
    assert FormMapping.objects.get().number == 1
    waiting = client.get(reverse("collect-form-progress", args=[form.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "0%" in waiting
    tasks_run()
    done = client.get(reverse("collect-form-progress", args=[form.pk])).content.decode()
    assert "hx-trigger" not in done and "100%" in done
    assert Participant.objects.filter(name_latin="Sok Lina", village=world.village_a).exists()


def test_a_failed_submission_shows_its_reason_per_field_and_is_corrected_on_its_page(
    client, world, django_capture_on_commit_callbacks
):
    form = _registration(world)
    client.force_login(world.manager)
    from tonle.collect.ready_forms import FORMS
    from tonle.collect.services import mapping_save

    mapping_save(by=world.manager, form=form, kinds=FORMS["ccdo_registration"]["mapping"])
    with django_capture_on_commit_callbacks(execute=True):
        submission = _registered(form, world.officer_a, village=str(world.village_b.pk))
    tasks_run()
    submission.refresh_from_db()
    assert submission.status == RowStatus.FAILED
    assert list(submission.errors) == ["/data/village"]
    client.force_login(world.officer_a)
    listed = client.get(reverse("collect-form", args=[form.pk])).content.decode()
    assert "/data/village" in listed and "not one of your communities" in listed
    page = client.get(reverse("collect-submission", args=[submission.pk]))
    assert page.context["correction"].paths == ["/data/village"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("collect-submission-correct", args=[submission.pk]),
            {"c0": str(world.village_a.pk)},
        )
    tasks_run()
    submission.refresh_from_db()
    assert submission.status == RowStatus.APPLIED
    assert Participant.objects.filter(name_latin="Sok Lina").count() == 1
    assert bytes(submission.xml).count(str(world.village_b.pk).encode())  # as it arrived


def test_apply_again_writes_the_reasons_in_the_language_of_who_asked(
    client, world, django_capture_on_commit_callbacks
):
    from tonle.collect.ready_forms import FORMS
    from tonle.collect.services import mapping_save

    form = _registration(world)
    mapping_save(by=world.manager, form=form, kinds=FORMS["ccdo_registration"]["mapping"])
    with django_capture_on_commit_callbacks(execute=True):
        submission = _registered(form, world.officer_a, village=str(world.village_b.pk))
    tasks_run()
    submission.refresh_from_db()
    assert "not one of your communities" in submission.errors["/data/village"]
    client.force_login(world.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("collect-submission-apply", args=[submission.pk]), HTTP_ACCEPT_LANGUAGE="km"
        )
    assert response.status_code == 302
    tasks_run()
    submission.refresh_from_db()
    assert submission.status == RowStatus.FAILED and submission.language == "km"
    assert submission.errors["/data/village"] == "ភូមិនេះមិនមែនជាសហគមន៍មួយរបស់អ្នកទេ។"
