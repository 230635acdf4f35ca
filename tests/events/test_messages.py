"""An organiser's message to the attendees leaves the request: the page answers at once, a job
records it, and the job notifies everyone going once, in their language, in batches."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from civic.accounts.models import User
from civic.core.models import AuditEntry
from civic.notifications.models import Notification
from events import services, timeline
from events.models import RSVP
from events.tasks import send_attendees_message
from tests.events.factories import EventFactory
from tests.factories import MemberFactory
from tests.outbox import pending_jobs, run_job, run_jobs

pytestmark = pytest.mark.django_db

MESSAGE = {"subject": "Bring gloves", "body": "We start at 9."}


@pytest.fixture(autouse=True)
def _english():
    """These tests read pages in English (/en/…)."""
    with translation.override("en"):
        yield


@pytest.fixture
def event(shaker):
    return EventFactory(capacity=2, created_by=shaker, title_en="Clean-up", title_es="Limpieza")


@pytest.fixture
def going(event):
    """Alice (English) and Bob (Spanish) are going; Charlie waits for a place."""
    alice = MemberFactory(email="alice@example.org", display_name="Alice", language="en")
    bob = MemberFactory(email="bob@example.org", display_name="Bob", language="es")
    charlie = MemberFactory(email="charlie@example.org", display_name="Charlie", language="fr")
    for member in (alice, bob, charlie):
        services.rsvp_create(event=event, member=member)
    Notification.objects.all().delete()  # RSVP confirmations are not what these tests look at
    mail.outbox.clear()
    return alice, bob, charlie


def post_message(client, event):
    return client.post(reverse("events:message", args=[event.pk]), MESSAGE, follow=True)


def test_the_page_answers_at_once_and_nothing_is_sent_during_the_request(client, shaker, event, going):
    client.force_login(shaker)

    response = post_message(client, event)

    assert response.status_code == 200
    assert "Your message is being sent to 2 people." in response.content.decode()
    assert not Notification.objects.filter(kind="events.organiser_message").exists()
    assert mail.outbox == []
    assert pending_jobs("events.tasks.send_attendees_message").count() == 1
    entry = AuditEntry.objects.get(action="events.event.messaged")
    assert entry.data == {**MESSAGE, "recipients": 2}


def test_the_job_notifies_each_attendee_once_in_their_language(client, shaker, event, going):
    alice, bob, charlie = going
    client.force_login(shaker)
    post_message(client, event)

    run_jobs()

    got = {n.recipient_id: n for n in Notification.objects.filter(kind="events.organiser_message")}
    assert set(got) == {alice.pk, bob.pk}  # Charlie is waiting: not messaged
    assert got[alice.pk].title == "Bring gloves"
    assert "A message from Sam, organiser of Clean-up:" in got[alice.pk].body
    assert "Un mensaje de Sam, organizador de Limpieza:" in got[bob.pk].body
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bob@example.org"]


def test_running_the_job_twice_notifies_nobody_twice(client, shaker, event, going):
    client.force_login(shaker)
    post_message(client, event)
    run_jobs()
    entry = AuditEntry.objects.get(action="events.event.messaged")

    send_attendees_message.apply(args=[entry.pk])  # redelivered, or run again by hand
    run_jobs()

    assert Notification.objects.filter(kind="events.organiser_message").count() == 2
    assert len(mail.outbox) == 2


def test_two_messages_are_two_notifications_each(client, shaker, event, going):
    client.force_login(shaker)
    post_message(client, event)
    post_message(client, event)

    run_jobs()

    assert Notification.objects.filter(kind="events.organiser_message").count() == 4


def test_300_attendees_cost_the_request_a_bounded_number_of_queries(
    client, shaker, django_assert_max_num_queries, monkeypatch
):
    event = EventFactory(created_by=shaker)
    members = User.objects.bulk_create(
        User(email=f"a{i}@example.org", display_name=f"A{i}", language="en") for i in range(300)
    )
    RSVP.objects.bulk_create(RSVP(event=event, member=m, status=RSVP.Status.GOING) for m in members)
    client.force_login(shaker)

    with django_assert_max_num_queries(15):
        response = client.post(reverse("events:message", args=[event.pk]), MESSAGE)

    assert response.status_code == 302
    assert Notification.objects.count() == 0

    monkeypatch.setattr(timeline, "BATCH_SIZE", 120)  # 300 attendees: three batch jobs
    run_job(pending_jobs("events.tasks.send_attendees_message").get())
    assert pending_jobs("events.tasks.notify_batch").count() == 3
    run_jobs()

    assert Notification.objects.filter(kind="events.organiser_message").count() == 300


def test_cancelling_tells_everyone_through_batch_jobs(client, shaker, event, going):
    alice, bob, charlie = going
    client.force_login(shaker)

    client.post(reverse("events:cancel", args=[event.pk]))

    assert not Notification.objects.filter(kind="events.cancelled").exists()
    run_jobs()
    got = {n.recipient_id: n.title for n in Notification.objects.filter(kind="events.cancelled")}
    assert got.keys() == {alice.pk, bob.pk, charlie.pk}  # the waiting list is told too
    assert got[alice.pk] == "Cancelled: Clean-up" and "Limpieza" in got[bob.pk]
