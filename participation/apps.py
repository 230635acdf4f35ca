from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("City participation")

    def ready(self):
        from civic.core.discovery import register
        from participation.discovery import ProposalProvider

        register("proposal", ProposalProvider())
