"""Files people take away (attendee CSV, iCal) carry times on the event city's clock."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import services
from tests.events.factories import EventFactory
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db


def _next_year_at(month: int, hour_utc: int) -> datetime:
    return datetime(timezone.now().year + 1, month, 12, hour_utc, 0, tzinfo=UTC)


def test_attendees_csv_gives_rsvp_times_on_rio_clock_with_the_offset(client, shaker, alice):
    rio = CityFactory(slug="rio", timezone="America/Sao_Paulo", lat=-22.9, lng=-43.2)
    event = EventFactory(city=rio, created_by=shaker)
    rsvp = services.rsvp_create(event=event, member=alice)
    client.force_login(shaker)

    body = b"".join(client.get(reverse("events:attendees_csv", args=[event.pk])).streaming_content).decode(
        "utf-8-sig"
    )

    local = timezone.localtime(rsvp.queued_at, rio.timezone).isoformat(timespec="seconds")
    assert local.endswith("-03:00")
    assert f"Alice,going,0,,{local}" in body


def test_ical_event_carries_the_melbourne_time_zone(client):
    melbourne = CityFactory(slug="melbourne", timezone="Australia/Melbourne", lat=-37.81, lng=144.96)
    # 23:00 UTC in January is 10:00 the next morning in Melbourne (UTC+11, summer time).
    starts = _next_year_at(1, 23)
    event = EventFactory(city=melbourne, starts_at=starts, ends_at=starts + timedelta(hours=2))

    cal = Calendar.from_ical(client.get(reverse("events:ics", args=[event.pk])).content)

    vevent = cal.walk("VEVENT")[0]
    assert vevent["DTSTART"].params["TZID"] == "Australia/Melbourne"
    assert vevent.decoded("DTSTART").hour == 10
    assert vevent.decoded("DTSTART") == starts
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Australia/Melbourne"]


def test_a_place_that_names_its_city_is_not_followed_by_the_city_again(client):
    marseille = CityFactory(slug="marseille", name_fr="Marseille", name_en="Marseille", name_es="Marsella")
    event = EventFactory(city=marseille, place_name="Maison des associations, Marseille")
    other = EventFactory(city=marseille, place_name="Repair Café, cours Julien")

    assert "Maison des associations, Marseille</dd>" in client.get(event.get_absolute_url()).content.decode()
    assert (
        "Repair Café, cours Julien, Marseille</dd>" in client.get(other.get_absolute_url()).content.decode()
    )
    ics = Calendar.from_ical(client.get(reverse("events:ics", args=[event.pk])).content)
    assert str(ics.walk("VEVENT")[0]["LOCATION"]) == "Maison des associations, Marseille"
