from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("City participation")

    def ready(self):
        from participation.pagecache import watch_pages

        watch_pages()
        from civic.accounts.services import register_member_data
        from civic.core.discovery import register
        from participation import services
        from participation.discovery import ProposalProvider

        register(ProposalProvider())
        register_member_data("participation", services)
