from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import RSVP, Event
from tests.events.factories import EventFactory
from tests.factories import CityFactory, MemberFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _events(n, **kwargs):
    theme = ThemeFactory(slug="compost")
    events = [EventFactory(themes=[theme], **kwargs) for _ in range(n)]
    return events


@pytest.mark.parametrize("n", [3, 30])
def test_event_list_costs_the_same_queries_for_3_and_30_events(client, django_assert_max_num_queries, n):
    _events(n, capacity=10)

    with django_assert_max_num_queries(6):
        response = client.get("/en/events/")

    assert response.status_code == 200
    assert response.context["page"].paginator.count == n


@pytest.mark.parametrize("n", [3, 30])
def test_event_map_feed_costs_the_same_queries_for_3_and_30_events(client, django_assert_max_num_queries, n):
    _events(n)

    with django_assert_max_num_queries(3):
        response = client.get("/en/events/map.geojson")

    assert len(response.json()["features"]) == n


@pytest.mark.parametrize("n", [3, 30])
def test_calendar_costs_the_same_queries_for_3_and_30_events(client, django_assert_max_num_queries, n):
    events = _events(n)
    month = events[0].local_start.strftime("%Y-%m")

    with django_assert_max_num_queries(6):
        response = client.get(f"/en/events/calendar/?month={month}")

    assert response.status_code == 200
    # All on the same day: the first four are listed, the others counted behind a link.
    page = response.content.decode()
    assert all(e.title in page for e in events[:4])
    assert n == 3 or f"{n - 4} more events this day" in page


def test_a_busy_calendar_day_shows_the_first_events_and_links_to_the_rest(client):
    city = CityFactory(slug="lyon-cal", timezone="Europe/Paris")
    start = (timezone.now() + timedelta(days=40)).replace(hour=8, minute=0, second=0, microsecond=0)
    events = [
        EventFactory(
            city=city,
            title_en=f"Atelier {n}",
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n, minutes=30),
        )
        for n in range(6)
    ]
    day = events[0].local_start.date()

    page = client.get(f"/en/events/calendar/?month={day:%Y-%m}").content.decode()

    assert all(f"Atelier {n}" in page for n in range(4))
    assert "Atelier 4" not in page and "Atelier 5" not in page
    assert "2 more events this day" in page
    assert f"start={day:%Y-%m-%d}&amp;end={day:%Y-%m-%d}" in page
    listed = client.get(f"/en/events/?start={day:%Y-%m-%d}&end={day:%Y-%m-%d}").content.decode()
    assert "Atelier 5" in listed


def test_calendar_places_an_event_on_its_local_date(client):
    # 23:30 UTC is already the next day in Tokyo.
    tokyo = CityFactory(slug="tokyo-cal", timezone="Asia/Tokyo", lat=35.68, lng=139.69)
    starts = (timezone.now() + timedelta(days=40)).replace(hour=23, minute=30, second=0, microsecond=0)
    EventFactory(city=tokyo, title_en="Night market", starts_at=starts, ends_at=starts + timedelta(hours=2))
    local_day = (starts + timedelta(hours=9)).date()

    response = client.get(f"/en/events/calendar/?month={local_day:%Y-%m}")

    day_cells = {
        d: [e.title for e in day_events] for week in response.context["weeks"] for d, day_events, _, _ in week
    }
    assert day_cells[local_day] == ["Night market"]


def test_list_filters_by_city_theme_kind_and_dates(client):
    rio = CityFactory(
        slug="rio", name_fr="Rio", country="BR", timezone="America/Sao_Paulo", lat=-22.9, lng=-43.2
    )
    theme = ThemeFactory(slug="recycling")
    EventFactory(title_en="Paris meetup")
    EventFactory(title_en="Rio workshop", city=rio, kind="workshop", themes=[theme])
    far = timezone.now() + timedelta(days=60)
    EventFactory(title_en="Rio later", city=rio, starts_at=far, ends_at=far + timedelta(hours=2))

    def titles(query):
        return [e.title for e in client.get(f"/en/events/?{query}").context["events"]]

    assert titles("city=rio") == ["Rio workshop", "Rio later"]
    assert titles("theme=recycling") == ["Rio workshop"]
    assert titles("kind=workshop") == ["Rio workshop"]
    end = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert titles(f"city=rio&start={timezone.localdate().isoformat()}&end={end}") == ["Rio workshop"]


def test_near_me_uses_the_given_position(client):
    EventFactory(title_en="Close", point={"type": "Point", "coordinates": [2.35, 48.86]})
    EventFactory(title_en="Far", point={"type": "Point", "coordinates": [5.37, 43.30]})

    response = client.get("/en/events/?near=on&lat=48.857&lng=2.352&km=5")

    assert [e.title for e in response.context["events"]] == ["Close"]


