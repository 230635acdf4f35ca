from django.contrib import admin

from civic.core.translation_admin import TranslationAdmin
from civic.organizations.admin_mixins import EditorOnlyAdmin
from civic.places.models import City


@admin.register(City)
class CityAdmin(EditorOnlyAdmin, TranslationAdmin):
    list_display = ("name", "country", "timezone", "is_active")
    list_filter = ("country", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name_fr",)}
