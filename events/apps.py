from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and NCZ Days")

    def ready(self) -> None:
        from civic.core.apps import plug_in
        from civic.core.related import register_section
        from civic.organizations.services import register_invitation_role
        from events import (
            rules,  # noqa: F401  (registers the permissions)
            services,
        )
        from events.discovery import EventProvider

        plug_in(self, EventProvider())
        register_section(services.reports_about)
        register_invitation_role(
            "events.event.organisers",
            label=_("an organiser of the event"),
            accept=lambda *, target, member: services.organiser_add(event=target, member=member),
        )