def test_near_me_lists_upcoming_events_only_nearest_first(client):
    here = {"type": "Point", "coordinates": [2.35, 48.86]}
    start = timezone.now() - timedelta(days=3)
    EventFactory(title_en="Over", point=here, starts_at=start, ends_at=start + timedelta(hours=1))
    EventFactory(title_en="Next door", point={"type": "Point", "coordinates": [2.36, 48.87]})
    EventFactory(title_en="Right here", point=here)

    response = client.get("/en/events/?near=on&lat=48.86&lng=2.35&km=5")

    assert [e.title for e in response.context["events"]] == ["Right here", "Next door"]


def test_an_event_longer_than_two_weeks_is_refused_next_to_its_end(client):
    from events.services import _check_times

    start = timezone.now()
    with pytest.raises(ValidationError) as refused:
        _check_times(start, start + timedelta(days=15))
    assert refused.value.message_dict == {
        "ends_at": ["An event lasts 14 days at most: make a longer activity a series of events."]
    }
    with pytest.raises(IntegrityError):
        EventFactory(starts_at=start, ends_at=start + timedelta(days=15))


def test_past_events_are_not_listed_by_default(client):
    start = timezone.now() - timedelta(days=3)
    EventFactory(title_en="Old", starts_at=start, ends_at=start + timedelta(hours=1))
    EventFactory(title_en="New")

    assert [e.title for e in client.get("/en/events/").context["events"]] == ["New"]


def test_online_link_is_shown_to_attendees_only(client, alice, bob):
    event = EventFactory(is_online=True, online_url="https://meet.example.org/secret-room", place_name="")
    services.rsvp_create(event=event, member=alice)

    def ics_description():
        cal = Calendar.from_ical(client.get(reverse("events:ics", args=[event.pk])).content)
        return str(cal.walk("VEVENT")[0]["DESCRIPTION"])

    client.force_login(bob)
    assert "secret-room" not in client.get(event.get_absolute_url()).content.decode()
    assert "secret-room" not in ics_description()
    client.force_login(alice)
    assert "secret-room" in client.get(event.get_absolute_url()).content.decode()
    assert "secret-room" in ics_description()


def test_rsvp_through_the_page(client, alice):
    event = EventFactory(capacity=3)
    client.force_login(alice)

    response = client.post(reverse("events:rsvp", args=[event.pk]), {"guests": "1"}, follow=True)

    assert "You are going" in response.content.decode()
    assert RSVP.objects.get(member=alice).guests == 1


def test_guests_beyond_capacity_show_a_clear_message(client, alice):
    event = EventFactory(capacity=2)
    client.force_login(alice)

    response = client.post(reverse("events:rsvp", args=[event.pk]), {"guests": "3"}, follow=True)

    assert "This event has 2 seats in all" in response.content.decode()
    assert not RSVP.objects.exists()


def test_create_form_refuses_an_end_before_the_start(client, shaker, city):
    client.force_login(shaker)
    response = client.post(
        "/en/events/new/",
        {
            "kind": "meetup",
            "title": "Apéro",
            "city": city.pk,
            "place_name": "Café",
            "starts_at": "2031-05-10T18:00",
            "ends_at": "2031-05-10T17:00",
        },
    )

    assert response.status_code == 200
    assert "The end must be after the start." in response.content.decode()
    assert not Event.objects.exists()


def test_create_form_stores_the_local_time_of_the_city(client, shaker, new_york):
    client.force_login(shaker)
    response = client.post(
        "/en/events/new/",
        {
            "kind": "meetup",
            "title": "Block party",
            "city": new_york.pk,
            "place_name": "Bryant Park",
            "starts_at": "2031-07-10T18:00",
            "ends_at": "2031-07-10T20:00",
            "languages": ["en", "es"],
        },
    )

    event = Event.objects.get()
    assert response.status_code == 302
    assert event.starts_at.isoformat() == "2031-07-10T22:00:00+00:00"
    assert event.languages == ["en", "es"]
    assert event.title_en == "Block party"


def test_edit_form_refuses_a_capacity_below_current_attendees(client, shaker, alice, bob):
    event = EventFactory(capacity=5, created_by=shaker)
    event.organisers.add(shaker)
    services.rsvp_create(event=event, member=alice)
    services.rsvp_create(event=event, member=bob, guests=1)
    client.force_login(shaker)
    local = event.local_start.replace(tzinfo=None)

    response = client.post(
        reverse("events:edit", args=[event.pk]),
        {
            "kind": "meetup",
            "title": "Still here",
            "city": event.city_id,
            "place_name": "Café",
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": "2",
        },
    )

    assert "3 seats are already taken" in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 5


ORGANISER_PAGES = [
    "events:attendees",
    "events:attendees_csv",
    "events:message",
    "events:report",
    "events:edit",
]


