"""The search of the whole registry for women registered twice, its pairs, and who sees them."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from tonle.geo.tests.factories import VillageFactory
from tonle.people.detection import clusters, duplicate_run_claim, duplicate_run_execute
from tonle.people.matching import Parameters, default_model
from tonle.people.models import DuplicateAnswer, DuplicatePair, DuplicateRun, DuplicateRunStatus
from tonle.people.selectors import duplicate_pairs_visible_to
from tonle.people.services import (
    duplicate_decision_record,
    duplicate_run_request,
    participant_fill_keys,
)
from tonle.people.tests.factories import ParticipantFactory

# Women distinct by name, birth and phone, all in the first village of the world.
DISTINCT = [
    ("សុខ ដារ៉ា", "Sok Dara", dt.date(1980, 3, 14), "012345601"),
    ("ហេង ធីតា", "Heng Thida", dt.date(1975, 7, 2), "012345602"),
    ("កែវ ណារី", "Keo Nary", dt.date(1992, 11, 21), ""),
    ("ម៉ៅ ពិសី", "Mao Pisey", dt.date(1968, 1, 30), "015222333"),
    ("ទេព វណ្ណា", "Tep Vanna", dt.date(2001, 5, 9), ""),
    ("ឡុង មាលា", "Long Mealea", dt.date(1959, 9, 17), "097111222"),
]


def _run(by):
    """One search, as the worker runs it, starting from the parameters shipped with Tonle."""
    run = DuplicateRun.objects.create(requested_by=by)
    assert duplicate_run_claim(run_id=run.pk)
    duplicate_run_execute(run_id=run.pk, parameters=Parameters.from_model(default_model()))
    run.refresh_from_db()
    return run


def _pair_ids(run):
    return {(pair.first_id, pair.second_id) for pair in run.pair_set.all()}


def _ordered(a, b):
    return tuple(sorted((a.pk, b.pk)))


@pytest.fixture(autouse=True)
def _named_apart(world):
    """The world's two Smart Women are "Sok Srey<n>", in one village and born the same year:
    the model cannot tell them apart (numbers are no part of a name), so one is renamed."""
    world.mentee.name_latin, world.mentee.name_km = "Nhem Kanha", "ញឹម កញ្ញា"
    participant_fill_keys(world.mentee)
    world.mentee.save()


@pytest.fixture
def registry(world):
    """Distinct women, and three registered twice with the usual errors."""
    village = world.village_a
    neighbour = VillageFactory(commune=village.commune)
    distinct = [
        ParticipantFactory(village=village, name_km=km, name_latin=latin, date_of_birth=born,
                           birth_year=born.year, phone=phone)
        for km, latin, born, phone in DISTINCT
    ]  # fmt: skip
    sophea = ParticipantFactory(
        village=village, name_km="ចាន់ សុភា", name_latin="", birth_year=1985,
        date_of_birth=dt.date(1985, 4, 3), phone="",
    )  # fmt: skip
    sophea_again = ParticipantFactory(  # only in Latin letters, the year only
        village=village, name_km="", name_latin="Chhan Sopheap", birth_year=1985, phone=""
    )
    sreymom = ParticipantFactory(
        village=village, name_km="ស៊ុន ស្រីមុំ", name_latin="Sun Sreymom",
        date_of_birth=dt.date(1990, 2, 11), birth_year=1990, phone="012987654",
    )  # fmt: skip
    sreymom_again = ParticipantFactory(  # names swapped, day and month swapped, a digit wrong
        village=neighbour, name_km="ស្រីមុំ ស៊ុន", name_latin="Sreymom Sun",
        date_of_birth=dt.date(1990, 11, 2), birth_year=1990, phone="012987684",
    )  # fmt: skip
    bopha = ParticipantFactory(
        village=village, name_km="យឹម បុប្ផា", name_latin="Yim Bopha", birth_year=1970, phone=""
    )
    bopha_again = ParticipantFactory(  # a Khmer spelling variant, a year off, another SIM
        village=village, name_km="យឹម បុប្ផ", name_latin="", birth_year=1971, phone="092000111"
    )
    return {
        "distinct": distinct,
        "planted": {
            _ordered(sophea, sophea_again),
            _ordered(sreymom, sreymom_again),
            _ordered(bopha, bopha_again),
        },
    }


def test_a_search_finds_the_women_registered_twice_and_not_the_distinct_women(world, registry):
    run = _run(world.manager)

    assert run.status == DuplicateRunStatus.DONE and run.progress == 100
    assert _pair_ids(run) == registry["planted"]
    assert run.pairs == 3 and run.clusters == 3
    assert run.people == 2 + len(DISTINCT) + 6 + 2  # the world's women are compared too
    # The settings and parameters it ran with are kept with it.
    assert {c["output_column_name"] for c in run.model["comparisons"]} == {
        "name", "birth", "place", "phone",
    }  # fmt: skip
    assert run.model["blocking_rules_to_generate_predictions"]


def test_each_pair_says_in_words_what_agreed_and_what_differed(world, registry):
    run = _run(world.manager)
    swapped = next(pair for pair in run.pair_set.all() if pair.first.name_latin == "Sun Sreymom")

    words = {tuple(reason[:2]) for reason in swapped.reasons}
    assert ("name", "same name spelled otherwise") in words
    assert ("birth", "day and month swapped") in words
    assert ("place", "same commune") in words
    assert ("phone", "phone a digit apart") in words
    assert 0.5 <= swapped.match_probability <= 1


def test_a_pair_decided_different_is_never_proposed_again(world, registry):
    first = _run(world.manager)
    pair = first.pair_set.order_by("first_id").first()
    duplicate_decision_record(
        by=world.manager, first=pair.second, second=pair.first, decision=DuplicateAnswer.DIFFERENT
    )
    assert (pair.first_id, pair.second_id) not in {
        (p.first_id, p.second_id) for p in duplicate_pairs_visible_to(user=world.manager)
    }

    again = _run(world.manager)

    assert (pair.first_id, pair.second_id) not in _pair_ids(again)
    assert again.left_out == 1 and again.pairs == 2


def test_a_pair_not_sure_comes_back(world, registry):
    first = _run(world.manager)
    pair = first.pair_set.first()
    duplicate_decision_record(
        by=world.manager, first=pair.first, second=pair.second, decision=DuplicateAnswer.NOT_SURE
    )

    assert (pair.first_id, pair.second_id) in _pair_ids(_run(world.manager))


def test_nobody_sees_a_pair_outside_their_scope(world):
    in_a = [ParticipantFactory(village=world.village_a, name_latin="Chan Sophea", name_km="",
                               birth_year=1985) for _ in range(2)]  # fmt: skip
    in_b = [ParticipantFactory(village=world.village_b, name_latin="Keo Dara", name_km="",
                               birth_year=1977, phone="012555444") for _ in range(2)]  # fmt: skip
    # One registration in each project's village: same name, date of birth and phone.
    across = [
        ParticipantFactory(village=village, name_latin="Im Kunthea", phone="017888999",
                           date_of_birth=dt.date(1983, 6, 1), birth_year=1983)
        for village in (world.village_a, world.village_b)
    ]  # fmt: skip
    _run(world.manager)

    def seen(user):
        return {(pair.first_id, pair.second_id) for pair in duplicate_pairs_visible_to(user=user)}

    pair_a, pair_b, pair_across = _ordered(*in_a), _ordered(*in_b), _ordered(*across)
    assert {pair_a, pair_b, pair_across} <= seen(world.manager)
    assert {pair_a, pair_b, pair_across} <= seen(world.admin)
    assert pair_a in seen(world.officer_a) and not {pair_b, pair_across} & seen(world.officer_a)
    assert pair_b in seen(world.officer_b) and not {pair_a, pair_across} & seen(world.officer_b)
    assert seen(world.donor) == set()
    assert seen(world.mentor) == set()  # neither woman is in her group or her cases


# The worker closes old connections between tasks, as a worker process should: the test's
# data must be committed, not held in the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_the_search_runs_in_the_background_and_its_page_shows_its_progress(world, registry, client):
    client.force_login(world.manager)
    response = client.post(reverse("people-duplicate-runs"))
    run = DuplicateRun.objects.get()
    assert response.url == reverse("people-duplicate-run", args=[run.pk])
    polling = client.get(response.url, headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in polling.content

    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip

    run.refresh_from_db()
    assert run.status == DuplicateRunStatus.DONE and run.pairs == 3
    done = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "every 1s" not in done and 'data-status="done"' in done
    assert "3 likely duplicate pairs in 3 groups" in done


@pytest.mark.parametrize("who", ["officer_a", "mentor", "donor"])
def test_only_managers_start_or_follow_a_search(world, client, who):
    run = duplicate_run_request(by=world.manager)
    client.force_login(getattr(world, who))

    assert client.post(reverse("people-duplicate-runs")).status_code == 403
    assert client.get(reverse("people-duplicate-run", args=[run.pk])).status_code == 403
    assert DuplicateRun.objects.count() == 1


def test_a_registry_too_small_for_any_pair_finishes_with_none(world):
    run = _run(world.manager)

    assert run.status == DuplicateRunStatus.DONE
    assert run.pairs == 0 and not DuplicatePair.objects.exists()


def test_linked_pairs_make_one_cluster():
    assert clusters([(5, 9), (9, 12), (3, 4)]) == {5: 5, 9: 5, 12: 5, 3: 3, 4: 3}


def test_the_review_queue_ranks_pairs_and_drops_those_decided_or_merged(client, world):
    from tonle.people.services import participants_merge

    twice = [ParticipantFactory(village=world.village_a, name_latin="Chan Sophea", name_km="",
                                birth_year=1985, phone="012777888") for _ in range(2)]  # fmt: skip
    apart = [ParticipantFactory(village=world.village_a, name_latin="Keo Dara", name_km="",
                                birth_year=1977) for _ in range(2)]  # fmt: skip
    also = [ParticipantFactory(village=world.village_a, name_latin="Im Kunthea", name_km="",
                               birth_year=1983) for _ in range(2)]  # fmt: skip
    _run(world.manager)
    client.force_login(world.officer_a)
    page = client.get(reverse("people-duplicates")).content.decode()
    shown = [_ordered(*twice), _ordered(*apart), _ordered(*also)]
    at = [page.index(_marker(pair)) for pair in shown]
    assert at[0] < min(at[1:])  # same name, year and phone: the most likely first
    assert "likely the same woman" in page and "Alike:" in page
    assert reverse("people-duplicate-pair", args=shown[0]) in page

    duplicate_decision_record(by=world.officer_a, first=apart[0], second=apart[1],
                              decision=DuplicateAnswer.DIFFERENT)  # fmt: skip
    participants_merge(by=world.manager, survivor=also[0], merged=also[1], values={})
    page = client.get(reverse("people-duplicates")).content.decode()
    assert _marker(shown[0]) in page
    assert _marker(shown[1]) not in page and _marker(shown[2]) not in page


def _marker(pair: tuple[int, int]) -> str:
    return f'data-pair="{pair[0]}-{pair[1]}"'


def test_the_review_queue_is_for_those_who_keep_the_registry(client, world):
    for user, status in [(world.mentor, 403), (world.donor, 403), (world.manager, 200)]:
        client.force_login(user)
        assert client.get(reverse("people-duplicates")).status_code == status
