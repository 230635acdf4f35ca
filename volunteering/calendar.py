"""Slots as iCalendar entries, for the download link and the confirmation email (the file itself is
built by ``civic.core.ics``)."""

from __future__ import annotations

from civic.core.ics import CalendarEntry, absolute_url, calendar_bytes


def slot_entry(slot) -> CalendarEntry:
    """``slot`` on the clock of its mission's city. Reads slot.mission, mission.organization and
    mission.city (select_related them)."""
    mission = slot.mission
    path = mission.get_absolute_url()
    return CalendarEntry(
        kind="slot",
        pk=slot.pk,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        zone=mission.city.timezone,
        summary=str(mission.title),
        path=path,
        description=f"{mission.organization.name}\n{absolute_url(path)}",
        location=mission.address or None,
        geo=(mission.latitude, mission.longitude) if mission.has_point else None,
    )


def slot_ics(slot) -> str:
    """One VEVENT for ``slot`` with the TZID of the mission's city (and that zone's VTIMEZONE)."""
    return calendar_bytes([slot_entry(slot)]).decode()


def ics_filename(slot) -> str:
    return f"mission-{slot.mission_id}-slot-{slot.pk}.ics"
