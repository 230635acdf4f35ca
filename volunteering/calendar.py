"""Slots as iCalendar entries, for the download link and the confirmation email (the file itself is
built by ``civic.core.ics``)."""

from __future__ import annotations

from civic.core.ics import CalendarEntry, absolute_url, calendar_bytes


def slot_entry(slot) -> CalendarEntry:
    """``slot`` on the clock of its mission's city. Reads slot.mission, mission.organization and
    mission.city (select_related them)."""
    mission = slot.mission
    return CalendarEntry.of(
        "slot",
        slot,
        place=mission,
        summary=str(mission.title),
        description=f"{mission.organization.name}\n{absolute_url(mission.get_absolute_url())}",
        location=mission.address or None,
    )


def slot_ics(slot) -> str:
    """One VEVENT for ``slot`` with the TZID of the mission's city (and that zone's VTIMEZONE)."""
    return calendar_bytes([slot_entry(slot)]).decode()


def ics_filename(slot) -> str:
    return f"mission-{slot.mission_id}-slot-{slot.pk}.ics"
