"""Admin scoping, used by every app's admin.

- ``EditorOnlyAdmin``: platform data (cities, themes, members); editors only.
- ``OrganizationScopedAdmin``: records that belong to an organisation. Editors see all; a member
  of organisation A sees and edits only A's rows, may only pick A as the organisation, and gets a
  404 (not a redirect, not a 403) on any other organisation's record, so its existence never leaks.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404

from civic.organizations.rules import is_editor, organization_ids_of, scope_to_member


class NotFoundForOthersMixin:
    """Django checks the delete permission before it looks the object up, which would answer 403
    for a record one cannot see; look it up first so that it answers 404 like every other view."""

    def delete_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().delete_view(request, object_id, extra_context)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with "does not exist"; a record of another organisation
        # must look exactly like a missing one: 404.
        raise Http404


class EditorOnlyAdmin(NotFoundForOthersMixin, admin.ModelAdmin):
    def has_module_permission(self, request):
        return is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_add_permission(self, request):
        return is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_editor(request.user)


class OrganizationScopedAdmin(NotFoundForOthersMixin, admin.ModelAdmin):
    """Set ``organization_field`` to the path of the owning organisation (default ``"organization"``)."""

    organization_field = "organization"

    def _allowed(self, request) -> bool:
        return is_editor(request.user) or bool(organization_ids_of(request.user))

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and (obj is None or self._owns(request, obj))

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def _owns(self, request, obj) -> bool:
        if is_editor(request.user):
            return True
        org_id = obj
        for part in self.organization_field.split("__"):
            org_id = getattr(org_id, part, None)
        return getattr(org_id, "pk", None) in organization_ids_of(request.user)

    def get_queryset(self, request):
        return scope_to_member(super().get_queryset(request), request.user, self.organization_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.organization_field and not is_editor(request.user):
            from civic.organizations.models import Organization

            kwargs["queryset"] = Organization.objects.filter(pk__in=organization_ids_of(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
