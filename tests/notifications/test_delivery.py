"""Each notification email is claimed before it is sent: a task run twice, a batch delivered again or a
sweep racing a live worker sends nothing more; only a dead worker's claim is sent again."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.db.models import F
from django.utils import timezone

from civic.notifications.models import Notification
from civic.notifications.services import notify, notify_many
from civic.notifications.tasks import (
    MAX_ATTEMPTS,
    _claim,
    send_notification_email,
    send_notification_emails,
    sweep_pending_notifications,
)

Status = Notification.EmailStatus


def _followed(member):
    return notify(member, "accounts.followed", {"follower_name": "Bob"})


def _age_claim(notification, seconds):
    """The worker that claimed ``notification`` did so ``seconds`` ago (and, here, died)."""
    Notification.objects.filter(pk=notification.pk).update(
        claimed_at=F("claimed_at") - timedelta(seconds=seconds)
    )


@pytest.mark.django_db
def test_running_the_task_twice_sends_one_email_and_records_it(alice):
    notification = _followed(alice)

    assert send_notification_email(notification.pk) == "sent"
    assert send_notification_email(notification.pk) == "nothing to do"

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == (Status.SENT, 1)
    assert notification.emailed_at is not None


@pytest.mark.django_db
def test_a_batch_delivered_again_sends_nothing_more(alice, bob, charlie):
    notify_many([alice, bob, charlie], "accounts.followed", {"follower_name": "Olga"})
    ids = list(Notification.objects.values_list("pk", flat=True))

    assert send_notification_emails(ids) == 3
    assert send_notification_emails(ids) == 0
    assert sweep_pending_notifications(older_than_seconds=0) == 0

    assert sorted(m.to[0] for m in mail.outbox) == [alice.email, bob.email, charlie.email]


@pytest.mark.django_db
def test_running_the_sweep_twice_sends_each_pending_email_once(
    alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the broker lost the first dispatch
        notify_many([alice, bob], "accounts.followed", {"follower_name": "Olga"})
    assert mail.outbox == []

    assert sweep_pending_notifications(older_than_seconds=0) == 2
    assert sweep_pending_notifications(older_than_seconds=0) == 0

    assert sorted(m.to[0] for m in mail.outbox) == [alice.email, bob.email]
    assert set(Notification.objects.values_list("email_status", "email_attempts")) == {(Status.SENT, 1)}


@pytest.mark.django_db(transaction=True)
def test_a_notification_being_sent_by_a_live_worker_is_not_sent_by_another_task_or_the_sweep(
    alice, smtp_sink
):
    smtp_sink.hold = threading.Event()  # the first worker stays inside its SMTP conversation

    def first_worker():
        _followed(alice)  # tasks are eager here: notify() sends it on commit, in this thread
        connection.close()

    first = threading.Thread(target=first_worker)
    first.start()
    try:
        assert smtp_sink.arrived.wait(10)
        notification = Notification.objects.get(recipient=alice)
        assert notification.email_status == Status.SENDING
        assert send_notification_email(notification.pk) == "nothing to do"
        assert sweep_pending_notifications(older_than_seconds=0) == 0
    finally:
        smtp_sink.hold.set()
        first.join(10)

    assert len(smtp_sink.received()) == 1
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == (Status.SENT, 1)


@pytest.mark.django_db
def test_a_stale_claim_is_sent_again_by_the_sweep_and_only_then(alice, settings):
    settings.NOTIFICATION_CLAIM_STALE_SECONDS = 300
    notification = _followed(alice)
    assert _claim(notification.pk) is not None  # a worker claimed it, then was killed before sending

    _age_claim(notification, 200)
    assert sweep_pending_notifications(older_than_seconds=0) == 0  # maybe still sending: leave it
    _age_claim(notification, 200)
    assert sweep_pending_notifications(older_than_seconds=0) == 1

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == (Status.SENT, 2)


@pytest.mark.django_db
def test_a_claim_that_kills_every_worker_ends_failed_not_retried_for_ever(alice, settings):
    notification = _followed(alice)
    Notification.objects.filter(pk=notification.pk).update(email_attempts=MAX_ATTEMPTS - 1)
    assert _claim(notification.pk) is not None
    _age_claim(notification, settings.NOTIFICATION_CLAIM_STALE_SECONDS + 1)

    assert send_notification_email(notification.pk) == "nothing to do"  # its task delivered again
    assert sweep_pending_notifications(older_than_seconds=0) == 0

    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.email_status == Status.FAILED


@pytest.mark.django_db
def test_every_attempt_carries_the_same_message_id(alice, smtp_sink):
    notification = _followed(alice)
    smtp_sink.refuse_next = 1  # the server answers 451 to the first attempt

    assert send_notification_email(notification.pk) == "failed"
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == (Status.PENDING, 1)
    assert send_notification_email(notification.pk) == "sent"

    [refused], [accepted] = smtp_sink.refused, smtp_sink.received()
    assert refused == accepted
    assert accepted.startswith(f"<notification-{notification.pk}.") and accepted.endswith("@civic.localhost>")


@pytest.mark.django_db
def test_a_send_that_keeps_failing_ends_failed(alice, smtp_sink):
    notification = _followed(alice)
    smtp_sink.refuse_next = MAX_ATTEMPTS

    outcomes = [send_notification_email(notification.pk) for _ in range(MAX_ATTEMPTS + 1)]

    assert outcomes == ["failed"] * MAX_ATTEMPTS + ["nothing to do"]
    notification.refresh_from_db()
    assert notification.email_status == Status.FAILED
    assert smtp_sink.received() == []


@pytest.mark.django_db
def test_the_sweep_reads_both_queues_through_their_partial_indexes(alice):
    _followed(alice)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a 1-row table: ask what the plan can use
    pending = Notification.objects.email_pending().filter(created_at__lte=now).order_by("created_at")[:500]
    stale = Notification.objects.email_claim_stale(claimed_before=now).order_by("claimed_at")[:500]

    assert "notif_email_pending" in pending.explain()
    assert "notif_email_claimed" in stale.explain()
