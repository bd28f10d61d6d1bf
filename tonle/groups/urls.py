"""URLs for Smart Women groups."""

from django.urls import path

from tonle.groups import views

urlpatterns = [
    path("", views.groups, name="groups-list"),
    path("<int:group_id>/", views.group_detail, name="groups-detail"),
]
