"""The site's URLs: each app keeps its own."""

from django.contrib import admin
from django.urls import include, path

from tonle import views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("tonle.accounts.urls")),
    path("people/", include("tonle.people.urls")),
    path("", include("tonle.programs.urls")),
    path("groups/", include("tonle.groups.urls")),
    path("cases/", include("tonle.cases.urls")),
    path("referrals/", include("tonle.referrals.urls")),
    path("transport/", include("tonle.transport.urls")),
    path("outcomes/", include("tonle.outcomes.urls")),
    path("results/", include("tonle.results.urls")),
    path("reports/", include("tonle.reports.urls")),
    path("collect/", include("tonle.collect.urls")),
    path("", include("tonle.public.urls")),
    path("admin/", admin.site.urls),
]
