from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("City participation")

    def ready(self) -> None:
        from civic.core.apps import plug_in
        from participation.discovery import ProposalProvider

        plug_in(self, ProposalProvider())
