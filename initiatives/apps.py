from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self) -> None:
        from civic.core.apps import plug_in
        from initiatives.discovery import InitiativeProvider

        plug_in(self, InitiativeProvider())
