"""An accepted meeting about a project becomes an event, through the events app's public service."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from crowdfunding.models import MeetingProposal
from crowdfunding.services import meeting_decide, meeting_propose
from events.models import RSVP, Event
from tests.crowdfunding.factories import ProjectFactory
from tests.factories import CityFactory, MemberFactory
from tests.race import race


def _next_week_at(hour: int, tz: str) -> datetime:
    day = timezone.localdate() + timedelta(days=7)
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=ZoneInfo(tz))


def _proposal(project, member, purpose="Plan the compost bins", hour=18):
    return meeting_propose(
        project=project,
        member=member,
        starts_at=_next_week_at(hour, str(project.city.timezone)),
        place="Maison des associations",
        purpose=purpose,
    )


@pytest.mark.django_db
def test_accepting_a_meeting_makes_an_event_people_can_find_rsvp_to_and_add_to_their_calendar(
    client, project, alice, bob
):
    meeting = _proposal(project, bob)
    client.force_login(alice)
    client.post(f"/en/projects/{project.pk}/meetings/{meeting.pk}/decide/", {"accept": "1"})

    event = Event.objects.get()
    assert (event.title, event.place_name, event.city_id) == (
        "Plan the compost bins",
        "Maison des associations",
        project.city_id,
    )
    assert (event.latitude, event.longitude) == (project.latitude, project.longitude)  # on the map
    project_page = client.get(f"/en/projects/{project.pk}/").content.decode()
    assert f'<a href="/en/events/{event.pk}/">See the event and RSVP' in project_page
    event_page = client.get(f"/en/events/{event.pk}/").content.decode()
    assert f'<a href="/en/projects/{project.pk}/">{project.title_en}</a>' in event_page  # linked back
    assert "Plan the compost bins" in client.get("/en/events/").content.decode()
    assert "compost" in client.get("/en/search/", {"q": "compost bins"}).content.decode().lower()
    assert [kind for kind, _l, _i in client.get("/en/search/", {"q": "compost"}).context["groups"]] == [
        "event"
    ]

    client.force_login(bob)
    client.post(f"/en/events/{event.pk}/rsvp/", {"guests": "0"})
    assert RSVP.objects.get(event=event).member == bob

    calendar = Calendar.from_ical(client.get(f"/en/events/{event.pk}/event.ics").content)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Plan the compost bins"
    assert vevent.decoded("DTSTART") == meeting.starts_at


@pytest.mark.django_db
def test_the_report_of_a_meetings_event_shows_on_the_project_page(client, project, alice, bob):
    from events.services import report_post

    meeting = _proposal(project, bob)
    meeting_decide(meeting=meeting, by=alice, accept=True)
    event = Event.objects.get()
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=3))
    event.refresh_from_db()
    report_post(event=event, by=alice, people_count=12, text="We chose where the bins go.")

    page = client.get(f"/en/projects/{project.pk}/").content.decode()

    assert "What happened at its events" in page
    assert "We chose where the bins go." in page and "12 people" in page


@pytest.mark.django_db
def test_the_event_is_on_the_clock_of_the_projects_city(bob):
    montreal = CityFactory(
        slug="montreal", name_fr="Montréal", timezone="America/Montreal", lat=45.5017, lng=-73.5673
    )
    project = ProjectFactory(city=montreal)
    meeting = _proposal(project, bob, hour=18)

    meeting_decide(meeting=meeting, by=project.holder_member, accept=True)

    event = Event.objects.get()
    assert (str(event.tz), event.local_start.hour, event.local_start.minute) == ("America/Montreal", 18, 30)
    assert event.ends_at - event.starts_at == timedelta(hours=2)


@pytest.mark.django_db
def test_accepting_twice_makes_one_event_and_declining_makes_none(project, alice, bob):
    accepted, declined = _proposal(project, bob), _proposal(project, bob, purpose="Another idea")

    meeting_decide(meeting=accepted, by=alice, accept=True)
    with pytest.raises(ValidationError):
        meeting_decide(meeting=accepted, by=alice, accept=True)
    meeting_decide(meeting=declined, by=alice, accept=False)

    event = Event.objects.get()
    assert MeetingProposal.objects.get(pk=accepted.pk).event_id == event.pk
    assert MeetingProposal.objects.get(pk=declined.pk).event_id is None


@pytest.mark.django_db(transaction=True)
def test_two_parallel_accepts_make_one_event(city):
    holder, proposer = MemberFactory(email="holder@example.org"), MemberFactory(email="p@example.org")
    project = ProjectFactory(city=city, holder_member=holder)
    meeting = _proposal(project, proposer)
    outcome = race(
        lambda: meeting_decide(meeting=meeting, by=holder, accept=True),
        [()] * 4,
        tolerated=(ValidationError,),
    )

    # One accepted, three told it is already answered, nothing else.
    assert (outcome.returned, len(outcome.refused), outcome.errors) == (1, 3, [])
    event = Event.objects.get()
    assert MeetingProposal.objects.get(pk=meeting.pk).event_id == event.pk
