"""Email delivery for notifications: each email is claimed before it is sent, and sent once.

A notification's email moves ``pending`` → ``sending`` → ``sent``. The claim (``sending``, with
``claimed_at`` and one more attempt) is a conditional UPDATE committed *before* SMTP is spoken to, so
a task delivered twice, the batch task and the sweep racing, or two workers, all find the row taken
and send nothing. A failed send puts the row back to ``pending`` (``failed`` after ``MAX_ATTEMPTS``)
for the sweep.

SMTP has no transaction shared with PostgreSQL: a worker killed after the server accepted the
message but before ``sent`` was committed leaves a claim nobody finishes. After
``NOTIFICATION_CLAIM_STALE_SECONDS`` the sweep takes such a claim as dead and sends again: that is
the only way a member gets an email twice, at most once per killed process. Every attempt carries
the same Message-ID (:func:`message_id`), so a receiving server that dedupes drops even that one.

Tasks run in autocommit (a Celery worker): called inside ``transaction.atomic()`` the claim would
only be committed with the caller's transaction, which defeats it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone, translation

from civic.core.taskbase import SWEEP
from civic.notifications.models import Notification

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
Status = Notification.EmailStatus


def message_id(notification: Notification) -> str:
    """The email's Message-ID, the same on every attempt: ``<notification-{id}.{created}@{domain}>``.

    The creation time (to the microsecond) keeps ids unique across databases that reuse primary keys
    (a restored backup, a staging copy sending with the same domain)."""
    created = notification.created_at.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
    return f"<notification-{notification.pk}.{created}@{_mail_domain()}>"


def _mail_domain() -> str:
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return sender.rpartition("@")[2] or urlsplit(settings.SITE_URL).hostname or "localhost"


@contextmanager
def _unflushed_commits() -> Iterator[None]:
    """While sending, commits do not wait for the disk (``synchronous_commit = off``, this session).

    Claims and outcomes are two commits per email: waiting for the WAL flush each time made them
    most of an email's cost. A PostgreSQL *crash* (not a worker's) may forget the last ~0.6 s of
    them (3 × ``wal_writer_delay``): those emails are then sent again by the sweep, as a dead
    worker's claim is. Inside a caller's transaction it changes nothing (the caller commits).
    """
    if connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _claim(notification_id: int) -> datetime | None:
    """Take the email for this worker: one UPDATE, committed at once (autocommit). Returns the claim's
    time (the token that later writes must match), or None when the email is sent, skipped, failed or
    being sent by a live worker. A claim older than NOTIFICATION_CLAIM_STALE_SECONDS is a dead
    worker's and is taken over, unless it was the last of MAX_ATTEMPTS (the sweep marks it failed)."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.NOTIFICATION_CLAIM_STALE_SECONDS)
    taken = Notification.objects.filter(
        Q(email_status=Status.PENDING)
        | Q(email_status=Status.SENDING, claimed_at__lt=stale_before, email_attempts__lt=MAX_ATTEMPTS),
        pk=notification_id,
    ).update(email_status=Status.SENDING, claimed_at=now, email_attempts=F("email_attempts") + 1)
    return now if taken else None


def _settle(notification_id: int, claimed_at: datetime, **fields) -> None:
    """Record the outcome of this worker's claim, unless a sweep took the claim over meanwhile (then
    the outcome is the new claimant's to write)."""
    Notification.objects.filter(
        pk=notification_id, email_status=Status.SENDING, claimed_at=claimed_at
    ).update(**fields)


def _message(notification: Notification) -> EmailMessage:
    recipient = notification.recipient
    with translation.override(recipient.language or "fr"):
        body = notification.body
        if notification.url:
            link = (
                notification.url
                if notification.url.startswith("http")
                else settings.SITE_URL + notification.url
            )
            body = f"{body}\n\n{link}"
        headers = dict(notification.context.get("_headers", {}))
        if notification.context.get("unsubscribe_url"):
            headers["List-Unsubscribe"] = f"<{settings.SITE_URL}{notification.context['unsubscribe_url']}>"
        headers["Message-ID"] = message_id(notification)
        message = EmailMessage(subject=notification.title, body=body, to=[recipient.email], headers=headers)
        for attachment in notification.context.get("_attachments", []):
            message.attach(attachment["name"], attachment["content"], attachment["mimetype"])
    return message


