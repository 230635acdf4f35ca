from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and NCZ Days")

    def ready(self) -> None:
        from events.pagecache import watch_pages

        watch_pages()
        from civic.accounts.services import register_erasure, register_export
        from civic.core.discovery import register
        from civic.organizations.services import register_invitation_role
        from events import (
            rules,  # noqa: F401  (registers the permissions)
            services,
        )
        from events.discovery import EventProvider

        register("event", EventProvider())
        register_invitation_role(
            "events.event.organisers",
            label=_("an organiser of the event"),
            accept=lambda *, target, member: services.organiser_add(event=target, member=member),
        )
        register_export("events", services.member_export)
        register_erasure(services.member_erase)