@pytest.mark.parametrize("name", ORGANISER_PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [("organiser", 200), ("org_member", 200), ("editor", 200), ("other_member", 404), ("other_org", 404)],
)
def test_organiser_pages_permission_matrix(
    client, name, who, status, shaker, alice_in_a, bob_in_b, edith, charlie, org_a
):
    start = timezone.now() - timedelta(hours=1)
    event = EventFactory(
        created_by=shaker, organization=org_a, starts_at=start, ends_at=start + timedelta(hours=3)
    )
    event.organisers.add(shaker)
    user = {
        "organiser": shaker,
        "org_member": alice_in_a,
        "editor": edith,
        "other_member": charlie,
        "other_org": bob_in_b,
    }[who]
    client.force_login(user)

    assert client.get(reverse(name, args=[event.pk])).status_code == status


def test_organiser_pages_send_anonymous_people_to_log_in(client):
    event = EventFactory()
    assert client.get(reverse("events:attendees", args=[event.pk])).status_code == 302


def test_unpublished_event_is_404_for_others(client, charlie, shaker):
    event = EventFactory(is_published=False, created_by=shaker)

    assert client.get(event.get_absolute_url()).status_code == 404
    client.force_login(charlie)
    assert client.get(event.get_absolute_url()).status_code == 404
    client.force_login(shaker)
    assert client.get(event.get_absolute_url()).status_code == 200


def test_create_page_is_not_found_without_a_role(client, charlie):
    client.force_login(charlie)
    assert client.get("/en/events/new/").status_code == 404


