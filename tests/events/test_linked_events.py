"""``linked_event_create``: the public service through which another app turns one of its things into an event."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from events import services
from events.models import Event
from tests.factories import MemberFactory
from tests.race import race


def _data(city, title="Meeting about the garden"):
    day = timezone.localdate() + timedelta(days=5)
    start = datetime(day.year, day.month, day.day, 19, 0)
    return {"title": title, "city": city, "starts_at": start, "ends_at": start + timedelta(hours=2)}


@pytest.mark.django_db
def test_a_member_who_may_not_create_events_gets_the_one_another_app_asks_for(city, charlie):
    event = services.linked_event_create(source_key="test.thing:1", created_by=charlie, data=_data(city))

    assert event.is_published and event.local_start.hour == 19
    assert list(event.organisers.all()) == [charlie]
    assert [e.pk for e in Event.objects.search("garden")] == [event.pk]


@pytest.mark.django_db
def test_asking_again_for_the_same_source_returns_the_same_event(city, charlie):
    first = services.linked_event_create(source_key="test.thing:1", created_by=charlie, data=_data(city))
    again = services.linked_event_create(
        source_key="test.thing:1", created_by=charlie, data=_data(city, title="Changed")
    )

    assert again.pk == first.pk and Event.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_for_the_same_source_make_one_event(city):
    organiser = MemberFactory(email="organiser@example.org")

    outcome = race(
        lambda: services.linked_event_create(
            source_key="test.thing:7", created_by=organiser, data=_data(city)
        ),
        [()] * 5,
    )

    assert outcome.errors == []
    assert Event.objects.count() == 1
    assert {event.pk for event in outcome.results} == {Event.objects.get().pk}
