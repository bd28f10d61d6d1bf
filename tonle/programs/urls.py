"""URLs for activities, attendance and sign-in sheets."""

from django.urls import path

from tonle.programs import views

urlpatterns = [
    path("activities/", views.activities, name="programs-activities"),
    path("projects/<slug:slug>/activities/new/", views.activity_new, name="programs-activity-new"),
    path("activities/<int:activity_id>/", views.activity_page, name="programs-activity"),
    path(
        "activities/<int:activity_id>/candidates/",
        views.attendance_candidates,
        name="programs-attendance-candidates",
    ),
    path(
        "activities/<int:activity_id>/attend/<int:participant_id>/",
        views.attendance_add,
        name="programs-attendance-add",
    ),
    path(
        "activities/<int:activity_id>/unattend/",
        views.attendance_delete,
        name="programs-attendance-remove",
    ),
    path(
        "activities/<int:activity_id>/register/",
        views.attendance_register,
        name="programs-attendance-register",
    ),
    path("activities/<int:activity_id>/sheet/", views.sheet_upload, name="programs-sheet-upload"),
    path("sheets/<int:upload_id>/", views.sheet_page, name="programs-sheet"),
    path("sheets/<int:upload_id>/apply/", views.sheet_apply, name="programs-sheet-apply"),
    path("sheets/<int:upload_id>/file/", views.sheet_file, name="programs-sheet-file"),
    path(
        "sheets/<int:upload_id>/rows/<int:row_id>/",
        views.sheet_row_correct,
        name="programs-sheet-row",
    ),
]
