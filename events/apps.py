from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and NCZ Days")

    def ready(self) -> None:
        from civic.core.discovery import register
        from events import rules  # noqa: F401  (registers the permissions)
        from events.discovery import EventProvider

        register("event", EventProvider())
