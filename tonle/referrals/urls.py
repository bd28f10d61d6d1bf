"""URLs for referrals and services."""

from django.urls import path

from tonle.referrals import views

urlpatterns = [
    path("", views.referrals, name="referrals-list"),
    path("new/<int:participant_id>/", views.referral_new, name="referrals-new"),
    path("<int:referral_id>/", views.referral_detail, name="referrals-detail"),
    path("<int:referral_id>/step/", views.referral_step, name="referrals-step"),
    path("services/new/<int:participant_id>/", views.service_new, name="referrals-service-new"),
]
