"""URLs for outcomes."""

from django.urls import path

from tonle.outcomes import views

urlpatterns = [
    path(
        "milestones/new/<int:participant_id>/", views.milestone_new, name="outcomes-milestone-new"
    ),
    path("stories/new/<int:participant_id>/", views.story_new, name="outcomes-story-new"),
    path(
        "assessments/new/<int:participant_id>/",
        views.assessment_new,
        name="outcomes-assessment-new",
    ),
    path("<slug:slug>/", views.project_outcomes, name="outcomes-project"),
]
