from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("City participation")

    def ready(self):
        from participation.pagecache import watch_pages

        watch_pages()
        from civic.accounts.services import register_erasure, register_export
        from civic.core.discovery import register
        from participation import services
        from participation.discovery import ProposalProvider

        register("proposal", ProposalProvider())
        register_export("participation", services.member_data)
        register_erasure(services.member_erase)
