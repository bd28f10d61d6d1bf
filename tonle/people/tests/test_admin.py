"""The admin corrects a person through the registry's service: her search keys follow her name."""

import pytest
from django.urls import reverse

from tonle.people.models import Participant
from tonle.people.selectors import participant_search


@pytest.fixture
def staff_admin(world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    return world.admin


def test_a_name_corrected_in_the_admin_is_found_by_the_people_search(client, world, staff_admin):
    client.force_login(staff_admin)
    url = reverse("admin:people_participant_change", args=[world.woman_a.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(name_latin="Sok  Sreymom", name_km="សុខ ស្រីមុំ", registered_at_0="2023-01-01",
                registered_at_1="10:00:00")  # fmt: skip

    response = client.post(url, data)

    assert response.status_code == 302
    person = Participant.objects.get(pk=world.woman_a.pk)
    assert person.name_latin == "Sok Sreymom"  # tidied, as every way into the registry does
    assert list(participant_search(user=world.manager, text="sreymom")) == [person]
    assert list(participant_search(user=world.manager, text="ស្រីមុំ")) == [person]
    assert person.history.first().history_user == staff_admin
