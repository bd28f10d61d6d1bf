"""Indicators as data: definitions checked part by part, figures exact, splits honest."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory, TopicFactory
from tonle.results.framework import framework_figures
from tonle.results.grid import figure_ids, grid_ids, served_by_grid
from tonle.results.indicators import definition_check, indicator_split, indicator_value
from tonle.results.models import IndicatorGrid
from tonle.results.reach import REACH
from tonle.results.services import framework_export, framework_import, indicator_save, target_set
from tonle.transport.tests.factories import ContractFactory


@pytest.fixture
def trainings(world):
    """Two business trainings and a health one; one woman came to all three, one to one."""
    business = TopicFactory(code="business", name_en="Business")
    first = ActivityFactory(project=world.project_a, topic=business, date=dt.date(2023, 1, 5))
    second = ActivityFactory(project=world.project_a, topic=business, date=dt.date(2023, 4, 5))
    health = ActivityFactory(project=world.project_a, date=dt.date(2023, 4, 9))
    keen, once = ParticipantFactory.create_batch(2, village=world.village_a)
    for activity in (first, second, health):
        Attendance.objects.create(activity=activity, participant=keen)
    Attendance.objects.create(activity=first, participant=once)
    return keen, once


@pytest.mark.parametrize(
    ("definition", "part"),
    [
        ({"measure": "shoe_sizes"}, "measure"),
        ({"measure": "people_attending", "filters": {"colour": ["red"]}}, "filters"),
        ({"measure": "people_attending", "filters": {"topic": ["astrology"]}}, "filters"),
        ({"measure": "trips", "at_least": 2}, "at_least"),
        ({"measure": "people_attending", "at_least": 0}, "at_least"),
        ({"measure": "people_attending", "weight": 3}, "definition"),
    ],
)
def test_a_definition_that_makes_no_sense_is_refused_naming_the_part(
    world, trainings, definition, part
):
    with pytest.raises(ValidationError) as refused:
        definition_check(project=world.project_a, definition=definition)
    assert part in refused.value.message_dict


def test_a_woman_counts_once_however_often_she_came(world, trainings):
    everyone = {"measure": "people_attending"}
    assert indicator_value(project=world.project_a, definition=everyone) == 2
    assert indicator_value(project=world.project_a, definition={"measure": "activities"}) == 3


def test_at_least_counts_women_with_enough_matching_records(world, trainings):
    two_business = {
        "measure": "people_attending",
        "filters": {"topic": ["business"]},
        "at_least": 2,
    }
    assert indicator_value(project=world.project_a, definition=two_business) == 1
    by_quarter = indicator_split(
        project=world.project_a, definition=two_business, dimension="quarter"
    )
    assert by_quarter == {"2023-Q1": 1, "2023-Q2": 1}


def test_splits_of_people_can_add_up_to_more_than_the_total(world, trainings):
    everyone = {"measure": "people_attending"}
    quarters = indicator_split(project=world.project_a, definition=everyone, dimension="quarter")
    assert quarters == {"2023-Q1": 2, "2023-Q2": 1}
    assert (
        indicator_value(project=world.project_a, definition=everyone, start=dt.date(2023, 4, 1))
        == 1
    )


def test_a_sum_of_fares(world):
    from decimal import Decimal

    from tonle.referrals.tests.factories import ServiceProviderFactory
    from tonle.transport.services import trip_record

    contract = ContractFactory(project=world.project_a)
    for km in ("2", "4"):
        trip_record(by=world.officer_a, contract=contract, date=dt.date(2023, 3, 1), participant=world.woman_a,
                    from_village=world.village_a, to_provider=ServiceProviderFactory(), distance_km=Decimal(km))  # fmt: skip
    assert indicator_value(project=world.project_a, definition={"measure": "fares"}) == 9000


def test_a_framework_round_trips_through_plain_data(world, trainings):
    goal = indicator_save(project=world.project_a, code="goal", level="goal", name_en="Women lead")
    engaged = indicator_save(project=world.project_a, parent=goal, code="engaged", level="outcome",
                             name_en="Engaged", definition={"measure": "people_attending"})  # fmt: skip
    target_set(
        indicator=engaged, starts_on=dt.date(2022, 1, 1), ends_on=dt.date(2030, 12, 31), value=10
    )
    exported = framework_export(project=world.project_a)

    world.project_a.indicators.all().delete()
    framework_import(project=world.project_a, rows=exported)

    assert framework_export(project=world.project_a) == exported
    (_goal, engaged_figures) = framework_figures(project=world.project_a)
    assert (engaged_figures.value, engaged_figures.target, engaged_figures.progress) == (2, 10, 0.2)
    assert engaged_figures.splits["district"] == {str(world.village_a.commune.district_id): 2}


def test_an_import_with_a_broken_indicator_changes_nothing_and_says_which(world):
    rows = [
        {"code": "engaged", "level": "outcome", "name_en": "Engaged", "definition": {"measure": "people_attending"}},
        {"code": "bad", "level": "output", "name_en": "Bad", "definition": {"measure": "people_attending",
                                                                         "filters": {"topic": ["astrology"]}}},
    ]  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        framework_import(project=world.project_a, rows=rows)
    assert (
        "Indicator 2 (bad)" in refused.value.messages[0]
        and "astrology" in refused.value.messages[0]
    )
    assert not world.project_a.indicators.exists()


def test_a_broken_definition_shows_as_an_error_on_its_own_figure(world, trainings):
    indicator_save(project=world.project_a, code="ok", level="output", name_en="OK",
                   definition={"measure": "people_attending"})  # fmt: skip
    broken = indicator_save(project=world.project_a, code="was-ok", level="output", name_en="Was OK",
                            definition={"measure": "people_attending", "filters": {"topic": ["business"]}})  # fmt: skip
    type(broken).objects.filter(pk=broken.pk).update(definition={"measure": "gone"})
    ok, was_ok = framework_figures(project=world.project_a)
    assert ok.value == 2 and not ok.error
    assert was_ok.value is None and "gone" in was_ok.error


def test_the_framework_page_shows_each_figure_and_the_women_behind_it(client, world, trainings):
    from django.urls import reverse

    indicator_save(project=world.project_a, code="engaged", level="outcome", name_en="Engaged",
                   definition={"measure": "people_attending"})  # fmt: skip
    client.force_login(world.officer_a)
    page = client.get(reverse("results-framework", args=[world.project_a.slug]))
    assert page.status_code == 200
    (item,) = page.context["figures"]
    assert item.value == 2
    people = reverse("results-indicator-people", args=[world.project_a.slug, "engaged"])
    assert client.get(people).context["figure"] == 2
    drill = client.get(people, {"dimension": "quarter", "key": "2023-Q2"})
    assert drill.context["figure"] == len(drill.context["page"].object_list) == 1
    client.force_login(world.donor)
    donor_page = client.get(reverse("results-framework", args=[world.project_a.slug]))
    assert donor_page.status_code == 200 and people not in donor_page.content.decode()
    assert client.get(people).status_code == 403


def test_an_me_manager_defines_an_indicator_in_the_browser_and_sees_it_with_its_target(
    client, world, trainings
):
    from django.urls import reverse

    client.force_login(world.manager)
    url = reverse("results-indicator-new", args=[world.project_a.slug])
    chosen = client.post(
        url, {"measure": "people_attending", "name_en": "Keen on business", "choose": "1"}
    )
    assert "filter_topic" in chosen.context["form"].fields
    assert chosen.context["form"].initial["name_en"] == "Keen on business"  # nothing typed is lost

    saved = client.post(url, {"save": "1", "measure": "people_attending", "name_en": "Keen on business",
                              "code": "business-2", "level": "output", "direction": "increase",
                              "baseline": "0", "target": "5", "filter_topic": ["business"], "at_least": "2"})  # fmt: skip

    assert saved.status_code == 302
    (item,) = client.get(reverse("results-framework", args=[world.project_a.slug])).context[
        "figures"
    ]
    assert (item.value, item.target) == (1, 5)
    assert item.indicator.definition == {"measure": "people_attending", "filters": {"topic": ["business"]},
                                         "at_least": 2}  # fmt: skip


def test_a_definition_the_service_refuses_is_shown_on_the_form(client, world, trainings):
    from django.urls import reverse

    client.force_login(world.manager)
    url = reverse("results-indicator-new", args=[world.project_a.slug])
    response = client.post(url, {"save": "1", "measure": "people_attending", "name_en": "X", "code": "x",
                                 "level": "output", "direction": "increase", "baseline": "0",
                                 "filter_topic": ["astrology"]})  # fmt: skip
    assert response.status_code == 200 and response.context["form"].errors
    assert not world.project_a.indicators.exists()


@pytest.mark.parametrize("persona", ["officer_a", "donor", "mentor"])
def test_only_managers_edit_the_framework(client, world, persona):
    from django.urls import reverse

    client.force_login(getattr(world, persona))
    assert (
        client.get(reverse("results-indicator-new", args=[world.project_a.slug])).status_code == 403
    )


def test_donors_see_the_framework_without_small_figures(client, world, trainings):
    from django.urls import reverse

    indicator_save(project=world.project_a, code="engaged", level="outcome", name_en="Engaged",
                   definition={"measure": "people_attending"})  # fmt: skip
    client.force_login(world.donor)
    page = client.get(reverse("results-framework", args=[world.project_a.slug]))
    (item,) = page.context["figures"]
    assert item.value is None and item.suppressed
    assert all(value is None for table in item.tables for _k, _l, value in table["cells"])


def test_the_framework_exports_the_same_figures_as_csv_and_xlsx_and_not_to_donors(
    client, world, trainings
):
    import csv
    import io

    import openpyxl
    from django.urls import reverse

    indicator_save(project=world.project_a, code="engaged", level="outcome", name_en="Engaged",
                   definition={"measure": "people_attending"})  # fmt: skip
    url = reverse("results-framework", args=[world.project_a.slug])
    client.force_login(world.officer_a)
    text = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][:7] == ["engaged", "outcome", "Engaged", "people", "", "total", "2"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    assert [c.value for c in book.active[2]][:7] == [
        "engaged",
        "outcome",
        "Engaged",
        "people",
        None,
        "total",
        2,
    ]
    client.force_login(world.donor)
    assert client.get(url, {"format": "csv"}).status_code == 403


def test_a_framework_goes_out_as_yaml_and_comes_back_and_a_broken_file_is_refused(
    world, trainings, tmp_path
):
    import io

    from django.core.management import CommandError, call_command

    indicator_save(project=world.project_a, code="engaged", level="outcome", name_en="Engaged",
                   name_km="បានចូលរួម", definition={"measure": "people_attending"})  # fmt: skip
    exported = io.StringIO()
    call_command("framework", "export", project=world.project_a.slug, stdout=exported)
    path = tmp_path / "framework.yaml"
    path.write_text(exported.getvalue(), encoding="utf-8")
    assert "បានចូលរួម" in exported.getvalue()

    call_command(
        "framework", "import", str(path), project=world.project_b.slug, stdout=io.StringIO()
    )

    assert world.project_b.indicators.get().definition == {"measure": "people_attending"}
    path.write_text(
        exported.getvalue().replace("people_attending", "people_dancing"), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="people_dancing"):
        call_command("framework", "import", str(path), project=world.project_b.slug)


def test_a_locked_period_keeps_its_figures_and_shows_what_changed_since(client, world, trainings):
    from django.urls import reverse

    from tonle.results.models import PeriodLock

    indicator_save(project=world.project_a, code="engaged", level="outcome", name_en="Engaged",
                   definition={"measure": "people_attending"})  # fmt: skip
    url = reverse("results-framework", args=[world.project_a.slug])
    period = {"from": "2023-01-01", "to": "2023-12-31"}
    client.force_login(world.officer_a)
    assert (
        client.post(
            reverse("results-framework-lock", args=[world.project_a.slug])
            + "?from=2023-01-01&to=2023-12-31"
        ).status_code
        == 403
    )
    client.force_login(world.manager)
    client.post(
        reverse("results-framework-lock", args=[world.project_a.slug])
        + "?from=2023-01-01&to=2023-12-31"
    )
    lock = PeriodLock.objects.get()
    assert lock.figures["engaged"]["value"] == "2" and len(lock.figures["engaged"]["ids"]) == 2

    late = ParticipantFactory(village=world.village_a)  # a sheet that came in late
    Attendance.objects.create(activity=world.project_a.activities.first(), participant=late)

    (item,) = client.get(url, period).context["figures"]
    assert item.value == 3
    assert (item.frozen["value"], item.frozen["added"], item.frozen["removed"]) == (2, 1, 0)
    lock.refresh_from_db()
    assert lock.figures["engaged"]["value"] == "2"  # the reported figure never changes


def test_a_measure_of_people_narrows_to_women_and_girls(world, trainings):
    from tonle.people.models import Sex

    man = ParticipantFactory(village=world.village_a, sex=Sex.MALE)
    Attendance.objects.create(activity=world.project_a.activities.first(), participant=man)
    assert indicator_value(project=world.project_a, definition={"measure": "people_attending"}) == 3
    women = {"measure": "people_attending", "filters": {"sex": ["F"]}}
    assert indicator_value(project=world.project_a, definition=women) == 2


def test_the_rebuild_command_builds_the_reach_grid_and_one_for_each_indicator_of_people(
    world, trainings
):
    women = indicator_save(
        project=world.project_a, level="output", code="women", name_en="Women", name_km="ស្ត្រី",
        definition={"measure": "people_attending"},
    )  # fmt: skip
    indicator_save(
        project=world.project_a, level="output", code="held", name_en="Held", name_km="បាន",
        definition={"measure": "activities"},
    )  # fmt: skip
    out = io.StringIO()
    call_command("results_rebuild", project=world.project_a.slug, stdout=out)
    assert "2 grids" in out.getvalue()  # the dashboard's reach, and this indicator's
    built = IndicatorGrid.objects.filter(project=world.project_a).values_list(
        "definition", flat=True
    )
    assert sorted(built, key=len) == [women.definition, REACH]
    assert len(grid_ids(project=world.project_a, definition=women.definition)) == 2


def test_a_period_of_whole_months_is_read_from_the_grid_and_any_other_from_sql(world, trainings):
    everyone = {"measure": "people_attending"}
    quarter = {"start": dt.date(2023, 4, 1), "end": dt.date(2023, 6, 30)}
    assert served_by_grid(definition=everyone, **quarter)
    assert not served_by_grid(definition=everyone, start=dt.date(2023, 4, 2), end=None)
    assert not served_by_grid(definition={**everyone, "at_least": 2}, start=None, end=None)
    ids = figure_ids(project=world.project_a, definition=everyone, **quarter)
    assert list(ids) == [trainings[0].pk]
    assert list(
        figure_ids(
            project=world.project_a, definition=everyone, start=dt.date(2023, 1, 5), end=None
        )
    ) == sorted(p.pk for p in trainings)
