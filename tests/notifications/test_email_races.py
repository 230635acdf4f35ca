"""Emails sent by parallel workers, with real threads against PostgreSQL."""

import threading

import pytest
from django.core import mail
from django.db import connection

from civic.notifications.models import Notification
from civic.notifications.services import notify
from civic.notifications.tasks import send_notification_email
from tests.notifications import backends

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_second_email_to_the_same_member_is_sent_while_the_first_is_being_sent(alice, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.HeldEmailBackend"
    backends.sending.clear()
    backends.release.clear()
    first = notify(alice, "accounts.followed", {"follower_name": "Bob"}, email=False)
    second = notify(alice, "accounts.followed", {"follower_name": "Charlie"}, email=False)
    Notification.objects.update(email_status=Notification.EmailStatus.PENDING)
    results = {}

    def send_first():
        try:
            results["first"] = send_notification_email(first.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=send_first)
    worker.start()
    try:
        assert backends.sending.wait(timeout=20)  # the first is being sent: its row is locked
        results["second"] = send_notification_email(second.pk)
    finally:
        backends.release.set()
        worker.join()

    assert results == {"first": "sent", "second": "sent"}
    assert sorted(m.subject for m in mail.outbox) == [
        "Bob vous suit désormais",
        "Charlie vous suit désormais",
    ]
