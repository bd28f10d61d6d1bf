"""The administrator's search of activities finds them by title, in either language."""

from django.urls import reverse

from tonle.programs.tests.factories import ActivityFactory


def test_searching_activities_in_the_admin_finds_them_by_english_or_khmer_title(client, world):
    ActivityFactory(project=world.project_a, name_en="Savings day", name_km="ថ្ងៃសន្សំ")
    ActivityFactory(project=world.project_a, name_en="Health talk", name_km="")
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    url = reverse("admin:programs_activity_changelist")

    for text, found in (("x", 0), ("savings", 1), ("សន្សំ", 1)):
        page = client.get(url, {"q": text})
        assert page.status_code == 200, text
        assert page.context["cl"].result_count == found, text
