"""iCalendar (.ics) files for slots, for the download link and the confirmation email."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from icalendar import Calendar, Event


def slot_ics(slot) -> str:
    """One VEVENT for ``slot``, its times with the TZID of the mission's city (and that zone's
    VTIMEZONE). Reads slot.mission, mission.organization and mission.city (select_related them)."""
    mission = slot.mission
    zone = mission.city.timezone
    url = settings.SITE_URL + mission.get_absolute_url()
    event = Event.new(
        uid=f"slot-{slot.pk}@civic",
        start=slot.starts_at.astimezone(zone),
        end=slot.ends_at.astimezone(zone),
        summary=str(mission.title),
        description=f"{mission.organization.name}\n{url}",
        location=mission.address or None,
        url=url,
    )
    calendar = Calendar.new(prodid="-//Civic//volunteering//EN", subcomponents=[event])
    calendar.add_missing_timezones(
        first_date=slot.starts_at.date() - timedelta(days=366),
        last_date=slot.ends_at.date() + timedelta(days=366),
    )
    return calendar.to_ical().decode()


def ics_filename(slot) -> str:
    return f"mission-{slot.mission_id}-slot-{slot.pk}.ics"
