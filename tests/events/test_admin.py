"""The event admin: a capacity below the seats taken gets a field message, and an RSVP made while an
organiser saves the event is never lost."""

import pytest
from django.db.models import Sum
from django.urls import reverse

from events import services
from events.admin import EventAdmin
from events.models import RSVP, Event
from tests.admin_forms import change_form_data, during_admin_request
from tests.events.factories import EventFactory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(city):
    """An event for 10 people; 3 seats taken (a member with 2 guests)."""
    event = EventFactory(city=city, capacity=10)
    services.rsvp_create(event=event, member=MemberFactory(), guests=2)
    event.refresh_from_db()
    return event


def _url(event):
    return reverse("admin:events_event_change", args=[event.pk])


def _going_seats(event):
    going = RSVP.objects.filter(event=event, status="going")
    return going.count() + (going.aggregate(guests=Sum("guests"))["guests"] or 0)


def test_admin_refuses_a_capacity_below_the_seats_taken(client, edith, event):
    client.force_login(edith)
    data = change_form_data(client, _url(event), capacity=2)

    response = client.post(_url(event), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "3 seats are already taken" in response.context["adminform"].form.errors["capacity"][0]
    assert Event.objects.get(pk=event.pk).capacity == 10


def _rsvp(event_id, guests):
    services.rsvp_create(event=Event.objects.get(pk=event_id), member=MemberFactory(), guests=guests)


@pytest.mark.django_db(transaction=True)
def test_an_rsvp_during_an_admin_save_of_the_event_is_not_lost(client, edith, event, monkeypatch):
    client.force_login(edith)
    data = change_form_data(client, _url(event), title_en="Meetup, new room")
    rsvp = during_admin_request(monkeypatch, EventAdmin, "before_save", _rsvp, event.pk, 1)

    response = client.post(_url(event), data)
    rsvp.finish()

    assert response.status_code == 302
    event = Event.objects.get(pk=event.pk)
    assert event.title_en == "Meetup, new room"
    assert event.seats_taken == 5 == _going_seats(event)


@pytest.mark.django_db(transaction=True)
def test_an_rsvp_that_fills_the_event_during_the_admin_save_refuses_the_lower_capacity(
    client, edith, event, monkeypatch
):
    client.force_login(edith)
    data = change_form_data(client, _url(event), capacity=4)  # valid when the page was read
    rsvp = during_admin_request(monkeypatch, EventAdmin, "after_read", _rsvp, event.pk, 1)

    response = client.post(_url(event), data, HTTP_ACCEPT_LANGUAGE="en")
    rsvp.finish()

    assert response.status_code == 200
    assert "5 seats are already taken" in response.context["adminform"].form.errors["capacity"][0]
    event = Event.objects.get(pk=event.pk)
    assert event.capacity == 10
    assert event.seats_taken == 5 == _going_seats(event)


def test_the_rsvps_are_listed_read_only_under_the_event(client, event):
    """RSVPs go through the service (capacity, waiting list): the admin shows them, nothing more."""
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))

    response = client.get(_url(event))

    rsvps = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is RSVP)
    assert len(rsvps.formset.forms) == 1
    assert not rsvps.has_add_permission and not rsvps.formset.can_delete
    assert set(rsvps.opts.get_readonly_fields(None)) == {
        "member",
        "status",
        "guests",
        "queued_at",
        "attended",
    }
    assert list(rsvps.formset.forms[0].fields) == ["id", "event"]
