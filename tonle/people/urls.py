"""URLs of the registry."""

from django.urls import path

from tonle.people import views

urlpatterns = [
    path("", views.people_list, name="people-list"),
    path("new/", views.people_create, name="people-create"),
    path("<int:participant_id>/", views.people_detail, name="people-detail"),
    path("<int:participant_id>/edit/", views.people_edit, name="people-edit"),
    path("duplicates/", views.duplicate_queue, name="people-duplicates"),
    path("duplicates/searches/", views.duplicate_runs, name="people-duplicate-runs"),
    path("duplicates/searches/<int:run_id>/", views.duplicate_run, name="people-duplicate-run"),
    path(
        "duplicates/<int:first_id>-<int:second_id>/",
        views.duplicate_pair,
        name="people-duplicate-pair",
    ),
    path("merges/", views.merge_list, name="people-merges"),
    path("merges/<int:merge_id>/", views.merge_detail, name="people-merge"),
    path("merges/<int:merge_id>/undo/", views.merge_undo, name="people-merge-undo"),
]
