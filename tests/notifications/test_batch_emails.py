"""A batch's emails cost one write each: claimed a chunk at a time, settled one by one, their MIME
headers built once per kind; each member still gets their own email, byte for byte what Django builds."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from civic.notifications.letters import Letters
from civic.notifications.models import Notification
from civic.notifications.services import notify_many
from civic.notifications.tasks import _message, message_id, send_notification_emails
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
Status = Notification.EmailStatus
DATE = re.compile(rb"^Date: .*$", re.MULTILINE)


def _members() -> list:
    names = ["Alice", "Zoë Ñúñez", "Jean-Loup", "Li"]
    members = [
        MemberFactory(email=f"batch{i}.{lang}@example.org", display_name=name, language=lang)
        for lang in ("fr", "en", "es")
        for i, name in enumerate(names)
    ]
    members.append(MemberFactory(email="zoë@exämple.org", display_name="Zoë", language="fr"))
    return members


def _batch(members) -> list[Notification]:
    notify_many(members, "accounts.followed", {"follower_name": "Bob"}, url="/fr/events/3/")
    return list(Notification.objects.select_related("recipient").order_by("pk"))


def test_each_email_is_the_bytes_django_would_send_and_unusual_ones_are_built_in_full():
    letters = Letters()
    shortcut = 0
    notifications = _batch(_members())
    notifications[0].body += " " + "y" * 1200  # a line Django encodes as quoted-printable
    for notification in notifications:
        message = _message(notification)
        fast = letters.bytes_of(message)
        full = message.message().as_bytes(linesep="\r\n")
        if fast is None:
            continue
        shortcut += 1
        assert DATE.sub(b"", fast) == DATE.sub(b"", full)
    # 3 languages x 4 members, but the long line and the non-ASCII address take the full build.
    assert shortcut == 11


class _Recorded:
    """Keeps every message the sink accepts (its recipients and bytes)."""

    def __init__(self, sink):
        self.messages: list[tuple[list[str], bytes]] = []
        self.handle = sink.handle_DATA
        sink.handle_DATA = self._data

    async def _data(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return await self.handle(server, session, envelope)


class _Pipelining:
    """Makes the sink offer PIPELINING (RFC 2920) and notes, at each RCPT, whether the client had
    already sent DATA behind it (what a pipelining client does; one waiting for each reply has not)."""

    def __init__(self, sink, offered: bool):
        self.data_sent_with_rcpt: list[bool] = []
        if offered:
            sink.handle_EHLO = self._ehlo
        sink.handle_RCPT = self._rcpt

    async def _ehlo(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def _rcpt(self, server, session, envelope, address, rcpt_options):
        self.data_sent_with_rcpt.append(b"data" in bytes(server._reader._buffer).lower())
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.mark.parametrize("pipelining", [False, True], ids=["one command at a time", "pipelining"])
def test_each_member_gets_their_own_email_in_their_language_with_its_own_message_id(smtp_sink, pipelining):
    server = _Pipelining(smtp_sink, offered=pipelining)
    recorded = _Recorded(smtp_sink)
    notifications = _batch(_members())

    assert send_notification_emails([n.pk for n in notifications]) == len(notifications)

    by_id = {message_id(n): n for n in notifications}
    assert len(recorded.messages) == len(by_id)
    for recipients, content in recorded.messages:
        email = message_from_bytes(content)
        notification = by_id.pop(email["Message-ID"])
        assert len(recipients) == 1
        if notification.recipient.email.isascii():  # (else Django's encoding of the address)
            assert recipients == [notification.recipient.email] == [email["To"]]
        assert str(make_header(decode_header(email["Subject"]))) == notification.title
        text = email.get_payload(decode=True).decode().replace("\r\n", "\n").rstrip("\n")
        assert text.startswith(notification.body)  # their name, in their language
        assert text.endswith(f"/{notification.recipient.language}/events/3/")
    assert by_id == {}
    # Over a server that offers it, the shortcut's emails go with their envelope and DATA in one
    # write (the one with a non-ASCII address is sent by Django's backend, one command at a time).
    assert server.data_sent_with_rcpt.count(True) == (len(notifications) - 1 if pipelining else 0)


def test_a_batch_writes_once_per_email_not_twice(alice, django_assert_max_num_queries):
    members = [MemberFactory(email=f"many{i}@example.org") for i in range(250)]
    notifications = _batch(members)

    # 250 outcomes; per chunk of 100 a claim and a read; the session's commit setting twice.
    with django_assert_max_num_queries(250 + 3 * 2 + 2):
        assert send_notification_emails([n.pk for n in notifications]) == 250

    assert set(Notification.objects.values_list("email_status", "email_attempts")) == {(Status.SENT, 1)}


class _SlowBackend(LocmemBackend):
    """The first email takes so long that a sweep took the rest of its chunk over meanwhile."""

    def send_messages(self, messages):
        if not getattr(self, "slowed", False):
            self.slowed = True
            later = timezone.now() + timedelta(hours=1)  # the sweep's claim
            Notification.objects.exclude(recipient__email=messages[0].to[0]).update(claimed_at=later)
        return super().send_messages(messages)


def test_emails_of_a_chunk_taken_over_by_a_sweep_are_left_to_it(settings):
    settings.EMAIL_BACKEND = f"{__name__}._SlowBackend"
    settings.NOTIFICATION_CLAIM_STALE_SECONDS = 0  # the chunk's claim is renewed before each email
    notifications = _batch([MemberFactory(email=f"slow{i}@example.org") for i in range(4)])

    assert send_notification_emails([n.pk for n in notifications]) == 1

    assert len(mail.outbox) == 1
    states = list(Notification.objects.order_by("pk").values_list("email_status", flat=True))
    assert states == [Status.SENT] + [Status.SENDING] * 3  # the sweep's to send


class _OutOfTimeBackend(LocmemBackend):
    """The task's soft time limit strikes during the second email."""

    def send_messages(self, messages):
        if mail.outbox:
            raise SoftTimeLimitExceeded()
        return super().send_messages(messages)


