from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def email_pending(self):
        return self.filter(email_status=Notification.EmailStatus.PENDING)

    def email_claim_stale(self, *, claimed_before):
        """Emails claimed before ``claimed_before`` and still not sent: their worker died (SIGKILL,
        out of memory, lost machine) between the claim and the outcome (partial index
        ``notif_email_claimed``)."""
        return self.filter(email_status=Notification.EmailStatus.SENDING, claimed_at__lt=claimed_before)


class Notification(models.Model):
    """One message to one member: shown in their inbox, and emailed once (the outbox).

    ``title`` and ``body`` are rendered in the recipient's language when the notification is
    created, so the inbox and the email say the same thing.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not emailed")
        FAILED = "failed", _("Failed")

    # No index of its own: notif_recipient_recent starts with it (one index fewer to write, three
    # times per emailed notification: created, claimed, sent).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    context = models.JSONField(default=dict, blank=True)
    # Optional key that makes a notification unique per recipient: notify() with the same key twice
    # creates one row (idempotent callers such as Celery beat steps rely on it).
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    # When a worker claimed the email (status "sending"), committed before it talks to SMTP; a claim
    # older than NOTIFICATION_CLAIM_STALE_SECONDS belongs to a dead worker and may be taken again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            models.Index(
                fields=["created_at"], name="notif_email_pending", condition=models.Q(email_status="pending")
            ),
            # The sweep's second query (stale claims) reads only the few rows being sent right now.
            models.Index(
                fields=["claimed_at"], name="notif_email_claimed", condition=models.Q(email_status="sending")
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notif_dedupe_once",
            )
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title
