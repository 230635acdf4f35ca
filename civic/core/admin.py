from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from civic.core.icons import available_icons
from civic.core.models import AuditEntry, Theme
from civic.core.translation_admin import TranslationAdmin
from civic.organizations.admin_mixins import EditorOnlyAdmin


@admin.register(Theme)
class ThemeAdmin(EditorOnlyAdmin, TranslationAdmin):
    list_display = ("name", "slug", "icon", "position", "is_active")
    list_editable = ("position", "is_active")
    prepopulated_fields = {"slug": ("name_fr",)}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The icon is picked from the vendored drawings rather than typed (a typo would show nothing).
        if db_field.name == "icon":
            choices = [("", _("No icon")), *((name, name) for name in available_icons())]
            return forms.ChoiceField(
                label=db_field.verbose_name, choices=choices, required=False, help_text=db_field.help_text
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(AuditEntry)
class AuditEntryAdmin(EditorOnlyAdmin):
    list_display = ("created_at", "action", "actor", "content_type", "object_id")
    list_filter = ("action",)
    list_select_related = ("actor", "content_type")
    readonly_fields = ("action", "actor", "content_type", "object_id", "data", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
