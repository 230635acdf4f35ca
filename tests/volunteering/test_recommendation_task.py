"""The recommendation email job is idempotent: each address is emailed once, however often it runs."""

import smtplib
import threading

import pytest
from django.core import mail
from django.db import connection

from tests.notifications.conftest import smtp_sink  # noqa: F401 (a real SMTP server, as a fixture)
from tests.volunteering.factories import MissionFactory
from volunteering.models import Recommendation
from volunteering.tasks import send_recommendation

ADDRESSES = ["friend@example.net", "other@example.net", "third@example.net"]


@pytest.fixture
def recommendation(alice, org_a):
    return Recommendation.objects.create(
        sender=alice, mission=MissionFactory(organization=org_a), recipients_count=len(ADDRESSES)
    )


@pytest.mark.django_db
def test_running_the_task_twice_emails_each_address_once(recommendation):
    assert send_recommendation(recommendation.pk, ADDRESSES, "Come!", "en") == 3
    assert send_recommendation(recommendation.pk, ADDRESSES, "Come!", "en") == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted(ADDRESSES)
    recommendation.refresh_from_db()
    assert recommendation.emailed_count == 3


@pytest.mark.django_db
def test_a_refused_address_is_handed_back_and_the_retry_sends_it_and_the_rest(recommendation, smtp_sink):  # noqa: F811
    smtp_sink.refuse_next = 1  # the server answers 451 to the first message

    with pytest.raises(smtplib.SMTPDataError):  # raising keeps the outbox job for its retry
        send_recommendation(recommendation.pk, ADDRESSES, "Come!", "en")
    recommendation.refresh_from_db()
    assert recommendation.emailed_count == 0

    assert send_recommendation(recommendation.pk, ADDRESSES, "Come!", "en") == 3
    assert len(smtp_sink.refused) == 1 and len(smtp_sink.received()) == 3


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_email_each_address_once(recommendation, smtp_sink):  # noqa: F811
    """A redelivered message (or the sweep) runs the job while the first worker is inside SMTP:
    the second run takes the addresses after the one being sent, and the first stops there."""
    smtp_sink.hold = threading.Event()  # every SMTP conversation waits until the test lets it go
    results = {}

    def run(name):
        try:
            results[name] = send_recommendation(recommendation.pk, ADDRESSES, "Come!", "en")
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(name,)) for name in ("first", "second")]
    try:
        workers[0].start()
        assert smtp_sink.arrived.wait(10)  # the first worker is sending the first address
        smtp_sink.arrived.clear()
        workers[1].start()
        assert smtp_sink.arrived.wait(10)  # the second worker is sending the second one
    finally:
        smtp_sink.hold.set()
        for worker in workers:
            worker.join(30)

    assert results == {"first": 1, "second": 2}
    assert len(smtp_sink.received()) == 3
