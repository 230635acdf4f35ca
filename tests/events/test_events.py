from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from civic.core.models import AuditEntry
from civic.core.permissions import NotAllowed
from events import services
from events.models import Event, EventSeries
from tests.outbox import run_jobs

pytestmark = pytest.mark.django_db


def _data(city, start, hours=2, **extra):
    return {
        "kind": "workshop",
        "title": "Atelier compost",
        "description": "On apprend à composter.",
        "city": city,
        "place_name": "Jardin partagé",
        "starts_at": start,
        "ends_at": start + timedelta(hours=hours),
        **extra,
    }


def _next_year(month, day, hour):
    return datetime(timezone.now().year + 1, month, day, hour, 0)


def test_a_shaker_creates_an_event_typed_in_the_city_time(shaker, new_york):
    event = services.event_create(created_by=shaker, data=_data(new_york, _next_year(6, 10, 18)))

    assert event.starts_at == datetime(event.starts_at.year, 6, 10, 18, tzinfo=ZoneInfo("America/New_York"))
    assert event.starts_at.astimezone(ZoneInfo("UTC")).hour == 22
    assert list(event.organisers.all()) == [shaker]
    assert AuditEntry.objects.filter(action="events.event.created").count() == 1


def test_end_before_start_is_refused_and_nothing_is_saved(shaker, city):
    start = _next_year(6, 10, 18)
    with pytest.raises(ValidationError) as exc:
        services.event_create(
            created_by=shaker, data={**_data(city, start), "ends_at": start - timedelta(hours=1)}
        )

    assert "ends_at" in exc.value.error_dict
    assert not Event.objects.exists()


def test_a_member_without_a_role_cannot_create_events(charlie, city):
    with pytest.raises(NotAllowed):
        services.event_create(created_by=charlie, data=_data(city, _next_year(6, 10, 18)))


def test_an_organisation_member_creates_events_for_their_organisation_only(alice_in_a, org_a, org_b, city):
    event = services.event_create(
        created_by=alice_in_a, data=_data(city, _next_year(6, 10, 18), organization=org_a)
    )
    assert event.organization == org_a

    with pytest.raises(ValidationError):
        services.event_create(
            created_by=alice_in_a, data=_data(city, _next_year(6, 11, 18), organization=org_b)
        )


def test_weekly_series_keeps_the_wall_clock_time_across_the_dst_change(shaker, city):
    year = timezone.now().year + 1
    # Paris moves to summer time on the last Sunday of March: a Thursday series across it.
    first = datetime(year, 3, 1, 19, 0)
    while first.weekday() != 3:
        first += timedelta(days=1)
    services.event_create(
        created_by=shaker, data=_data(city, first), repeat="weekly", until=date(year, 4, 30)
    )

    events = list(Event.objects.order_by("starts_at"))
    local_hours = {e.starts_at.astimezone(ZoneInfo("Europe/Paris")).hour for e in events}
    utc_hours = {e.starts_at.astimezone(ZoneInfo("UTC")).hour for e in events}
    assert local_hours == {19}
    assert utc_hours == {17, 18}
    assert len(events) >= 8
    assert len({e.series_id for e in events}) == 1


def test_series_skips_its_exception_dates(shaker, city):
    first = _next_year(1, 5, 18)
    skipped = (first + timedelta(weeks=2)).date()

    services.event_create(
        created_by=shaker,
        data=_data(city, first),
        repeat="weekly",
        until=(first + timedelta(weeks=4)).date(),
        exceptions=[skipped],
    )

    dates = [e.local_start.date() for e in Event.objects.select_related("city").order_by("starts_at")]
    assert len(dates) == 4
    assert skipped not in dates


def test_monthly_series_on_the_31st_falls_on_the_last_day_of_short_months(shaker, city):
    first = _next_year(1, 31, 18)
    services.event_create(
        created_by=shaker, data=_data(city, first), repeat="monthly", until=date(first.year, 4, 30)
    )

    dates = [e.local_start.date() for e in Event.objects.select_related("city").order_by("starts_at")]
    assert [d.month for d in dates] == [1, 2, 3, 4]
    assert dates[1].day in (28, 29)


def test_cancelling_an_occurrence_adds_an_exception_to_its_series(shaker, city, alice):
    first = _next_year(1, 5, 18)
    services.event_create(
        created_by=shaker, data=_data(city, first), repeat="weekly", until=(first + timedelta(weeks=2)).date()
    )
    second = Event.objects.order_by("starts_at")[1]
    services.rsvp_create(event=second, member=alice)

    services.event_cancel_occurrence(event=second, by=shaker)
    run_jobs()  # attendees are told by batch jobs recorded with the cancellation

    series = EventSeries.objects.get()
    assert series.exceptions == [second.local_start.date()]
    assert alice.notifications.filter(kind="events.cancelled").count() == 1


def test_search_finds_an_event_in_any_language_without_accents(shaker, city):
    services.event_create(
        created_by=shaker,
        data={
            **_data(city, _next_year(6, 10, 18)),
            "title_fr": "Atelier réparation vélo",
            "title_es": "Taller bicicleta",
        },
    )

    assert Event.objects.search("reparation").count() == 1
    assert Event.objects.search("bicicleta").count() == 1
    assert Event.objects.search("repartion velo").count() in (0, 1)  # full text needs both words
    assert Event.objects.search("Atelier reparatoin").count() == 1  # trigram catches the typo


def test_organisation_members_see_their_events_in_admin_and_not_others(
    client, alice_in_a, bob_in_b, org_a, org_b, city
):
    mine = services.event_create(
        created_by=alice_in_a, data=_data(city, _next_year(6, 10, 18), organization=org_a)
    )
    theirs = services.event_create(
        created_by=bob_in_b, data=_data(city, _next_year(6, 10, 18), organization=org_b)
    )
    client.force_login(alice_in_a)

    assert client.get(f"/admin/events/event/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/events/event/{theirs.pk}/change/").status_code == 404


def test_a_generic_link_renders_when_its_target_exists_and_falls_back_to_the_url_otherwise():
    from django.contrib.contenttypes.models import ContentType

    from events.models import MobilisationDay
    from tests.events.factories import DayFactory, EventFactory

    day = DayFactory(slug="target")
    ct = ContentType.objects.get_for_model(MobilisationDay)
    event = EventFactory(
        link_content_type=ct, link_object_id=day.pk, link_url="https://example.org/fallback/"
    )

    assert event.linked()["url"] == day.get_absolute_url()
    day.delete()
    assert event.linked() == {
        "url": "https://example.org/fallback/",
        "title": "https://example.org/fallback/",
    }
    assert EventFactory().linked() is None


def test_admin_refuses_a_capacity_below_the_seats_taken(client, edith, alice, bob):
    from tests.events.factories import EventFactory

    event = EventFactory(capacity=5)
    services.rsvp_create(event=event, member=alice, guests=2)
    client.force_login(edith)
    url = f"/admin/events/event/{event.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | dict)}
    data.update(
        {
            "capacity": "2",
            "starts_at_0": event.starts_at.strftime("%Y-%m-%d"),
            "starts_at_1": event.starts_at.strftime("%H:%M:%S"),
            "ends_at_0": event.ends_at.strftime("%Y-%m-%d"),
            "ends_at_1": event.ends_at.strftime("%H:%M:%S"),
            "city": event.city_id,
            "rsvps-TOTAL_FORMS": "1",
            "rsvps-INITIAL_FORMS": "1",
            "rsvps-MIN_NUM_FORMS": "0",
            "rsvps-MAX_NUM_FORMS": "1000",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["capacity"]
    event.refresh_from_db()
    assert event.capacity == 5
