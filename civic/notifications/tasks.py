"""Email delivery for notifications. Idempotent: a notification is emailed at most once."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation

from civic.notifications.models import Notification

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> str:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=notification_id, email_status=Notification.EmailStatus.PENDING)
            .first()
        )
        if notification is None:
            return "nothing to do"  # already sent, skipped, or being sent by another worker
        recipient = notification.recipient
        notification.email_attempts += 1
        if not recipient.is_active or recipient.is_former or not recipient.email:
            notification.email_status = Notification.EmailStatus.SKIPPED
            notification.save(update_fields=["email_status", "email_attempts"])
            return "skipped"
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
                headers["List-Unsubscribe"] = (
                    f"<{settings.SITE_URL}{notification.context['unsubscribe_url']}>"
                )
            message = EmailMessage(
                subject=notification.title, body=body, to=[recipient.email], headers=headers
            )
            for attachment in notification.context.get("_attachments", []):
                message.attach(attachment["name"], attachment["content"], attachment["mimetype"])
        try:
            message.send()
        except Exception:
            status = (
                Notification.EmailStatus.FAILED
                if notification.email_attempts >= MAX_ATTEMPTS
                else Notification.EmailStatus.PENDING
            )
            notification.email_status = status
            notification.save(update_fields=["email_status", "email_attempts"])
            logger.exception("email for notification %s failed", notification_id)
            return "failed"
        notification.email_status = Notification.EmailStatus.SENT
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["email_status", "emailed_at", "email_attempts"])
    return "sent"


@shared_task(acks_late=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """A batch of ``notify_many()``'s emails, each sent at most once like ``send_notification_email``."""
    return sum(send_notification_email(pk) == "sent" for pk in notification_ids)


@shared_task(acks_late=True)
def sweep_pending_notifications(older_than_seconds: int = 60, limit: int = 500) -> int:
    """Send what the request path could not enqueue (broker outage) or what failed transiently."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Notification.objects.email_pending()
        .filter(created_at__lte=cutoff)
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        send_notification_email(pk)
    return len(ids)
