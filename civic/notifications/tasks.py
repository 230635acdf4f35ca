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
from functools import lru_cache
from urllib.parse import urlsplit

import psycopg
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import F, Q
from django.utils import timezone, translation

from civic.core.taskbase import SWEEP
from civic.notifications.letters import Letters
from civic.notifications.models import Notification

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
Status = Notification.EmailStatus
_TABLE = Notification._meta.db_table
# A batch claims its emails this many at a time: two queries per chunk instead of one per email, and
# a killed worker leaves at most one chunk to the stale-claim sweep.
CLAIM_CHUNK = 100
# What an email is made of (a batch reads 100 rows at a time; the member's other fields are not read).
_EMAIL_FIELDS = (
    *("title", "body", "url", "context", "created_at", "email_attempts"),
    *("recipient__email", "recipient__language", "recipient__is_active", "recipient__is_former"),
)


def message_id(notification: Notification) -> str:
    """The email's Message-ID, the same on every attempt: ``<notification-{id}.{created}@{domain}>``.

    The creation time (to the microsecond) keeps ids unique across databases that reuse primary keys
    (a restored backup, a staging copy sending with the same domain)."""
    created = notification.created_at.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
    return f"<notification-{notification.pk}.{created}@{_mail_domain()}>"


def _mail_domain() -> str:
    return _domain_of(settings.DEFAULT_FROM_EMAIL, settings.SITE_URL)


@lru_cache(maxsize=8)
def _domain_of(from_email: str, site_url: str) -> str:
    """Parsing the sender's address was a tenth of a batch email's cost: once per setting's value."""
    sender = parseaddr(from_email)[1]
    return sender.rpartition("@")[2] or urlsplit(site_url).hostname or "localhost"


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


def _settle(notification_id: int, claimed_at: datetime, *, email_status: str, emailed_at=None) -> None:
    """Record the outcome of this worker's claim, unless a sweep took the claim over meanwhile (then
    the outcome is the new claimant's to write). Plain SQL, parameters bound by the server
    (:func:`_bound_cursor`): once per email, the ORM's query building cost three times the statement
    itself."""
    with _bound_cursor() as cursor:
        cursor.execute(
            f"UPDATE {_TABLE} SET email_status = %s, emailed_at = COALESCE(%s, emailed_at) "
            "WHERE id = %s AND email_status = %s AND claimed_at = %s",
            [email_status, emailed_at, notification_id, Status.SENDING, claimed_at],
        )


def _bound_cursor() -> CursorWrapper:
    """A cursor that sends its parameters apart from the statement (server-side binding). Django's
    cursors bind on the client, quoting each parameter into the text: for the once-per-email UPDATE
    that was a fifth of the worker's cost of the write. Nothing is prepared (Django turns psycopg's
    preparing off), so it also works behind PgBouncer in transaction mode. It goes through Django's
    wrapper: query logging, counting and error wrapping apply."""
    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


def _claim_many(notification_ids: list[int]) -> tuple[datetime, list[int]]:
    """``_claim`` for a chunk of a batch in one UPDATE: returns the claim's time and the ids taken
    (the others are sent, skipped, failed or being sent by a live worker)."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.NOTIFICATION_CLAIM_STALE_SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_TABLE} SET email_status = %s, claimed_at = %s, email_attempts = email_attempts + 1 "
            "WHERE id = ANY(%s) AND (email_status = %s "
            "OR (email_status = %s AND claimed_at < %s AND email_attempts < %s)) RETURNING id",
            [
                Status.SENDING,
                now,
                notification_ids,
                Status.PENDING,
                Status.SENDING,
                stale_before,
                MAX_ATTEMPTS,
            ],
        )
        return now, sorted(row[0] for row in cursor.fetchall())


def _renew(notification_ids: list[int], claimed_at: datetime) -> tuple[datetime, set[int]]:
    """Refresh this worker's claim on the chunk's unsent emails, so that it never looks stale to the
    sweep while the worker is alive; returns the new token and the ids still held."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_TABLE} SET claimed_at = %s "
            "WHERE id = ANY(%s) AND email_status = %s AND claimed_at = %s RETURNING id",
            [now, notification_ids, Status.SENDING, claimed_at],
        )
        return now, {row[0] for row in cursor.fetchall()}


