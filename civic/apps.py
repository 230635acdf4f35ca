from django.contrib.admin.apps import AdminConfig


class CivicAdminConfig(AdminConfig):
    default_site = "civic.admin_site.CivicAdminSite"
