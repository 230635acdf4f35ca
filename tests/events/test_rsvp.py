import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from events import services
from events.models import RSVP, Event
from tests.events.factories import EventFactory
from tests.factories import MemberFactory
from tests.race import race

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_member_is_going_when_seats_are_left(alice):
    event = EventFactory(capacity=3)

    rsvp = services.rsvp_create(event=event, member=alice, guests=1)

    assert rsvp.status == RSVP.Status.GOING
    event.refresh_from_db()
    assert event.seats_taken == 2


def test_member_lands_on_the_waiting_list_when_full(alice, bob):
    event = EventFactory(capacity=1)
    services.rsvp_create(event=event, member=alice)

    rsvp = services.rsvp_create(event=event, member=bob)

    assert rsvp.status == RSVP.Status.WAITING
    event.refresh_from_db()
    assert event.seats_taken == 1


def test_rsvping_twice_keeps_one_rsvp(alice):
    event = EventFactory(capacity=5)
    services.rsvp_create(event=event, member=alice)
    services.rsvp_create(event=event, member=alice)

    assert RSVP.objects.filter(event=event, member=alice).count() == 1
    event.refresh_from_db()
    assert event.seats_taken == 1


def test_cancellation_promotes_the_waiting_list_first_come_first_served(alice, bob, charlie):
    event = EventFactory(capacity=1)
    services.rsvp_create(event=event, member=alice)
    services.rsvp_create(event=event, member=bob)
    services.rsvp_create(event=event, member=charlie)

    services.rsvp_cancel(event=event, member=alice)

    statuses = dict(RSVP.objects.filter(event=event).values_list("member__display_name", "status"))
    assert statuses == {"Alice": "cancelled", "Bob": "going", "Charlie": "waiting"}
    event.refresh_from_db()
    assert event.seats_taken == 1


def test_promotion_does_not_let_a_smaller_party_overtake_the_head_of_the_queue(alice, bob, charlie):
    event = EventFactory(capacity=3)
    services.rsvp_create(event=event, member=alice, guests=1)  # 2 seats
    services.rsvp_create(event=event, member=bob, guests=2)  # 3 seats: waits
    services.rsvp_create(event=event, member=charlie)  # 1 seat would fit, but Bob is first in line

    assert RSVP.objects.get(member=charlie).status == RSVP.Status.WAITING

    services.rsvp_cancel(event=event, member=alice)

    assert RSVP.objects.get(member=bob).status == RSVP.Status.GOING
    assert RSVP.objects.get(member=charlie).status == RSVP.Status.WAITING


def test_promoted_member_is_told(alice, bob, django_capture_on_commit_callbacks, mailoutbox):
    event = EventFactory(capacity=1)
    services.rsvp_create(event=event, member=alice)
    services.rsvp_create(event=event, member=bob)

    with django_capture_on_commit_callbacks(execute=True):
        services.rsvp_cancel(event=event, member=alice)

    assert bob.notifications.filter(kind="events.promoted").count() == 1
    assert [m.to for m in mailoutbox] == [["bob@example.org"]]


def test_guests_beyond_capacity_are_refused(alice):
    event = EventFactory(capacity=3)

    with pytest.raises(ValidationError) as exc:
        services.rsvp_create(event=event, member=alice, guests=3)

    assert "3 seats in all" in str(exc.value)
    assert not RSVP.objects.exists()


def test_adding_guests_beyond_the_seats_left_is_refused(alice, bob):
    event = EventFactory(capacity=4)
    services.rsvp_create(event=event, member=alice, guests=1)
    services.rsvp_create(event=event, member=bob, guests=1)

    with pytest.raises(ValidationError) as exc:
        services.rsvp_create(event=event, member=alice, guests=2)

    assert "Only 0 seats are left" in str(exc.value)
    event.refresh_from_db()
    assert event.seats_taken == 4
    assert RSVP.objects.get(member=alice).guests == 1


def test_fewer_guests_free_seats_for_the_waiting_list(alice, bob):
    event = EventFactory(capacity=2)
    services.rsvp_create(event=event, member=alice, guests=1)
    services.rsvp_create(event=event, member=bob)

    services.rsvp_change_guests(event=event, member=alice, guests=0)

    assert RSVP.objects.get(member=bob).status == RSVP.Status.GOING
    event.refresh_from_db()
    assert event.seats_taken == 2


def test_capacity_cannot_drop_below_current_attendees(alice, bob, edith):
    event = EventFactory(capacity=5)
    services.rsvp_create(event=event, member=alice, guests=1)
    services.rsvp_create(event=event, member=bob)

    with pytest.raises(ValidationError) as exc:
        services.event_update(event=event, by=edith, data={"capacity": 2})

    assert "capacity" in exc.value.error_dict
    event.refresh_from_db()
    assert event.capacity == 5


def test_raising_capacity_promotes_waiting_members(alice, bob, edith):
    event = EventFactory(capacity=1)
    services.rsvp_create(event=event, member=alice)
    services.rsvp_create(event=event, member=bob)

    services.event_update(event=event, by=edith, data={"capacity": 2})

    assert RSVP.objects.get(member=bob).status == RSVP.Status.GOING


def test_rsvp_to_a_past_event_is_refused(alice):
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() - timedelta(days=2)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))

    with pytest.raises(ValidationError):
        services.rsvp_create(event=event, member=alice)


def test_database_refuses_more_seats_than_capacity():
    from django.db import IntegrityError

    event = EventFactory(capacity=2)

    with pytest.raises(IntegrityError):
        Event.objects.filter(pk=event.pk).update(seats_taken=3)


@pytest.mark.django_db(transaction=True)
def test_concurrent_rsvps_never_exceed_capacity():
    event = EventFactory(capacity=5)
    members = [MemberFactory() for _ in range(12)]

    outcome = race(
        lambda m: services.rsvp_create(event=event, member=m, guests=0),
        [(m,) for m in members],
        tolerated=(ValidationError,),
    )

    assert outcome.errors == []
    event.refresh_from_db()
    assert event.seats_taken == 5
    assert RSVP.objects.filter(event=event, status="going").count() == 5
    assert RSVP.objects.filter(event=event, status="waiting").count() == 7


@pytest.mark.django_db(transaction=True)
def test_the_same_member_rsvping_from_two_tabs_at_once_gets_one_rsvp():
    event = EventFactory(capacity=5)
    alice = MemberFactory(email="alice@example.org")

    outcome = race(
        lambda m: services.rsvp_create(event=event, member=m), [(alice,)] * 4, tolerated=(ValidationError,)
    )

    assert outcome.errors == []
    assert RSVP.objects.filter(event=event, member=alice).count() == 1
    event.refresh_from_db()
    assert event.seats_taken == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_and_rsvps_keep_seats_consistent():
    event = EventFactory(capacity=3)
    first = [MemberFactory() for _ in range(3)]
    for m in first:
        services.rsvp_create(event=event, member=m)
    newcomers = [MemberFactory() for _ in range(4)]

    calls = [(services.rsvp_cancel, m) for m in first] + [(services.rsvp_create, m) for m in newcomers]
    outcome = race(lambda fn, m: fn(event=event, member=m), calls, tolerated=(ValidationError,))

    assert outcome.errors == []
    event.refresh_from_db()
    going = RSVP.objects.filter(event=event, status="going").count()
    assert going == event.seats_taken == 3