def _release(notification_ids: list[int], claimed_at: datetime) -> None:
    """Hand claimed but unsent emails back to the sweep (``pending``, the attempt not counted)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_TABLE} SET email_status = %s, email_attempts = email_attempts - 1 "
            "WHERE id = ANY(%s) AND email_status = %s AND claimed_at = %s",
            [Status.PENDING, notification_ids, Status.SENDING, claimed_at],
        )


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


def _send(message: EmailMessage, smtp=None, letters: Letters | None = None) -> None:
    """Send ``message`` on the open connection ``smtp`` (its own connection without one). Over
    Django's SMTP backend, a batch's ``letters`` give the bytes without building the MIME message."""
    if smtp is None:
        message.send()
        return
    raw = letters.bytes_of(message) if letters is not None and type(smtp) is SmtpBackend else None
    if raw is None:
        smtp.send_messages([message])
        return
    if smtp.connection is None:
        smtp.open()
    letters.send(smtp.connection, message.to[0], raw)


def _deliver(
    notification: Notification, claimed_at: datetime, smtp=None, letters: Letters | None = None
) -> str:
    """Send a claimed email (on the open SMTP connection ``smtp`` when given) and record the outcome."""
    recipient = notification.recipient
    if not recipient.is_active or recipient.is_former or not recipient.email:
        _settle(notification.pk, claimed_at, email_status=Status.SKIPPED)
        return "skipped"
    try:
        _send(_message(notification), smtp, letters)
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
    """A batch of ``notify_many()``'s emails, sent over one SMTP session (a connection per message
    costs more than the message). They are claimed ``CLAIM_CHUNK`` at a time (one UPDATE) and each
    is settled just after it is sent, so a worker killed mid-batch still leaves at most one email
    that the server may have accepted without "sent" being recorded; the rest of its chunk is sent
    by the sweep once the claim is stale. Returns how many were sent by this run (0 when the batch
    is delivered again)."""
    from django.core.mail import get_connection

    ids = sorted(set(notification_ids))
    sent = 0
    letters = Letters()  # the headers of each kind of email built once for the batch
    with _unflushed_commits(), get_connection() as smtp:
        for start in range(0, len(ids), CLAIM_CHUNK):
            sent += _send_chunk(ids[start : start + CLAIM_CHUNK], smtp, letters)
    return sent


def _send_chunk(notification_ids: list[int], smtp, letters: Letters) -> int:
    """Claim a chunk, then send and settle its emails one by one; the claim is renewed when it is
    half-way to stale (a slow SMTP server), and handed back if the task runs out of time."""
    claimed_at, claimed = _claim_many(notification_ids)
    if not claimed:
        return 0
    todo = list(
        Notification.objects.filter(pk__in=claimed)
        .select_related("recipient")
        .only(*_EMAIL_FIELDS)
        .order_by("pk")
    )
    held = {n.pk for n in todo}
    renew_after = settings.NOTIFICATION_CLAIM_STALE_SECONDS / 2
    sent = 0
    for i, notification in enumerate(todo):
        if (timezone.now() - claimed_at).total_seconds() > renew_after:
            claimed_at, held = _renew([n.pk for n in todo[i:] if n.pk in held], claimed_at)
        if notification.pk not in held:
            continue  # taken over by a sweep: the new claimant sends it
        try:
            sent += _deliver(notification, claimed_at, smtp, letters) == "sent"
        except SoftTimeLimitExceeded:
            _release([n.pk for n in todo[i + 1 :] if n.pk in held], claimed_at)
            raise
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
