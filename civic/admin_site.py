from django.contrib import admin
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
