"""Admin for users."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from tonle.accounts.models import User


@admin.register(User)
class TonleUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, (None, {"fields": ["role"]})]
