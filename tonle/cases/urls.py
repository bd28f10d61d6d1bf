"""URLs for cases."""

from django.urls import path

from tonle.cases import views

urlpatterns = [
    path("", views.cases, name="cases-list"),
    path("supervision/", views.supervision, name="cases-supervision"),
    path("counselling/", views.counselling_contact, name="cases-counselling"),
    path("new/<int:participant_id>/", views.case_new, name="cases-new"),
    path("<int:case_id>/", views.case_detail, name="cases-detail"),
    path("<int:case_id>/session/", views.session_new, name="cases-session"),
    path("<int:case_id>/goal/", views.goal_new, name="cases-goal"),
    path("<int:case_id>/note/", views.note_new, name="cases-note"),
    path("<int:case_id>/close/", views.case_end, name="cases-close"),
]
