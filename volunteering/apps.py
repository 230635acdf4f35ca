from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "volunteering"
    verbose_name = _("Volunteer missions")

    def ready(self):
        from volunteering.pagecache import watch_pages

        watch_pages()
        from civic.accounts.services import register_member_data
        from civic.core.discovery import register
        from volunteering import services
        from volunteering.discovery import MissionProvider

        register(MissionProvider())
        register_member_data("volunteering", services)
