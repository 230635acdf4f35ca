from django.contrib import admin

from civic.core.models import AuditEntry, Theme
from civic.core.translation_admin import TranslationAdmin
from civic.organizations.admin_mixins import EditorOnlyAdmin


@admin.register(Theme)
class ThemeAdmin(EditorOnlyAdmin, TranslationAdmin):
    list_display = ("name", "slug", "icon", "position", "is_active")
    list_editable = ("position", "is_active")
    prepopulated_fields = {"slug": ("name_fr",)}


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
