"""CCDO's ready forms: each converts, its questions' names suggest its default mapping, and a
filled one is applied to the records it is for, as the woman's officer or Smart Woman."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tonle.cases.models import Session
from tonle.collect.applying import form_fields, suggested_fields
from tonle.collect.instances import instance_read
from tonle.collect.models import RowStatus
from tonle.collect.ready_forms import FORMS, HERE
from tonle.collect.registry import applier_of
from tonle.collect.services import form_upload, mapping_save, submission_apply, submission_receive
from tonle.outcomes.models import Milestone
from tonle.people.models import Participant
from tonle.referrals.models import Referral
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.transport.models import Trip
from tonle.transport.tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def _upload(world, form_id: str):
    return form_upload(by=world.manager, project_id=world.project_a.pk,
                       file_name=f"{form_id}.xlsx", data=(HERE / f"{form_id}.xlsx").read_bytes())  # fmt: skip


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_each_ready_form_converts_and_its_question_names_suggest_its_mapping(world, form_id):
    form = _upload(world, form_id)
    assert form.title == FORMS[form_id]["title"][0]
    assert 'lang="Khmer (km)"' in form.xml and 'lang="English (en)"' in form.xml
    fields = form_fields(form.xml)
    for kind, plan in FORMS[form_id]["mapping"].items():
        applier = applier_of(kind)
        assert applier is not None
        suggested = suggested_fields(applier=applier, fields=fields)
        assert plan["fields"].items() <= suggested.items(), kind


def _filled(form, by, answers: dict[str, str]):
    body = "".join(f"<{name}>{value}</{name}>" for name, value in answers.items())
    xml = (f'<data id="{form.form_id}" version="{form.version}">{body}'
           f"<meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta></data>").encode()  # fmt: skip
    submission, _new = submission_receive(
        by=by, form=form, xml=xml, instance=instance_read(xml), parts=[], complete=True
    )
    return submission


def _applied(world, form_id: str, by, answers: dict[str, str]):
    form = _upload(world, form_id)
    mapping_save(by=world.manager, form=form, kinds=FORMS[form_id]["mapping"])
    submission = submission_apply(submission=_filled(form, by, answers))
    assert submission.status == RowStatus.APPLIED, submission.errors
    return submission


def test_the_registration_form_registers_a_woman_with_her_consent(world):
    _applied(world, "ccdo_registration", world.officer_a, {
        "name_km": "សុខ លីណា", "name_latin": "Sok Lina", "birth_year": "1990",
        "village": str(world.village_a.pk), "phone": "012345678", "consent": "yes"})  # fmt: skip
    lina = Participant.objects.get(name_latin="Sok Lina")
    assert lina.consent_given and lina.registered_by == world.officer_a
    assert lina.history.first().history_user == world.officer_a


def test_the_referral_form_refers_her_with_her_consent(world):
    provider = ServiceProviderFactory()
    today = dt.date.today().isoformat()
    answers = {"woman": str(world.woman_a.pk), "provider": str(provider.pk), "service": "health_visit",
               "reason": "check-up", "sent_on": today, "consent": "yes"}  # fmt: skip
    _applied(world, "ccdo_referral", world.officer_a, answers)
    assert Referral.objects.get().consent_given


def test_a_referral_without_consent_fails_on_the_consent_question(world):
    provider = ServiceProviderFactory()
    form = _upload(world, "ccdo_referral")
    mapping_save(by=world.manager, form=form, kinds=FORMS["ccdo_referral"]["mapping"])
    submission = submission_apply(submission=_filled(form, world.officer_a, {
        "woman": str(world.woman_a.pk), "provider": str(provider.pk), "service": "health_visit",
        "reason": "check-up", "sent_on": dt.date.today().isoformat(), "consent": ""}))  # fmt: skip
    assert submission.status == RowStatus.FAILED
    assert list(submission.errors) == ["/data/consent"]
    assert not Referral.objects.exists()


def test_the_counselling_form_logs_a_contact_on_a_case_it_opens(world):
    _applied(world, "ccdo_counselling", world.mentor, {
        "woman": str(world.mentee.pk), "contact_date": "2026-11-30", "duration_minutes": "45",
        "notes": "", "follow_up_on": ""})  # fmt: skip
    session = Session.objects.get()
    assert session.case.participant == world.mentee and session.duration_minutes == 45


def test_the_trip_form_records_a_trip_under_the_drivers_contract(world):
    contract = ContractFactory(project=world.project_a, starts_on=dt.date(2026, 1, 1),
                               ends_on=dt.date(2026, 12, 31))  # fmt: skip
    provider = ServiceProviderFactory()
    _applied(world, "ccdo_trip", world.officer_a, {
        "woman": str(world.woman_a.pk), "contract": str(contract.pk), "trip_date": "2026-11-30",
        "provider": str(provider.pk), "distance_km": "4.5"})  # fmt: skip
    trip = Trip.objects.get()
    assert trip.participant == world.woman_a and trip.from_village == world.village_a


def test_the_milestone_form_records_her_milestone(world):
    _applied(world, "ccdo_milestone", world.officer_a, {
        "woman": str(world.woman_a.pk), "milestone": "village_chief",
        "milestone_date": "2026-11-30", "evidence": "the commune's decision"})  # fmt: skip
    assert Milestone.objects.get().kind == "village_chief"
