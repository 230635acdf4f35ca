from contextvars import ContextVar
from functools import wraps
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The admin request being answered in this thread, for the read-only field links below (Django
# renders the page after the view returned, so the variable is set per request and never reset).
_admin_request: ContextVar = ContextVar("admin_request", default=None)
_linked_readonly_field = helpers.AdminReadonlyField.get_admin_url


def _readonly_link_if_allowed(self, remote_field, remote_obj):
    """Django links a read-only foreign key (a participation's member, a pledge's city) to the
    related object's admin page without asking whether the reader may open it: an association
    would follow it into a 403. The name stays; the link only when that page would open."""
    request = _admin_request.get()
    site = self.model_admin.admin_site if self.model_admin else admin.site
    try:
        related_admin = site.get_model_admin(type(remote_obj))
    except NotRegistered:
        return str(remote_obj)
    if request is None or not related_admin.has_view_permission(request, remote_obj):
        return str(remote_obj)
    return _linked_readonly_field(self, remote_field, remote_obj)


helpers.AdminReadonlyField.get_admin_url = _readonly_link_if_allowed


class ScopedAutocompleteJsonView(AutocompleteJsonView):
    """Django's autocomplete, except for the member pickers of ``ScopedPeoplePickerMixin``: there the
    admin of the form being filled decides who may search (whoever may add or change its records)
    and whom to offer (``people_for``); names only, searched by display name, so an association
    cannot probe the platform's email addresses."""

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        try:
            source_admin = self.admin_site.get_model_admin(source_field.model)
        except NotRegistered as exc:
            raise PermissionDenied from exc
        self.picker = (
            source_admin if source_field.name in getattr(source_admin, "people_fields", ()) else None
        )
        return term, model_admin, source_field, to_field_name

    def has_perm(self, request, obj=None):
        if self.picker is None:
            return super().has_perm(request, obj)
        return self.picker.may_pick_people(request)

    def get_queryset(self):
        from civic.organizations.rules import is_editor

        if self.picker is None:
            return super().get_queryset()
        people = self.model_admin.model.objects.filter(is_active=True, is_former=False)
        if not is_editor(self.request.user):
            people = self.picker.people_for(self.request)
        if self.term:
            people = people.filter(display_name__icontains=self.term)
        return people.order_by("display_name", "pk")


class CivicAdminSite(admin.AdminSite):
    """Admin for editors (staff) and for members of organisations.

    Association members are not staff: they reach the admin through their membership, and each
    model admin (see ``civic.organizations.admin_mixins``) shows them their own organisation's rows only.
    """

    site_header = _("Civic administration")
    site_title = _("Civic")
    index_title = _("Manage the platform")

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def remember_request(request, *args, **kwargs):
            _admin_request.set(request)
            return inner(request, *args, **kwargs)

        return remember_request

    def has_permission(self, request):
        from civic.organizations.rules import may_use_admin

        return may_use_admin(request.user)

    def login(self, request, extra_context=None):
        """One login page for everyone: Django's admin login admits staff only, so association
        members and officials who land on ``/admin/login/`` (a bookmark, an expired session) are
        sent to the site's login (lockout, email verification and all), then back to the admin.
        Someone logged in whose account has no admin access is told so (403) instead of looping."""
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")

    def autocomplete_view(self, request):
        return ScopedAutocompleteJsonView.as_view(admin_site=self)(request)
