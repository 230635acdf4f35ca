"""The site without the crowdfunding app installed. Not collected by the normal run (its name does
not start with ``test_``): tests/core/test_optional_apps.py runs it in a fresh pytest process with
``tests.settings_without_app`` and ``CIVIC_WITHOUT_APPS=crowdfunding``, on a database migrated
without crowdfunding's tables."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from civic.core import discovery
from civic.core.tasks import send_weekly_digests
from tests.events.factories import EventFactory
from tests.factories import MemberFactory
from tests.volunteering.factories import MissionFactory, SlotFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(apps.is_installed("crowdfunding"), reason="run by tests/core/test_optional_apps.py"),
]


@pytest.fixture
def compost(org_a, city):
    mission = MissionFactory(
        organization=org_a, city=city, title_en="Composting workshop", published_at=timezone.now()
    )
    SlotFactory(mission=mission, starts_at=timezone.now() + timedelta(days=2))
    return mission


def test_the_system_check_passes_and_the_database_has_no_crowdfunding_table():
    call_command("check")
    assert not [t for t in connection.introspection.table_names() if t.startswith("crowdfunding_")]


def test_there_is_no_project_kind_and_no_projects_page(client):
    assert discovery.kind("project") is None and "project" not in discovery.providers()
    assert client.get("/en/projects/").status_code == 404


def test_the_home_page_shows_the_other_kinds_without_projects(client, compost):
    page = client.get("/en/").content.decode()

    assert "Composting workshop" in page
    assert 'href="/en/missions/"' in page and 'href="/en/events/"' in page
    assert "/en/projects/" not in page and 'value="project"' not in page
    near = client.get("/en/", {"lat": 48.8566, "lng": 2.3522, "km": 10})
    assert [i.title for i in near.context["items"]] == ["Composting workshop"]


def test_search_finds_the_other_kinds(client, compost):
    EventFactory(title_en="Compost party", starts_at=timezone.now() + timedelta(days=3))
    response = client.get("/en/search/", {"q": "compost"})

    assert [kind for kind, _label, _items in response.context["groups"]] == ["mission", "event"]


def test_open_data_serves_the_other_kinds(client, compost):
    feed = client.get("/en/data/missions.geojson", {"city": "paris"}).json()

    assert [f["properties"]["title"] for f in feed["features"]] == ["Composting workshop"]
    assert client.get("/en/data/projects.geojson", {"city": "paris"}).status_code == 404


def test_the_weekly_digest_is_sent_without_a_projects_section(
    django_capture_on_commit_callbacks, city, compost
):
    member = MemberFactory(email="d@example.org", language="en", weekly_digest=True, home_city=city)

    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests()

    [message] = mail.outbox
    assert message.to == [member.email]
    assert "Composting workshop" in message.body and "Projects" not in message.body


def test_the_pages_of_the_other_apps_and_the_admin_answer(client, compost, edith):
    event = EventFactory(title_en="Compost party", starts_at=timezone.now() + timedelta(days=3))
    for url in [
        "/en/missions/",
        f"/en/missions/{compost.pk}/",
        "/en/events/",
        f"/en/events/{event.pk}/",
        "/en/initiatives/",
        "/en/cities/",
    ]:
        assert client.get(url).status_code == 200, url
    client.force_login(edith)
    assert client.get("/en/me/").status_code == 200
    admin = client.get("/admin/")
    assert admin.status_code == 200 and "crowdfunding" not in admin.content.decode()
