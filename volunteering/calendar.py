"""iCalendar (.ics) files for slots, for the download link and the confirmation email."""

from __future__ import annotations

from django.conf import settings
from icalendar import Calendar, Event


def slot_ics(slot) -> str:
    """One VEVENT for ``slot``. Reads slot.mission and mission.organization (select_related them)."""
    mission = slot.mission
    url = settings.SITE_URL + mission.get_absolute_url()
    event = Event.new(
        uid=f"slot-{slot.pk}@civic",
        start=slot.starts_at,
        end=slot.ends_at,
        summary=str(mission.title),
        description=f"{mission.organization.name}\n{url}",
        location=mission.address or None,
        url=url,
    )
    calendar = Calendar.new(prodid="-//Civic//volunteering//EN", subcomponents=[event])
    return calendar.to_ical().decode()


def ics_filename(slot) -> str:
    return f"mission-{slot.mission_id}-slot-{slot.pk}.ics"