def test_a_batch_out_of_time_hands_its_unsent_claims_back_to_the_sweep(settings):
    settings.EMAIL_BACKEND = f"{__name__}._OutOfTimeBackend"
    notifications = _batch([MemberFactory(email=f"late{i}@example.org") for i in range(4)])

    with pytest.raises(SoftTimeLimitExceeded):
        send_notification_emails([n.pk for n in notifications])

    rows = list(Notification.objects.order_by("pk").values_list("email_status", "email_attempts"))
    # Sent; interrupted (an attempt); never tried (no attempt counted), all pending for the sweep.
    assert rows == [(Status.SENT, 1), (Status.PENDING, 1), (Status.PENDING, 0), (Status.PENDING, 0)]


class _Refusing(_Pipelining):
    """The sink refuses one recipient (550 at RCPT) and answers 451 to one message's data."""

    def __init__(self, sink, refused: str, deferred: str, pipelining: bool):
        super().__init__(sink, offered=pipelining)
        self.refused, self.deferred = refused, deferred
        self.handle = sink.handle_DATA
        sink.handle_RCPT = self._rcpt
        sink.handle_DATA = self._data

    async def _rcpt(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def _data(self, server, session, envelope):
        if envelope.rcpt_tos == [self.deferred]:
            return "451 4.3.0 try again later"
        return await self.handle(server, session, envelope)


@pytest.mark.parametrize("pipelining", [False, True], ids=["one command at a time", "pipelining"])
def test_a_refused_recipient_or_message_is_left_for_a_retry_and_the_rest_of_the_batch_is_sent(
    smtp_sink, pipelining
):
    members = [MemberFactory(email=f"r{i}@example.org") for i in range(5)]
    recorded = _Recorded(smtp_sink)
    _Refusing(smtp_sink, refused="r1@example.org", deferred="r3@example.org", pipelining=pipelining)
    notifications = _batch(members)

    assert send_notification_emails([n.pk for n in notifications]) == 3

    rows = dict(Notification.objects.values_list("recipient__email", "email_status"))
    assert rows == {
        "r0@example.org": Status.SENT,
        "r1@example.org": Status.PENDING,  # the sweep tries again (MAX_ATTEMPTS in all)
        "r2@example.org": Status.SENT,
        "r3@example.org": Status.PENDING,
        "r4@example.org": Status.SENT,
    }
    received = {message_from_bytes(content)["To"] for _, content in recorded.messages}
    assert received == {"r0@example.org", "r2@example.org", "r4@example.org"}
