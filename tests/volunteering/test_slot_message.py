"""A message to the volunteers of slots leaves the request: stored with one job, then sent by
batch jobs to every confirmed and waiting volunteer, once, in their language."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from civic.accounts.models import User
from civic.core.models import AuditEntry
from civic.notifications.models import Notification
from tests.factories import MemberFactory
from tests.outbox import pending_jobs, run_job, run_jobs
from tests.volunteering.factories import MissionFactory, ParticipationFactory, SlotFactory
from volunteering import services
from volunteering.models import Participation, ParticipationStatus
from volunteering.tasks import send_slot_message

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read the admin in English (it has no language prefix: the browser's is used)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def slot(org_a):
    mission = MissionFactory(
        organization=org_a, title_fr="Potager", title_en="Vegetable garden", title_es="Huerto"
    )
    return SlotFactory(mission=mission, capacity=2)


@pytest.fixture
def volunteers(slot):
    """Vera (English) and Pablo (Spanish) are confirmed; Wanda waits; Carl cancelled."""
    vera = MemberFactory(email="vera@example.org", display_name="Vera", language="en")
    pablo = MemberFactory(email="pablo@example.org", display_name="Pablo", language="es")
    wanda = MemberFactory(email="wanda@example.org", display_name="Wanda", language="fr")
    carl = MemberFactory(email="carl@example.org", display_name="Carl", language="fr")
    ParticipationFactory(slot=slot, member=vera)
    ParticipationFactory(slot=slot, member=pablo)
    ParticipationFactory(slot=slot, member=wanda, status=ParticipationStatus.WAITING, position=1)
    ParticipationFactory(slot=slot, member=carl, status=ParticipationStatus.CANCELLED)
    return vera, pablo, wanda


def send(client, slots, text="Bring gloves", follow=True):
    return client.post(
        reverse("admin:volunteering_slot_changelist"),
        {
            "action": "message_volunteers",
            "_selected_action": [s.pk for s in slots],
            "send": "1",
            "text": text,
        },
        follow=follow,
    )


def test_the_action_answers_at_once_and_records_one_job(client, alice_in_a, slot, volunteers):
    client.force_login(alice_in_a)

    response = send(client, [slot])

    assert "Your message is being sent to 3 volunteers." in response.content.decode()
    assert not Notification.objects.filter(kind="volunteering.message").exists() and mail.outbox == []
    assert pending_jobs("volunteering.tasks.send_slot_message").count() == 1
    assert AuditEntry.objects.get(action="volunteering.slot.messaged").data == {
        "text": "Bring gloves",
        "recipients": 3,
    }


def test_the_job_notifies_each_volunteer_once_in_their_language(client, alice_in_a, slot, volunteers):
    vera, pablo, wanda = volunteers
    client.force_login(alice_in_a)
    send(client, [slot])

    run_jobs()

    got = {n.recipient_id: n for n in Notification.objects.filter(kind="volunteering.message")}
    assert got.keys() == {vera.pk, pablo.pk, wanda.pk}  # not Carl, who cancelled
    assert got[vera.pk].title == 'Message from Association A about "Vegetable garden"'
    assert "escribe a los voluntarios de Huerto" in got[pablo.pk].body
    assert "Potager" in got[wanda.pk].title
    assert all("Bring gloves" in n.body for n in got.values())
    assert sorted(m.to[0] for m in mail.outbox) == [
        "pablo@example.org",
        "vera@example.org",
        "wanda@example.org",
    ]


def test_running_the_job_twice_notifies_nobody_twice(client, alice_in_a, slot, volunteers):
    client.force_login(alice_in_a)
    send(client, [slot])
    run_jobs()

    send_slot_message.apply(args=[AuditEntry.objects.get(action="volunteering.slot.messaged").pk])
    run_jobs()

    assert Notification.objects.filter(kind="volunteering.message").count() == 3
    assert len(mail.outbox) == 3


def test_running_a_batch_twice_notifies_nobody_twice(client, alice_in_a, slot, volunteers):
    from volunteering.tasks import notify_slot_message_batch

    client.force_login(alice_in_a)
    send(client, [slot])
    run_jobs()
    entry = AuditEntry.objects.get(action="volunteering.slot.messaged")
    sent = Notification.objects.filter(kind="volunteering.message")
    first = sorted(sent.values_list("recipient_id", "email_status")), len(mail.outbox)

    assert notify_slot_message_batch(entry.pk, [v.pk for v in volunteers]) == 0  # redelivered
    run_jobs()

    assert (sorted(sent.values_list("recipient_id", "email_status")), len(mail.outbox)) == first
    assert first[1] == 3


def test_300_volunteers_cost_the_action_a_bounded_number_of_queries(
    client, alice_in_a, org_a, django_assert_max_num_queries, monkeypatch
):
    slots = [SlotFactory(mission=MissionFactory(organization=org_a), capacity=300) for _ in range(3)]
    members = User.objects.bulk_create(
        User(email=f"v{i}@example.org", display_name=f"V{i}", language="en") for i in range(300)
    )
    Participation.objects.bulk_create(
        Participation(slot=slots[0], member=m, status=ParticipationStatus.CONFIRMED) for m in members
    )
    client.force_login(alice_in_a)

    # Three per slot (count, audit entry, job) plus the admin's own: none per volunteer.
    with django_assert_max_num_queries(25):
        response = send(client, slots, follow=False)

    assert response.status_code == 302
    assert "Your message is being sent to 300 volunteers." in client.get(response.url).content.decode()
    monkeypatch.setattr(services, "NOTIFY_BATCH", 120)  # 300 volunteers: three batch jobs
    for job in pending_jobs("volunteering.tasks.send_slot_message"):
        run_job(job)
    assert pending_jobs("volunteering.tasks.notify_slot_message_batch").count() == 3
    run_jobs()
    assert Notification.objects.filter(kind="volunteering.message").count() == 300
