from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "civic.organizations"
    label = "organizations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from civic.accounts.services import register_erasure
        from civic.organizations.services import member_erase

        register_erasure(member_erase)
