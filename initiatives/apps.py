from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self) -> None:
        from initiatives.pagecache import watch_pages

        watch_pages()
        from civic.accounts.services import register_member_data
        from civic.core.discovery import register
        from initiatives import services
        from initiatives.discovery import InitiativeProvider

        register(InitiativeProvider())
        register_member_data("initiatives", services)
