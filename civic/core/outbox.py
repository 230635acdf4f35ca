"""The transactional outbox: how a write asks for background work without ever losing it.

``enqueue(task, *args)`` records an :class:`~civic.core.models.OutboxJob` in the caller's
transaction (so the job exists exactly when the write does) and hands it to Celery after commit.
If the broker is down then, or the worker that took it dies, ``sweep_outbox`` (beat, every
``OUTBOX_SWEEP_SECONDS``) dispatches it again once ``run_after`` has passed. Workers run the job
through ``run_outbox_job``, which claims the row first, so a redelivered message for a job that is
running or done does nothing; the job's own task must still be idempotent (it may run again if its
worker dies half-way), which every task in Civic is through ``notify()``'s dedupe keys and claims.

This replaces ``transaction.on_commit(lambda: task.delay(...))``, which loses the job whenever the
broker is unreachable at commit time or the process dies between commit and publish.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from civic.core.models import OutboxJob
from civic.core.taskbase import MAX_ATTEMPTS, retry_delay

logger = logging.getLogger(__name__)


def _redispatch_after() -> timedelta:
    """How long a dispatched job may wait for a worker before the sweep sends it again."""
    return timedelta(seconds=settings.OUTBOX_REDISPATCH_SECONDS)


def _stale_after() -> timedelta:
    """A job taken longer ago than the task time limit (plus a margin) has lost its worker."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def routed_queue(task_name: str) -> str:
    """The queue ``CELERY_TASK_ROUTES`` gives ``task_name`` ("mail", "bulk"…), or "" (default queue)."""
    from celery.app.routes import prepare

    for route in prepare(getattr(settings, "CELERY_TASK_ROUTES", None)):
        found = route(task_name, (), {}, {}) if callable(route) else None
        if found and found.get("queue"):
            queue = found["queue"]
            return queue if isinstance(queue, str) else queue.name
    return ""


def enqueue(task, *args, queue: str = "", **kwargs) -> OutboxJob:
    """Record ``task(*args, **kwargs)`` in the current transaction and dispatch it after commit.

    ``task`` is a Celery task or its name; arguments must be JSON (ids, strings, numbers), like
    every Celery argument in Civic. Costs one INSERT in the transaction and a publish after commit
    (no UPDATE: ``dispatched_at`` is stamped by the sweep only, off the request path). Outside a
    transaction the row commits at once and is dispatched immediately. Without ``queue``, the job
    goes to the queue that ``CELERY_TASK_ROUTES`` gives its task (the runner task itself would
    always route to "default").
    """
    name = task if isinstance(task, str) else task.name
    queue = queue or routed_queue(name)
    json.dumps([args, kwargs])  # fail in the caller, not in a worker, on a non-JSON argument
    job = OutboxJob.objects.create(
        task=name,
        args=list(args),
        kwargs=kwargs,
        queue=queue,
        run_after=timezone.now() + _redispatch_after(),
    )
    transaction.on_commit(lambda: _publish([(job.pk, queue)]))
    return job


def dispatch(job_ids: list[int]) -> int:
    """The sweep's dispatch: publish the jobs to the broker and stamp ``dispatched_at``; a broker
    outage is logged, never raised (the next sweep retries). Returns how many were published."""
    jobs = list(OutboxJob.objects.filter(pk__in=job_ids).values_list("pk", "queue"))
    published = _publish(jobs)
    if published:
        sent = [pk for pk, _queue in jobs[:published]]
        OutboxJob.objects.filter(pk__in=sent, taken_at__isnull=True).update(dispatched_at=timezone.now())
    return published


def _publish(jobs: list[tuple[int, str]]) -> int:
    from civic.core.broker import publish
    from civic.core.tasks import run_outbox_job

    published: list[int] = []
    for pk, queue in jobs:
        if not publish(run_outbox_job, [pk], **({"queue": queue} if queue else {})):
            # These jobs are known not to be on their way: make them due at once, so the first
            # sweep after the broker is back sends them (not OUTBOX_REDISPATCH_SECONDS later).
            OutboxJob.objects.filter(pk__in=[job[0] for job in jobs], taken_at__isnull=True).exclude(
                pk__in=published
            ).update(run_after=timezone.now())
            break  # the broker is down: the others would fail the same way
        published.append(pk)
    return len(published)


def claim(job_id: int) -> OutboxJob | None:
    """Take the job for this worker, unless it is done (row gone), failed for good, or held by a
    live worker. One conditional UPDATE, so two deliveries of the same message cannot both run it."""
    now = timezone.now()
    taken = (
        OutboxJob.objects.filter(pk=job_id, run_after__isnull=False)
        .filter(Q(taken_at__isnull=True) | Q(taken_at__lt=now - _stale_after()))
        .update(taken_at=now, attempts=F("attempts") + 1, run_after=now + _stale_after())
    )
    if not taken:
        return None
    return OutboxJob.objects.filter(pk=job_id).first()


def finish(job: OutboxJob) -> None:
    OutboxJob.objects.filter(pk=job.pk).delete()


def fail(job: OutboxJob, error: BaseException) -> None:
    """Release the job for a later retry with exponential back-off, or give up after MAX_ATTEMPTS."""
    retry_in = timedelta(seconds=retry_delay(job.attempts))  # the policy of every task
    gave_up = job.attempts >= MAX_ATTEMPTS
    OutboxJob.objects.filter(pk=job.pk).update(
        taken_at=None,
        run_after=None if gave_up else timezone.now() + retry_in,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )
    if gave_up:
        logger.error("outbox job %s (%s) failed %d times; giving up", job.pk, job.task, job.attempts)


def due_job_ids(limit: int = 500) -> list[int]:
    """Jobs the sweep must (re)dispatch now; reads the partial index on ``run_after``."""
    return list(
        OutboxJob.objects.filter(run_after__lte=timezone.now())
        .order_by("run_after")
        .values_list("pk", flat=True)[:limit]
    )


def mark_redispatched(job_ids: list[int]) -> None:
    """Push ``run_after`` forward for jobs handed to the broker again, so the next sweep waits."""
    now = timezone.now()
    # A job claimed meanwhile has its run_after in the future already: leave it.
    OutboxJob.objects.filter(pk__in=job_ids, run_after__lte=now).update(run_after=now + _redispatch_after())
