"""URLs for outcomes."""

from django.urls import path

from tonle.outcomes import views

urlpatterns = [
    path(
        "milestones/new/<int:participant_id>/", views.milestone_new, name="outcomes-milestone-new"
    ),
    path("stories/new/<int:participant_id>/", views.story_new, name="outcomes-story-new"),
    path("stories/<int:story_id>/edit/", views.story_edit, name="outcomes-story-edit"),
    path("stories/<int:story_id>/photo/", views.story_photo, name="outcomes-story-photo"),
    path(
        "assessments/new/<int:participant_id>/",
        views.assessment_new,
        name="outcomes-assessment-new",
    ),
    path("<slug:slug>/", views.project_outcomes, name="outcomes-project"),
]
