"""Every spreadsheet Tonle hands out keeps a name like =HYPERLINK(...) as text, never a formula."""

import csv
import datetime as dt
import importlib
import inspect
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from tonle.accounts.models import AccessAction
from tonle.accounts.services import access_log
from tonle.lib.spreadsheets import FORMULA_STARTS, Sheet, csv_write, xlsx_workbook
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.public.services import subscriber_sign_up
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.reports.services import report_issue
from tonle.results.services import indicator_save
from tonle.transport.services import trip_record
from tonle.transport.tests.factories import ContractFactory

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "\tcmd", "-2+3", "\r=1"]
# Every export a person can download, by URL name and query. The test below fails when a
# module that makes spreadsheets serves a URL this list does not name.
EXPORTS = [
    ("results-framework", {"format": "csv"}),
    ("results-framework", {"format": "xlsx"}),
    ("reports-tables", {}),
    *[("reports-tables", {"format": "csv", "table": n}) for n in range(3)],
    ("reports-issued-tables", {}),
    *[("reports-issued-tables", {"format": "csv", "table": n}) for n in range(3)],
    ("transport-statement", {"format": "xlsx"}),
    ("accounts-access-log", {"format": "xlsx"}),
    ("public-subscribers", {}),
]
# Exports for administrators only; managers make the others.
ADMINISTRATORS_ONLY = {"accounts-access-log", "public-subscribers"}
SPREADSHEET_HELPERS = ("csv_response", "xlsx_response", "xlsx_download", "xlsx_workbook")


@pytest.fixture
def hostile(world, report):
    """Women, an activity, a community, a provider and an indicator named like formulas."""
    world.village_a.name_en = world.village_a.name_km = "-2+3"
    world.village_a.save()
    indicator_save(
        project=world.project_a, level="outcome", code="named", name_en="@SUM(A1)",
        name_km="=1+1", baseline=Decimal(-3), definition={"measure": "people_attending"},
    )  # fmt: skip
    activity = ActivityFactory(project=world.project_a, date=dt.date(2023, 3, 10),
                               name_en='=HYPERLINK("http://x","y")', name_km="+1")  # fmt: skip
    contract = ContractFactory(project=world.project_a)
    provider = ServiceProviderFactory(name_en="@provider", name_km="@provider")
    for name in FORMULAS:
        woman = ParticipantFactory(village=world.village_a, name_km=name, name_latin=name)
        Attendance.objects.create(activity=activity, participant=woman)
        trip_record(by=world.manager, contract=contract, participant=woman,
                    from_village=world.village_a, to_provider=provider,
                    date=dt.date(2023, 3, 12), distance_km=Decimal(2))  # fmt: skip
    issued = report_issue(by=world.manager, template=report)
    # A refused address is typed by whoever asked for it, and the log keeps it as it came.
    access_log(user=world.donor, action=AccessAction.REFUSED, record_type="page",
               record_id="=1+1", path='/people/?q==HYPERLINK("http://x","y")')  # fmt: skip
    # A reader signing up for the newsletter agrees to the words of the day: kept as they came.
    subscriber_sign_up(email="reader@example.org", language="en", address="127.0.0.1",
                       consent_text='=HYPERLINK("http://x","y")', site_url="http://testserver")  # fmt: skip
    return {
        "accounts-access-log": [],
        "public-subscribers": [],
        "results-framework": [world.project_a.slug],
        "reports-tables": [world.project_a.slug, report.slug],
        "reports-issued-tables": [issued.pk],
        "transport-statement": [contract.driver.pk, "2023-03"],
    }


def _cells(response) -> list:
    if response["Content-Type"].startswith("text/csv"):
        text = response.content.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    book = load_workbook(io.BytesIO(response.content))
    return [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row]


def _runs_as_formula(cell) -> bool:
    if not isinstance(cell, str) or not cell.startswith(FORMULA_STARTS):
        return False
    try:
        float(cell)  # a negative number in a CSV is a number, not a formula
    except ValueError:
        return True
    return False


def test_no_export_hands_a_spreadsheet_a_formula(client, world, hostile):
    texts = []
    for name, query in EXPORTS:
        client.force_login(world.admin if name in ADMINISTRATORS_ONLY else world.manager)
        response = client.get(reverse(name, args=hostile[name]), query)
        assert response.status_code == 200, (name, query)
        cells = _cells(response)
        assert not [cell for cell in cells if _runs_as_formula(cell)], (name, query)
        texts += [cell for cell in cells if isinstance(cell, str)]
    # The names are all there (as the registry keeps them: trimmed), quoted, and numbers (a
    # negative baseline too) stay numbers.
    for name in {name.strip() for name in FORMULAS if name.strip().startswith(FORMULA_STARTS)}:
        assert any(cell.startswith(f"'{name}") for cell in texts), name
    tables = _cells(client.get(reverse("reports-tables", args=hostile["reports-tables"])))
    assert -3 in tables


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_that_starts_like_a_formula_is_quoted_and_a_number_stays_a_number(text):
    out = io.StringIO()
    csv_write(out, headers=[text], rows=[[text, -3, 2.5, "Sok Srey"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        [f"'{text}"],
        [f"'{text}", "-3", "2.5", "Sok Srey"],
    ]
    book = load_workbook(io.BytesIO(xlsx_workbook([Sheet("s", [text], [[text, -3]])])))
    (header, _blank), (cell, number) = book.active.iter_rows(values_only=True)
    assert header.startswith("'") and cell.startswith("'") and number == -3


def test_the_indicators_command_quotes_formulas_too(world, hostile):
    out = io.StringIO()
    call_command("indicators", project=world.project_a.slug, format="csv", stdout=out)
    cells = [cell for row in csv.reader(io.StringIO(out.getvalue())) for cell in row]
    assert "'@SUM(A1)" in cells and not [cell for cell in cells if _runs_as_formula(cell)]


def _patterns(resolver: URLResolver):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry


def test_every_view_module_that_makes_spreadsheets_has_its_urls_in_the_export_list():
    listed = {name for name, _query in EXPORTS}
    exporting = set()
    for pattern in _patterns(get_resolver()):
        module = importlib.import_module(pattern.callback.__module__)
        if any(helper in inspect.getsource(module) for helper in SPREADSHEET_HELPERS):
            exporting.add(module.__name__)
    covered = {get_resolver().resolve(_path(name)).func.__module__ for name in listed}
    assert exporting <= covered


def _path(name: str) -> str:
    args = {"results-framework": ["p"], "reports-tables": ["p", "r"],
            "reports-issued-tables": [1], "transport-statement": [1, "2023-03"],
            "accounts-access-log": [], "public-subscribers": []}  # fmt: skip
    return reverse(name, args=args[name])
