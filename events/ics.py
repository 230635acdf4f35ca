"""Events as iCalendar entries (the file itself is built by ``civic.core.ics``)."""

from __future__ import annotations

from collections.abc import Iterable

from civic.core.ics import CalendarEntry, calendar_bytes
from events.models import Event


def entry_for(event: Event, *, show_link: bool = False) -> CalendarEntry:
    """``event`` on its city's clock. ``show_link``: the reader may see the online link (attendees
    only). Reads ``event.city``: select_related it."""
    description = event.description or ""
    if event.is_online and show_link and event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    return CalendarEntry.of(
        "event",
        event,
        summary=event.title,
        description=description,
        location="online" if event.is_online else event.place_and_city,
        cancelled=event.is_cancelled,
    )


def calendar_for(events: Iterable[Event], *, name: str, show_links_for: set[int] = frozenset()) -> bytes:
    """A VCALENDAR with one VEVENT per event. ``show_links_for``: ids of events whose online link
    the reader may see (attendees only). Reads ``event.city``: select_related it."""
    return calendar_bytes((entry_for(e, show_link=e.pk in show_links_for) for e in events), name=name)
