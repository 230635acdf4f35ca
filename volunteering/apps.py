from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "volunteering"
    verbose_name = _("Volunteer missions")

    def ready(self) -> None:
        from civic.core.apps import plug_in
        from volunteering.discovery import MissionProvider

        plug_in(self, MissionProvider())
