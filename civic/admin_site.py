from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CivicAdminSite(admin.AdminSite):
    """Admin for editors (staff) and for members of organisations.

    Association members are not staff: they reach the admin through their membership, and each
    model admin (see ``civic.organizations.admin_mixins``) shows them their own organisation's rows only.
    """

    site_header = _("Civic administration")
    site_title = _("Civic")
    index_title = _("Manage the platform")

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
