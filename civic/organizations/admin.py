from django.contrib import admin

from civic.core.translation_admin import TranslationAdmin
from civic.organizations.admin_mixins import LabelledCellsMixin, OrganizationScopedAdmin
from civic.organizations.models import Membership, Organization
from civic.organizations.rules import is_editor


class MembershipInline(LabelledCellsMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)

    # Only editors add or remove people; members see who belongs to their organisation.
    def has_add_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_editor(request.user)


@admin.register(Organization)
class OrganizationAdmin(OrganizationScopedAdmin, TranslationAdmin):
    """Members of an organisation edit their own organisation; editors manage all of them."""

    organization_field = "pk"
    list_display = ("name", "kind", "city", "is_active")
    list_filter = ("kind", "city__country")
    list_select_related = ("city",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("themes",)
    inlines = [MembershipInline]

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if is_editor(request.user):
            return qs
        from civic.organizations.rules import organization_ids_of

        return qs.filter(pk__in=organization_ids_of(request.user))

    def _owns(self, request, obj) -> bool:
        from civic.organizations.rules import organization_ids_of

        return is_editor(request.user) or obj.pk in organization_ids_of(request.user)

    def has_add_permission(self, request):
        return is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_editor(request.user)

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if is_editor(request.user) else {}

    def get_readonly_fields(self, request, obj=None):
        # Members cannot turn their association into a city hall or move it to another city.
        return () if is_editor(request.user) else ("slug", "kind", "city", "is_active")
