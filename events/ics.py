"""iCalendar output (RFC 5545) built with the ``icalendar`` package."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, vGeo
from icalendar import Event as VEvent

from events.models import Event


def _domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "civic.localhost"


def calendar_for(events: Iterable[Event], *, name: str, show_links_for: set[int] = frozenset()) -> bytes:
    """A VCALENDAR with one VEVENT per event. Times carry the TZID of the event's city, with its
    VTIMEZONE, so a calendar shows "14:00 Rio time" as the organiser meant it, even across a
    daylight-saving change the reader's calendar would otherwise compute in UTC.

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
    span: list = []
    for event in events:
        zone = event.city.timezone
        ve = VEvent()
        ve.add("uid", f"event-{event.pk}@{_domain()}")
        ve.add("dtstamp", now)
        ve.add("dtstart", event.starts_at.astimezone(zone))
        ve.add("dtend", event.ends_at.astimezone(zone))
        span += [event.starts_at.date(), event.ends_at.date()]
        ve.add("summary", event.title)
        description = event.description or ""
        if event.is_online and event.pk in show_links_for and event.online_url:
            description = f"{description}\n\n{event.online_url}".strip()
        ve.add("description", description)
        ve.add("location", "online" if event.is_online else event.place_and_city)
        ve.add("url", f"{site}{event.get_absolute_url()}")
        if event.has_point:
            ve.add("geo", vGeo((event.latitude, event.longitude)))
        ve.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
        cal.add_component(ve)
    if span:
        # Transitions only around the events: a VTIMEZONE from 1970 would weigh kilobytes per zone.
        cal.add_missing_timezones(
            first_date=min(span) - timedelta(days=366), last_date=max(span) + timedelta(days=366)
        )
    return cal.to_ical()


def ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
