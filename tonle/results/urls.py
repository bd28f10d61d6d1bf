"""URLs for the dashboard and its drill-through lists."""

from django.urls import path

from tonle.results import views

urlpatterns = [
    path("<slug:slug>/", views.dashboard, name="results-dashboard"),
    path("<slug:slug>/reach-badge/", views.reach_badge, name="results-reach-badge"),
    path("<slug:slug>/framework/", views.framework, name="results-framework"),
    path("<slug:slug>/framework/lock/", views.framework_lock, name="results-framework-lock"),
    path("<slug:slug>/indicators/new/", views.indicator_edit, name="results-indicator-new"),
    path(
        "<slug:slug>/indicators/<slug:code>/edit/",
        views.indicator_edit,
        name="results-indicator-edit",
    ),
    path(
        "<slug:slug>/indicators/<slug:code>/people/",
        views.indicator_people_page,
        name="results-indicator-people",
    ),
    path(
        "<slug:slug>/people/<slug:dimension>/<str:key>/", views.people_behind, name="results-people"
    ),
]
