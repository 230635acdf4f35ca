"""Kernel tasks: the outbox's runner and sweep, and the weekly digest (opt-in, once per member per
ISO week through notify's dedupe key, in their language)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from civic.core import outbox
from civic.core.taskbase import SWEEP

logger = logging.getLogger(__name__)
BATCH = 500


@shared_task(bind=True)
def run_outbox_job(self, job_id: int) -> str:
    """Run one recorded job (``civic.core.outbox``): claim it, call its task in this worker, delete
    the row when it succeeded or schedule a retry when it raised. A job already done or held by a
    live worker is left alone, so a message delivered twice runs the job once."""
    job = outbox.claim(job_id)
    if job is None:
        return "nothing to do"
    task = self.app.tasks.get(job.task)
    try:
        if task is None:
            raise LookupError(f"no task named {job.task}")
        task(*job.args, **job.kwargs)
    except Exception as error:
        outbox.fail(job, error)
        logger.exception("outbox job %s (%s) failed", job.pk, job.task)
        if self.request.is_eager:
            raise  # tests run jobs in-process and must see the error
        return "failed"
    outbox.finish(job)
    return "done"


@shared_task(**SWEEP)
def sweep_outbox(limit: int = 500) -> int:
    """Beat: dispatch again every job whose ``run_after`` passed (never taken, lost worker, retry)."""
    ids = outbox.due_job_ids(limit)
    if ids:
        outbox.mark_redispatched(ids)
        outbox.dispatch(ids)
    return len(ids)


@shared_task
def send_weekly_digests() -> int:
    """Beat entry point: split opted-in members into batches of ids (one task per batch)."""
    from civic.accounts.models import User

    ids = list(User.objects.active().filter(weekly_digest=True).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            outbox.enqueue(send_digest_batch, ids[start : start + BATCH])
    return len(ids)


@shared_task
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
    from civic.core.views import digest_unsubscribe_token
    from civic.notifications.services import notify

    now = timezone.now()
    year, week, _day = now.isocalendar()
    labels = discovery.kind_labels()
    # Everything in the digest is read, titled and linked in the member's language: the items'
    # titles come from the providers, so they are fetched inside it too.
    with translation.override(member.language or "fr"):
        groups = discovery.digest_for(member, since=now - timedelta(days=7))
        if not groups:
            return False
        sections = [
            {
                "label": str(labels.get(kind, kind)),
                "items": [{"title": str(i.title), "url": i.url} for i in items[:8]],
            }
            for kind, items in groups.items()
        ]
        unsubscribe = reverse("digest_unsubscribe", args=[digest_unsubscribe_token(member)])
        my_civic = reverse("my_civic")
    return (
        notify(
            member,
            "core.digest",
            {
                "sections": sections,
                "unsubscribe_url": unsubscribe,
                "_headers": {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            },
            url=my_civic,
            dedupe_key=f"digest:{year}-W{week:02d}",
        )
        is not None
    )
