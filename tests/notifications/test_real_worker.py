"""A notification reaches the outbox through a real Celery worker consuming from real Redis."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from civic.celery import app
from civic.notifications.models import Notification
from civic.notifications.services import notify


@pytest.mark.django_db(transaction=True)
def test_a_notification_is_emailed_by_a_real_worker_on_real_redis(alice):
    app.conf.task_always_eager = False
    try:
        # The worker runs in a thread of this process, so it shares the locmem outbox.
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            notification = notify(alice, "accounts.followed", {"follower_name": "Bob"})
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not mail.outbox:
                time.sleep(0.1)
    finally:
        app.conf.task_always_eager = True

    assert [m.subject for m in mail.outbox] == ["Bob vous suit désormais"]
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT
