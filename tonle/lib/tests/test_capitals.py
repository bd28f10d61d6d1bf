"""In English, form labels and column headers begin with a capital letter."""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
from django.urls import reverse

from tonle.cases.models import CaseKind
from tonle.cases.services import case_open
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.transport.services import trip_record
from tonle.transport.tests.factories import ContractFactory

_LABEL = re.compile(r"<(?:label|legend|th)\b[^>]*>\s*(?:<input[^>]*>\s*)?([^<\s][^<]*)")


def _lower_case_labels(html: str) -> list[str]:
    return [text for text in _LABEL.findall(html) if text[0].islower()]


def test_form_labels_and_table_headers_begin_with_a_capital(client, world):
    case = case_open(
        by=world.officer_a, participant=world.woman_a, project=world.project_a, kind=CaseKind.COACHING,
        worker=world.officer_a, opened_on=dt.date(2023, 1, 10), consent_given=True,
    )  # fmt: skip
    contract = ContractFactory(project=world.project_a)
    trip_record(by=world.officer_a, contract=contract, participant=world.woman_a,
                from_village=world.village_a, to_provider=ServiceProviderFactory(),
                date=dt.date(2023, 3, 1), distance_km=Decimal(2))  # fmt: skip
    statement = reverse("transport-statement", args=[contract.driver_id, "2023-03"])
    client.force_login(world.officer_a)

    for url in (
        reverse("cases-new", args=[world.woman_a.pk]),  # a form of labels only
        reverse("cases-session", args=[case.pk]),
        reverse("cases-detail", args=[case.pk]),  # the sessions table
        statement,
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert _lower_case_labels(page.content.decode()) == [], url
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(statement, {"format": "xlsx"}).content))
    headers = next(sheet.active.iter_rows(max_row=1, values_only=True))
    assert [h for h in headers if h and h[0].islower()] == []