def _deliver(notification: Notification, claimed_at: datetime, smtp=None) -> str:
    """Send a claimed email (on the open SMTP connection ``smtp`` when given) and record the outcome."""
    recipient = notification.recipient
    if not recipient.is_active or recipient.is_former or not recipient.email:
        _settle(notification.pk, claimed_at, email_status=Status.SKIPPED)
        return "skipped"
    try:
        _message(notification).send() if smtp is None else smtp.send_messages([_message(notification)])
    except SoftTimeLimitExceeded:
        # The batch is out of time, not this message at fault: hand it back and stop the batch here,
        # before the hard limit kills the process in the middle of a send (the sweep sends the rest).
        _settle(notification.pk, claimed_at, email_status=Status.PENDING)
        raise
    except Exception:
        if smtp is not None:
            smtp.close()  # a broken session: the next message opens a new one
        gave_up = notification.email_attempts >= MAX_ATTEMPTS
        _settle(notification.pk, claimed_at, email_status=Status.FAILED if gave_up else Status.PENDING)
        logger.exception(
            "email for notification %s failed (attempt %s)", notification.pk, notification.email_attempts
        )
        return "failed"
    _settle(notification.pk, claimed_at, email_status=Status.SENT, emailed_at=timezone.now())
    return "sent"


# No autoretry: a failed send is caught and recorded (back to "pending"), and the sweep retries it.
@shared_task
def send_notification_email(notification_id: int) -> str:
    """Claim, send, record. Returns "sent", "skipped", "failed" or "nothing to do" (already sent,
    skipped or failed, or claimed by a live worker). Queries: the claim, one read (with the
    recipient), the outcome."""
    with _unflushed_commits():
        claimed_at = _claim(notification_id)
        if claimed_at is None:
            return "nothing to do"
        notification = Notification.objects.select_related("recipient").get(pk=notification_id)
        return _deliver(notification, claimed_at)


@shared_task
def send_notification_emails(notification_ids: list[int]) -> int:
    """A batch of ``notify_many()``'s emails, each claimed and sent like ``send_notification_email``,
    but read in one query and sent over one SMTP session (a connection per message costs more than
    the message). Each email is still claimed just before it is sent and settled just after, so a
    worker killed mid-batch leaves one claimed email behind, as with single sends.
    Returns how many were sent by this run (0 when the batch is delivered again)."""
    from django.core.mail import get_connection

    pending = {
        n.pk: n
        for n in Notification.objects.filter(
            pk__in=notification_ids, email_status__in=(Status.PENDING, Status.SENDING)
        )
        .select_related("recipient")
        .order_by("pk")
    }
    sent = 0
    with _unflushed_commits(), get_connection() as smtp:
        for pk, notification in pending.items():
            claimed_at = _claim(pk)
            if claimed_at is None:
                continue
            notification.email_attempts += 1  # what the claim wrote
            sent += _deliver(notification, claimed_at, smtp) == "sent"
    return sent


@shared_task(**SWEEP)
def sweep_pending_notifications(older_than_seconds: int = 60, limit: int = 500) -> int:
    """Beat's catch-up: send what the request path could not enqueue (broker outage), what failed
    transiently, and what a dead worker had claimed (claims older than
    NOTIFICATION_CLAIM_STALE_SECONDS). Pending rows younger than ``older_than_seconds`` are left to
    their task. Two index scans (partial indexes ``notif_email_pending`` and ``notif_email_claimed``).
    Returns how many emails this run sent."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.NOTIFICATION_CLAIM_STALE_SECONDS)
    stale = Notification.objects.email_claim_stale(claimed_before=stale_before)
    # A notification whose every attempt kills its worker must not be retried for ever.
    stale.filter(email_attempts__gte=MAX_ATTEMPTS).update(email_status=Status.FAILED)
    ids = list(stale.order_by("claimed_at").values_list("pk", flat=True)[:limit])
    ids += (
        Notification.objects.email_pending()
        .filter(created_at__lte=now - timedelta(seconds=older_than_seconds))
        .order_by("created_at")
        .values_list("pk", flat=True)[: max(limit - len(ids), 0)]
    )
    return sum(send_notification_email(pk) == "sent" for pk in ids)
