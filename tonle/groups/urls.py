"""URLs for Smart Women groups."""

from django.urls import path

from tonle.groups import views

urlpatterns = [
    path("", views.groups, name="groups-list"),
    path("<int:group_id>/", views.group_detail, name="groups-detail"),
    path("<int:group_id>/members/add/", views.member_add, name="groups-member-add"),
    path(
        "<int:group_id>/members/<int:membership_id>/end/",
        views.member_end,
        name="groups-member-end",
    ),
    path(
        "<int:group_id>/members/<int:membership_id>/move/",
        views.member_move,
        name="groups-member-move",
    ),
]
