"""Log-in, log-out and the access log."""

from django.contrib.auth import views as auth_views
from django.urls import path

from tonle.accounts import views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="accounts-login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="accounts-logout"),
    path("access-log/", views.access_log_page, name="accounts-access-log"),
]
