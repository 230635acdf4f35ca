from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and NCZ Days")

    def ready(self) -> None:
        from events.pagecache import watch_pages

        watch_pages()
        from civic.accounts.services import register_member_data
        from civic.core.discovery import register
        from civic.core.related import register_section
        from civic.organizations.services import register_invitation_role
        from events import (
            rules,  # noqa: F401  (registers the permissions)
            services,
        )
        from events.discovery import EventProvider

        register(EventProvider())
        register_section(services.reports_about)
        register_invitation_role(
            "events.event.organisers",
            label=_("an organiser of the event"),
            accept=lambda *, target, member: services.organiser_add(event=target, member=member),
        )
        register_member_data("events", services)
