"""The IATI file passes the vendored IATI 2.03 schema, and a file that fails it is never offered."""

import decimal

import pytest
from django.urls import reverse
from lxml import etree

from tonle.reports.iati import iati_activity_file, iati_errors
from tonle.results.services import target_set


@pytest.fixture
def project(world, engaged):
    project = world.project_a
    project.organisation.iati_ref = "KH-CCDO-1"
    project.organisation.save()
    target_set(indicator=engaged, starts_on=project.starts_on, ends_on=project.ends_on,
               value=decimal.Decimal(10))  # fmt: skip
    return project


def test_the_project_passes_the_iati_schema_with_its_results(project):
    iati = iati_activity_file(project=project)
    assert iati.errors == []
    document = etree.fromstring(iati.xml)
    assert document.findtext("iati-activity/iati-identifier") == f"KH-CCDO-1-{project.slug}"
    assert document.find("iati-activity/recipient-country").get("code") == "KH"
    period = document.find("iati-activity/result/indicator/period")
    assert period.find("target").get("value") == "10"
    actuals = period.findall("actual")
    assert actuals[0].get("value") == "6" and not actuals[0].findall("dimension")
    khmer = document.find(
        "iati-activity/title/narrative[@{http://www.w3.org/XML/1998/namespace}lang='km']"
    )
    assert khmer is not None


def test_an_invalid_file_is_caught_naming_the_line_and_the_element(project):
    document = etree.fromstring(iati_activity_file(project=project).xml)
    activity = document.find("iati-activity")
    activity.remove(activity.find("title"))
    errors = iati_errors(etree.tostring(document))
    assert errors and "Line" in errors[0] and "title" in " ".join(errors)
    assert iati_errors(b"<iati-activities") != []  # not even XML


def test_the_page_offers_only_a_valid_file(client, world, project):
    client.force_login(world.manager)
    url = reverse("reports-iati", args=[project.slug])
    assert "data-iati-valid" in client.get(url).content.decode()
    download = client.get(url, {"download": 1})
    assert download["Content-Type"].startswith("application/xml")
    assert iati_errors(download.content) == []

    project.organisation.iati_ref = ""  # the schema requires the reporting organisation's ref
    project.organisation.save()
    page = client.get(url).content.decode()
    assert "data-iati-errors" in page and "reporting-org" in page and "?download=1" not in page
    assert client.get(url, {"download": 1}).status_code == 409
