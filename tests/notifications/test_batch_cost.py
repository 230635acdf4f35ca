"""A batch of notifications costs per language, not per member: the message is rendered once per
language (each member still reads their own name), and its emails go out over one SMTP session."""

from __future__ import annotations

import pytest
from django.test.signals import template_rendered

from civic.notifications.models import Notification
from civic.notifications.services import notify_many, render_notification
from civic.notifications.tasks import send_notification_emails
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

Status = Notification.EmailStatus


def _members(per_language: int) -> list:
    return [
        MemberFactory(email=f"m{lang}{i}@example.org", display_name=f"Name{lang}{i}", language=lang)
        for lang in ("fr", "en", "es")
        for i in range(per_language)
    ]


def _renders(members) -> int:
    rendered = []

    def count(sender, template, context, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(count)
    try:
        notify_many(members, "accounts.followed", {"follower_name": "Bob"}, email=False)
    finally:
        template_rendered.disconnect(count)
    return len(rendered)


def test_a_batch_is_rendered_once_per_language_whatever_its_size():
    assert _renders(_members(2)) == _renders(_members(10))


def test_each_member_reads_their_own_name_in_their_own_language():
    members = _members(3)

    notify_many(members, "accounts.followed", {"follower_name": "Bob"}, email=False)

    for member in members:
        stored = Notification.objects.get(recipient=member)
        expected = render_notification(
            "accounts.followed",
            {"follower_name": "Bob", "recipient_name": member.public_name, "url": ""},
            member.language,
        )
        assert (stored.title, stored.body) == expected
        assert member.public_name in stored.body
    assert "Hola" in Notification.objects.get(recipient=members[-1]).body


class _Sessions:
    """Counts the SMTP sessions the sink opened (one EHLO each)."""

    def __init__(self, sink):
        self.count = 0
        sink.handle_EHLO = self._ehlo

    async def _ehlo(self, server, session, envelope, hostname, responses):
        self.count += 1
        session.host_name = hostname
        return responses


def test_a_batch_of_emails_goes_out_over_one_smtp_session(smtp_sink):
    sessions = _Sessions(smtp_sink)
    members = _members(4)
    notify_many(members, "accounts.followed", {"follower_name": "Bob"})
    ids = list(Notification.objects.values_list("pk", flat=True))

    assert send_notification_emails(ids) == 12

    assert len(smtp_sink.received()) == 12
    assert sessions.count == 1
    assert not Notification.objects.exclude(email_status=Status.SENT).exists()


def test_a_refused_email_in_a_batch_is_left_for_the_sweep_and_the_rest_sent(smtp_sink):
    members = _members(2)
    notify_many(members, "accounts.followed", {"follower_name": "Bob"})
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    smtp_sink.refuse_next = 1

    assert send_notification_emails(ids) == 5

    assert Notification.objects.get(pk=ids[0]).email_status == Status.PENDING
    assert Notification.objects.filter(email_status=Status.SENT).count() == 5
    assert send_notification_emails(ids) == 1  # the sweep's next try (the others are not sent twice)
    assert len(smtp_sink.received()) == 6