def test_attendees_csv_lists_names_without_emails(client, shaker, alice, bob):
    event = EventFactory(capacity=1, created_by=shaker)
    services.rsvp_create(event=event, member=alice, guests=0)
    services.rsvp_create(event=event, member=bob)
    client.force_login(shaker)

    response = client.get(reverse("events:attendees_csv", args=[event.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")

    assert body.splitlines()[0] == "name,status,guests,attended,rsvp_at"
    assert "Alice,going,0" in body and "Bob,waiting,0" in body
    assert "@" not in body


def test_marking_attendance(client, shaker, alice, bob):
    event = EventFactory(created_by=shaker)
    services.rsvp_create(event=event, member=alice)
    services.rsvp_create(event=event, member=bob)
    client.force_login(shaker)

    client.post(reverse("events:attendees", args=[event.pk]), {"present": [str(alice.pk)]})

    assert dict(RSVP.objects.values_list("member_id", "attended")) == {alice.pk: True, bob.pk: False}


def test_posting_a_report_with_a_photo(client, shaker):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    start = timezone.now() - timedelta(days=1)
    event = EventFactory(created_by=shaker, starts_at=start, ends_at=start + timedelta(hours=2))
    buf = BytesIO()
    Image.new("RGB", (40, 30), "green").save(buf, "JPEG")
    client.force_login(shaker)

    response = client.post(
        reverse("events:report", args=[event.pk]),
        {
            "people_count": "23",
            "text": "We planted **12 trees**.",
            "photo1": SimpleUploadedFile("a.jpg", buf.getvalue(), "image/jpeg"),
        },
        follow=True,
    )

    page = response.content.decode()
    assert "23 people took part." in page
    assert "<strong>12 trees</strong>" in page
    assert event.report.photos.count() == 1


def test_event_ics_parses_back_with_icalendar(client, city):
    event = EventFactory(title_en="Repair café", capacity=10)

    response = client.get(f"/en/events/{event.pk}/event.ics")

    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Repair café"
    assert vevent.decoded("DTSTART") == event.starts_at
    assert vevent.decoded("DTEND") == event.ends_at
    assert str(vevent["UID"]).startswith(f"event-{event.pk}@")


def test_city_and_theme_feeds_list_upcoming_events(client):
    theme = ThemeFactory(slug="recycling")
    lyon = CityFactory(slug="lyon")
    EventFactory(title_fr="Paris 1", themes=[theme])
    EventFactory(title_fr="Lyon 1", city=lyon)

    city_cal = Calendar.from_ical(client.get("/fr/events/feeds/city/paris.ics").content)
    theme_cal = Calendar.from_ical(client.get("/fr/events/feeds/theme/recycling.ics").content)

    assert [str(e["SUMMARY"]) for e in city_cal.walk("VEVENT")] == ["Paris 1"]
    assert [str(e["SUMMARY"]) for e in theme_cal.walk("VEVENT")] == ["Paris 1"]


def test_member_feed_lists_their_events_and_a_wrong_token_is_404(client, alice):
    going = EventFactory(title_fr="J'y vais")
    EventFactory(title_fr="Pas moi")
    services.rsvp_create(event=going, member=alice)
    token = services.feed_token_for(alice).token

    cal = Calendar.from_ical(client.get(f"/fr/events/feeds/member/{token}.ics").content)

    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["J'y vais"]
    assert client.get("/fr/events/feeds/member/not-the-token.ics").status_code == 404


def test_my_events_page_shows_the_feed_address(client, alice):
    client.force_login(alice)
    response = client.get("/en/events/mine/")
    assert services.feed_token_for(alice).token in response.content.decode()


def test_pages_render_in_each_language(client):
    EventFactory()
    for lang, word in [("fr", "Événements"), ("en", "Events"), ("es", "Eventos")]:
        assert word in client.get(f"/{lang}/events/").content.decode()


def test_another_member_is_not_an_organiser(charlie):
    from events.rules import may_manage_event

    assert not may_manage_event(charlie, EventFactory())
    assert not may_manage_event(MemberFactory(), EventFactory())


@pytest.mark.parametrize("n", [3, 30])
def test_event_page_costs_the_same_queries_whatever_the_number_of_attendees(
    client, django_assert_max_num_queries, n, alice
):
    event = EventFactory(capacity=100, themes=[ThemeFactory(slug="t1"), ThemeFactory(slug="t2")])
    for _ in range(n):
        services.rsvp_create(event=event, member=MemberFactory())
    client.force_login(alice)

    with django_assert_max_num_queries(12):
        assert client.get(f"/en/events/{event.pk}/").status_code == 200


def test_reports_of_events_linked_to_an_initiative(shaker):
    start = timezone.now() - timedelta(days=1)
    event = EventFactory(
        created_by=shaker,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        link_url="https://example.org/i/1/",
    )
    EventFactory(link_url="https://example.org/i/2/")
    services.report_post(event=event, by=shaker, people_count=9, text="Done")

    assert [r.event_id for r in services.reports_for_link(url="https://example.org/i/1/")] == [event.pk]
    assert list(services.reports_for_link(url="https://example.org/i/2/")) == []


def test_an_initiative_page_shows_the_reports_of_its_events_without_importing_events(client, shaker):
    from django.contrib.contenttypes.models import ContentType

    from initiatives.models import Initiative
    from tests.initiatives.factories import InitiativeFactory

    initiative = InitiativeFactory()
    start = timezone.now() - timedelta(days=1)
    event = EventFactory(
        created_by=shaker,
        title_en="Compost meetup",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        link_content_type=ContentType.objects.get_for_model(Initiative),
        link_object_id=initiative.pk,
    )
    services.report_post(event=event, by=shaker, people_count=9, text="We built two bins")

    page = client.get(f"/en/initiatives/{initiative.pk}/").content.decode()

    assert "What happened at its events" in page
    assert f'<a href="/en/events/{event.pk}/">Compost meetup</a>' in page
    assert "We built two bins" in page and "9 people" in page


def test_near_me_without_a_position_uses_the_members_home(client, alice):
    from civic.places.geo import point

    alice.point = point(48.857, 2.352)
    alice.save()
    EventFactory(title_en="Close", point={"type": "Point", "coordinates": [2.35, 48.86]})
    EventFactory(title_en="Far", point={"type": "Point", "coordinates": [5.37, 43.30]})
    client.force_login(alice)

    response = client.get("/en/events/?near=on&km=5")

    assert [e.title for e in response.context["events"]] == ["Close"]


def test_editor_approves_editions_with_the_admin_action(client, edith, shaker, city):
    from tests.events.factories import DayFactory, edition_for

    edition = edition_for(DayFactory(), organiser=shaker, city=city, approved=False)
    client.force_login(edith)

    client.post(
        "/admin/events/cityedition/",
        {"action": "approve", "_selected_action": [edition.pk]},
    )

    edition.refresh_from_db()
    assert edition.status == "approved"


def test_admin_of_editions_is_for_editors_only(client, alice_in_a):
    client.force_login(alice_in_a)
    assert client.get("/admin/events/cityedition/").status_code in (403, 404)


def test_organiser_tools_and_day_buttons_show_only_to_whoever_may_use_them(client, shaker, charlie, edith):
    from django.utils import translation

    from tests.events.factories import DayFactory

    event = EventFactory(created_by=shaker)
    day = DayFactory()
    with translation.override("en"):
        event_url, day_url = event.get_absolute_url(), reverse("events:day_detail", args=[day.slug])

    client.force_login(charlie)
    assert "For organisers" not in client.get(event_url).content.decode()
    day_page = client.get(day_url).content.decode()
    assert "Run an edition in my city" not in day_page and "Progress (editors)" not in day_page

    client.force_login(shaker)
    assert "For organisers" in client.get(event_url).content.decode()
    day_page = client.get(day_url).content.decode()
    assert "Run an edition in my city" in day_page and "Progress (editors)" not in day_page

    client.force_login(edith)
    assert "Progress (editors)" in client.get(day_url).content.decode()
