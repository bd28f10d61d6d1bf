"""Admin for users: their role and supervisor, saved through the accounts service with history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from tonle.accounts.models import User
from tonle.accounts.services import user_check, user_save
from tonle.lib.admin import ServiceCheckedForm


class TonleUserChangeForm(ServiceCheckedForm, UserChangeForm):
    def service_check(self, instance: User) -> None:
        user_check(user=instance)


@admin.register(User)
class TonleUserAdmin(SimpleHistoryAdmin, UserAdmin):
    form = TonleUserChangeForm
    list_display = ["username", "first_name", "last_name", "role", "supervisor", "is_active"]
    list_filter = ["role", "is_active"]
    list_select_related = ["supervisor"]
    fieldsets = [*UserAdmin.fieldsets, (_("Role"), {"fields": ["role", "supervisor"]})]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "role", "usable_password", "password1", "password2"],
            },
        )
    ]
    autocomplete_fields = ["supervisor"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        user_save(by=request.user, user=obj)
