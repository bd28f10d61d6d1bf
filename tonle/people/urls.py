"""URLs of the registry."""

from django.urls import path

from tonle.people import views

urlpatterns = [
    path("", views.people_list, name="people-list"),
    path("new/", views.people_create, name="people-create"),
    path("<int:participant_id>/", views.people_detail, name="people-detail"),
    path("<int:participant_id>/edit/", views.people_edit, name="people-edit"),
    path("duplicates/searches/", views.duplicate_runs, name="people-duplicate-runs"),
    path("duplicates/searches/<int:run_id>/", views.duplicate_run, name="people-duplicate-run"),
]
