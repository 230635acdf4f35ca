"""iCalendar (.ics, RFC 5545) files, one builder for every app (``icalendar`` package).

An app describes each item as a :class:`CalendarEntry` (an event, a volunteering slot…) and calls
:func:`calendar_bytes`; the kernel writes the rest the same way for everyone:

- **UIDs** are ``<kind>-<pk>@<site domain>``, the domain being the host of ``SITE_URL``: stable
  across downloads (a calendar updates the entry instead of adding a second one), and distinct from
  another site's entries.
- **Times** carry the TZID of the item's zone (its city's), with that zone's VTIMEZONE, so a
  calendar shows "14:00 Rio time" as the organiser meant it, even across a daylight-saving change
  the reader's calendar would otherwise compute in UTC.
- **Links** are absolute (``SITE_URL`` + the item's path).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from icalendar import Calendar, vGeo
from icalendar import Event as VEvent

PRODID = "-//Civic//Civic//EN"


@dataclass(frozen=True)
class CalendarEntry:
    """One VEVENT. ``kind`` and ``pk`` make the UID; ``zone`` is the time zone of the item's city;
    ``path`` is the item's page on this site (``get_absolute_url()``)."""

    kind: str
    pk: int
    starts_at: datetime
    ends_at: datetime
    zone: tzinfo
    summary: str
    path: str
    description: str = ""
    location: str | None = None
    geo: tuple[float, float] | None = None
    cancelled: bool = False

    @classmethod
    def of(cls, kind: str, timed, *, place=None, summary: str, **fields) -> CalendarEntry:
        """The entry of ``timed`` (a row with ``pk``, ``starts_at`` and ``ends_at``: an event, a slot)
        held at ``place`` (``timed`` itself by default; a located row with its ``city`` loaded, whose
        page is the entry's link): on the clock of the place's city, with the place's point as GEO
        when it has one. ``fields``: ``description``, ``location``, ``cancelled``."""
        place = timed if place is None else place
        return cls(
            kind=kind,
            pk=timed.pk,
            starts_at=timed.starts_at,
            ends_at=timed.ends_at,
            zone=place.city.timezone,
            summary=summary,
            path=place.get_absolute_url(),
            geo=(place.latitude, place.longitude) if place.has_point else None,
            **fields,
        )


def uid_domain() -> str:
    """The host name of ``SITE_URL`` (no scheme, no port): the domain part of every UID."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def uid(kind: str, pk: int) -> str:
    return f"{kind}-{pk}@{uid_domain()}"


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def calendar_bytes(entries: Iterable[CalendarEntry], *, name: str | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per entry, and the VTIMEZONE of each zone used (with the
    transitions of a year around the entries only: one from 1970 would weigh kilobytes per zone)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
    now = timezone.now()
    span: list = []
    for entry in entries:
        vevent = VEvent()
        vevent.add("uid", uid(entry.kind, entry.pk))
        vevent.add("dtstamp", now)
        vevent.add("dtstart", entry.starts_at.astimezone(entry.zone))
        vevent.add("dtend", entry.ends_at.astimezone(entry.zone))
        span += [entry.starts_at.date(), entry.ends_at.date()]
        vevent.add("summary", entry.summary)
        vevent.add("description", entry.description)
        if entry.location:
            vevent.add("location", entry.location)
        vevent.add("url", absolute_url(entry.path))
        if entry.geo is not None:
            vevent.add("geo", vGeo(entry.geo))
        vevent.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        cal.add_component(vevent)
    if span:
        cal.add_missing_timezones(
            first_date=min(span) - timedelta(days=366), last_date=max(span) + timedelta(days=366)
        )
    return cal.to_ical()


def ics_response(body: bytes, filename: str, *, as_attachment: bool = False) -> HttpResponse:
    """``body`` as a ``text/calendar`` response: shown inline (a calendar app opens it) unless
    ``as_attachment``."""
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=as_attachment, filename=filename
    )
    return response
