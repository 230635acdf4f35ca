"""``civic.core.ics``: one iCalendar builder for events and volunteering slots."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.events.factories import EventFactory
from tests.factories import CityFactory
from tests.volunteering.factories import MissionFactory, SlotFactory

pytestmark = pytest.mark.django_db


def _vevent(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    [vevent] = cal.walk("VEVENT")
    return cal, vevent


def test_events_and_slots_have_uids_on_the_site_domain(client, settings):
    settings.SITE_URL = "https://civic.example.org:8443"
    event = EventFactory()
    slot = SlotFactory()

    _cal, event_vevent = _vevent(client.get(reverse("events:ics", args=[event.pk])))
    _cal, slot_vevent = _vevent(client.get(reverse("volunteering:slot_calendar", args=[slot.pk])))

    assert str(event_vevent["UID"]) == f"event-{event.pk}@civic.example.org"
    assert str(slot_vevent["UID"]) == f"slot-{slot.pk}@civic.example.org"
    assert str(event_vevent["URL"]).startswith("https://civic.example.org:8443/")
    assert str(slot_vevent["URL"]).startswith("https://civic.example.org:8443/")


def test_an_event_and_a_slot_are_placed_at_their_point_and_link_to_their_page(client, settings):
    settings.SITE_URL = "https://civic.example.org"
    event = EventFactory(point={"type": "Point", "coordinates": [-73.6, 45.5]})
    slot = SlotFactory(mission=MissionFactory(lat=-22.9, lng=-43.2))

    _cal, event_vevent = _vevent(client.get(reverse("events:ics", args=[event.pk])))
    _cal, slot_vevent = _vevent(client.get(reverse("volunteering:slot_calendar", args=[slot.pk])))

    assert (event_vevent["GEO"].latitude, event_vevent["GEO"].longitude) == (45.5, -73.6)
    assert (slot_vevent["GEO"].latitude, slot_vevent["GEO"].longitude) == (-22.9, -43.2)
    assert str(event_vevent["URL"]) == "https://civic.example.org" + event.get_absolute_url()
    assert str(slot_vevent["URL"]) == "https://civic.example.org" + slot.mission.get_absolute_url()


def test_an_event_and_a_slot_keep_the_clock_of_their_city(client):
    rio = CityFactory(slug="rio", timezone="America/Sao_Paulo", lat=-22.9, lng=-43.2)
    # 13:00 UTC is 10:00 in Rio (UTC-3, no daylight saving since 2019).
    starts = datetime(timezone.now().year + 1, 3, 12, 13, 0, tzinfo=UTC)
    event = EventFactory(city=rio, starts_at=starts, ends_at=starts + timedelta(hours=2))
    slot = SlotFactory(
        mission=MissionFactory(city=rio, lat=-22.9, lng=-43.2),
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
    )

    for url in (
        reverse("events:ics", args=[event.pk]),
        reverse("volunteering:slot_calendar", args=[slot.pk]),
    ):
        cal, vevent = _vevent(client.get(url))
        assert vevent["DTSTART"].params["TZID"] == "America/Sao_Paulo", url
        assert vevent.decoded("DTSTART").hour == 10, url
        assert vevent.decoded("DTSTART") == starts, url
        assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/Sao_Paulo"], url
