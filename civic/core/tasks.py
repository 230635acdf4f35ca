"""The weekly digest: opt-in, once per member per ISO week (notify's dedupe key), in their language."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.urls import reverse
from django.utils import timezone, translation

BATCH = 500


@shared_task(acks_late=True)
def send_weekly_digests() -> int:
    """Beat entry point: split opted-in members into batches of ids (one task per batch)."""
    from civic.accounts.models import User

    ids = list(User.objects.active().filter(weekly_digest=True).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        send_digest_batch.delay(ids[start : start + BATCH])
    return len(ids)


@shared_task(acks_late=True)
def send_digest_batch(member_ids: list[int]) -> int:
    from civic.accounts.models import User

    sent = 0
    for member in User.objects.active().filter(pk__in=member_ids, weekly_digest=True).order_by("pk"):
        if send_digest(member):
            sent += 1
    return sent


def send_digest(member) -> bool:
    """Send this week's digest to ``member`` if there is something to say and it was not sent yet."""
    from civic.core import discovery
    from civic.core.forms_discover import KIND_CHOICES
    from civic.core.views import digest_unsubscribe_token
    from civic.notifications.services import notify

    now = timezone.now()
    year, week, _day = now.isocalendar()
    groups = discovery.digest_for(member, since=now - timedelta(days=7))
    if not groups:
        return False
    labels = dict(KIND_CHOICES)
    with translation.override(member.language or "fr"):
        sections = [
            {
                "label": str(labels.get(kind, kind)),
                "items": [{"title": i.title, "url": i.url} for i in items[:8]],
            }
            for kind, items in groups.items()
        ]
        unsubscribe = reverse("digest_unsubscribe", args=[digest_unsubscribe_token(member)])
    return (
        notify(
            member,
            "core.digest",
            {
                "sections": sections,
                "unsubscribe_url": unsubscribe,
                "_headers": {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            },
            url=reverse("my_civic"),
            dedupe_key=f"digest:{year}-W{week:02d}",
        )
        is not None
    )
