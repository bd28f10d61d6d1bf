"""The import pages: managers only, the sign-in never shown back, a batch's progress and reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tonle.collect import tasks
from tonle.collect.models import BatchStatus, ImportBatch, ImportSource, Submission
from tonle.collect.tests.test_imports import _kobo_project

pytestmark = pytest.mark.django_db


def _add(client, world, kobo_server, token):
    return client.post(reverse("collect-import-add"), {
        "name": "CCDO Kobo", "kind": "kobo", "server_url": kobo_server.base_url,
        "project": world.project_a.pk, "token": token,
    })  # fmt: skip


def test_the_manager_adds_a_source_runs_it_and_never_sees_its_token_again(
    client, world, kobo_server
):
    _kobo_project(kobo_server)
    client.force_login(world.manager)
    added = _add(client, world, kobo_server, kobo_server.token)
    source = ImportSource.objects.get()
    assert added.status_code == 302 and kobo_server.token not in source.credentials
    page = client.get(reverse("collect-import-source", args=[source.pk])).content.decode()
    assert kobo_server.token not in page and source.credentials not in page

    run = client.post(reverse("collect-import-run", args=[source.pk]))
    batch = ImportBatch.objects.get()
    assert run.url == reverse("collect-import-batch", args=[batch.pk])
    waiting = client.get(run.url).content.decode()
    assert 'hx-trigger="every 1s"' in waiting
    tasks.import_run.call(batch.pk)
    progress = client.get(run.url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-status="done"' in progress and "every 1s" not in progress
    page = client.get(run.url).content.decode()
    assert Submission.objects.count() == 2 and "New" in page
    for listed in (reverse("collect-imports"), run.url):
        assert kobo_server.token not in client.get(listed).content.decode()

    edit = client.post(reverse("collect-import-source", args=[source.pk]), {
        "name": "Renamed", "kind": "kobo", "server_url": kobo_server.base_url,
        "project": world.project_a.pk, "token": "",
    })  # fmt: skip
    assert edit.status_code == 302
    source.refresh_from_db()
    assert source.name == "Renamed" and source.credentials  # blank kept the token

    undo = client.post(reverse("collect-import-undo", args=[batch.pk]), follow=True)
    assert "undone" in undo.content.decode() and not Submission.objects.exists()


def test_a_bad_token_shows_its_message_on_the_batch_page_in_the_readers_language(
    client, world, kobo_server
):
    _kobo_project(kobo_server)
    client.force_login(world.manager)
    _add(client, world, kobo_server, "not-the-token")
    client.post(reverse("collect-import-run", args=[ImportSource.objects.get().pk]))
    batch = ImportBatch.objects.get()
    tasks.import_run.call(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    page = client.get(reverse("collect-import-batch", args=[batch.pk])).content.decode()
    assert "refused the sign-in" in page
    client.cookies["django_language"] = "km"
    khmer = client.get(reverse("collect-import-batch", args=[batch.pk])).content.decode()
    assert "refused the sign-in" not in khmer


@pytest.mark.parametrize("who", ["officer_a", "mentor", "donor"])
def test_only_managers_and_administrators_reach_the_import_pages(client, world, kobo_server, who):
    client.force_login(world.manager)
    _add(client, world, kobo_server, kobo_server.token)
    source = ImportSource.objects.get()
    client.post(reverse("collect-import-run", args=[source.pk]))
    batch = ImportBatch.objects.get()
    client.force_login(world.admin)
    assert client.get(reverse("collect-import-source", args=[source.pk])).status_code == 200
    client.force_login(getattr(world, who))
    for url in (
        reverse("collect-imports"),
        reverse("collect-import-add"),
        reverse("collect-import-source", args=[source.pk]),
        reverse("collect-import-batch", args=[batch.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(reverse("collect-import-undo", args=[batch.pk])).status_code in (403, 404)
    assert client.post(reverse("collect-import-run", args=[source.pk])).status_code in (403, 404)
    assert ImportBatch.objects.count() == 1


def test_a_batch_whose_worker_went_silent_is_shown_stopped_and_can_run_again(
    client, world, kobo_server
):
    import datetime as dt

    from django.utils import timezone

    client.force_login(world.manager)
    _add(client, world, kobo_server, kobo_server.token)
    source = ImportSource.objects.get()
    lost = ImportBatch.objects.create(
        source=source, by=world.manager, status=BatchStatus.RUNNING,
        beat_at=timezone.now() - dt.timedelta(hours=1),
    )  # fmt: skip
    page = client.get(reverse("collect-import-batch", args=[lost.pk])).content.decode()
    assert "went silent" in page and "every 1s" not in page
    client.post(reverse("collect-import-run", args=[source.pk]))
    lost.refresh_from_db()
    assert lost.status == BatchStatus.FAILED and ImportBatch.objects.count() == 2


def test_the_sources_list_reads_a_fixed_number_of_queries(
    client, world, kobo_server, django_assert_max_num_queries
):
    client.force_login(world.manager)
    for _ in range(3):
        _add(client, world, kobo_server, kobo_server.token)
    for source in ImportSource.objects.all():
        ImportBatch.objects.create(source=source, by=world.manager)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("collect-imports")).content.decode()
    assert page.count("Waiting") == 3
