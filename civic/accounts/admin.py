from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from civic.accounts.models import User
from civic.organizations.admin_mixins import EditorOnlyAdmin


class MemberCreationForm(BaseUserCreationForm):
    """The admin's "add member" form: an email and a password, as members have no username."""

    class Meta:
        model = User
        fields = ("email",)


@admin.register(User)
class MemberAdmin(EditorOnlyAdmin, UserAdmin):
    add_form = MemberCreationForm
    ordering = ("-date_joined",)
    list_display = ("email", "display_name", "home_city", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_active", "is_spotter", "is_reporter", "is_shaker")
    list_select_related = ("home_city",)
    search_fields = ("email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {"fields": ("display_name", "bio", "avatar", "home_city", "language", "availability")},
        ),
        (_("Community roles"), {"fields": ("is_spotter", "is_reporter", "is_shaker")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ("groups",)
