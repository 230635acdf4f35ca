"""The site without the events app installed. Not collected by the normal run (its name does not
start with ``test_``): tests/core/test_optional_apps.py runs it in a fresh pytest process with
``tests.settings_without_app`` and ``CIVIC_WITHOUT_APPS=events``. Events is the app others link to
(initiatives show its reports, accepted meetings become events): without it they stay as they were."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from civic.core import discovery
from crowdfunding.models import MeetingProposal, MeetingStatus
from crowdfunding.services import meeting_decide, meeting_propose
from tests.crowdfunding.factories import ProjectFactory
from tests.factories import MemberFactory
from tests.initiatives.factories import InitiativeFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(apps.is_installed("events"), reason="run by tests/core/test_optional_apps.py"),
]


def test_the_system_check_passes_and_there_is_no_event_kind():
    call_command("check")
    assert not [t for t in connection.introspection.table_names() if t.startswith("events_")]
    assert discovery.kind("event") is None


def test_home_search_and_open_data_work_without_events(client, city):
    InitiativeFactory(title_fr="Composteur partagé", title_en="Shared compost bin", city=city)

    page = client.get("/en/").content.decode()
    assert "/en/events/" not in page and 'value="event"' not in page
    assert client.get("/en/search/", {"q": "compost"}).status_code == 200
    assert client.get("/en/data/initiatives.geojson", {"city": "paris"}).status_code == 200
    assert client.get("/en/data/events.geojson", {"city": "paris"}).status_code == 404
    assert client.get("/en/events/").status_code == 404


def test_an_initiative_page_and_the_catalogue_answer_without_events(client, city):
    initiative = InitiativeFactory(city=city)
    client.force_login(MemberFactory(is_shaker=True))

    assert (
        "What happened at its events" not in client.get(f"/en/initiatives/{initiative.pk}/").content.decode()
    )
    assert "run a meetup about an initiative" not in client.get("/en/initiatives/").content.decode()


def test_an_accepted_meeting_stays_a_line_on_the_project_page(client, city):
    project = ProjectFactory(city=city)
    meeting = meeting_propose(
        project=project,
        member=MemberFactory(),
        starts_at=timezone.now() + timedelta(days=3),
        place="Mairie",
        purpose="Plan the benches",
    )

    meeting_decide(meeting=meeting, by=project.holder_member, accept=True)

    meeting = MeetingProposal.objects.get(pk=meeting.pk)
    assert (meeting.status, meeting.event_id) == (MeetingStatus.ACCEPTED, None)
    page = client.get(f"/en/projects/{project.pk}/").content.decode()
    assert "Plan the benches" in page and "See the event and RSVP" not in page
