"""iCalendar output (RFC 5545) built with the ``icalendar`` package."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, vGeo
from icalendar import Event as VEvent

from events.models import Event


def _domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "civic.localhost"


def calendar_for(events: Iterable[Event], *, name: str, show_links_for: set[int] = frozenset()) -> bytes:
    """A VCALENDAR with one VEVENT per event. Times are written in UTC (unambiguous everywhere).

    ``show_links_for``: ids of events whose online link the reader may see (attendees only).
    Reads ``event.city`` for the location: select_related it.
    """
    cal = Calendar()
    cal.add("prodid", "-//Civic//events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    site = settings.SITE_URL.rstrip("/")
    now = timezone.now()
    for event in events:
        ve = VEvent()
        ve.add("uid", f"event-{event.pk}@{_domain()}")
        ve.add("dtstamp", now)
        ve.add("dtstart", event.starts_at)
        ve.add("dtend", event.ends_at)
        ve.add("summary", event.title)
        description = event.description or ""
        if event.is_online and event.pk in show_links_for and event.online_url:
            description = f"{description}\n\n{event.online_url}".strip()
        ve.add("description", description)
        ve.add(
            "location", "online" if event.is_online else f"{event.place_name}, {event.city.name}".strip(", ")
        )
        ve.add("url", f"{site}{event.get_absolute_url()}")
        if event.has_point:
            ve.add("geo", vGeo((event.latitude, event.longitude)))
        ve.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
        cal.add_component(ve)
    return cal.to_ical()


def ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
