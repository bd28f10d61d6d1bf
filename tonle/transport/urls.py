"""URLs for transport."""

from django.urls import path

from tonle.transport import views

urlpatterns = [
    path("", views.drivers, name="transport-drivers"),
    path("trips/", views.trips, name="transport-trips"),
    path("trips/new/<int:participant_id>/", views.trip_new, name="transport-trip-new"),
    path("drivers/<int:driver_id>/<str:month>/", views.statement, name="transport-statement"),
    path(
        "drivers/<int:driver_id>/<str:month>/approve/",
        views.statement_approve,
        name="transport-approve",
    ),
    path("drivers/<int:driver_id>/<str:month>/paid/", views.statement_paid, name="transport-paid"),
]
