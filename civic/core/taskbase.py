"""The one retry policy of every Celery task (``civic.celery`` makes ``CivicTask`` the default base).

A task retries by itself only when the database hiccups (a lock timeout, a failover): ``OperationalError``,
30 s doubling to an hour, ten attempts in all. Other errors are the task's to handle: email sends
record their failure and beat's sweep tries again, and a job run through the outbox is rescheduled by
the outbox with the same back-off (``civic.core.outbox.fail``; inside the outbox's runner, the
auto-retry re-raises and the outbox retries). Late acknowledgement, time limits and queues are global
settings (``CELERY_TASK_ACKS_LATE`` …): a task repeats none of them.

The one exception: the sweeps beat runs every 20 s (``@shared_task(**SWEEP)``) do not retry, since
the next tick is their retry; retrying them would pile up copies in the broker during an outage.

No Django model is imported here: Celery resolves this class while the app is being configured.
"""

from __future__ import annotations

from celery import Task
from django.db import OperationalError

RETRY_BACKOFF_SECONDS = 30
RETRY_BACKOFF_MAX_SECONDS = 3600
MAX_ATTEMPTS = 10
SWEEP = {"autoretry_for": ()}


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt: 30, 60, 120 … capped at one hour."""
    return min(RETRY_BACKOFF_SECONDS * 2 ** (max(attempts, 1) - 1), RETRY_BACKOFF_MAX_SECONDS)


class CivicTask(Task):
    autoretry_for = (OperationalError,)
    retry_backoff = RETRY_BACKOFF_SECONDS
    retry_backoff_max = RETRY_BACKOFF_MAX_SECONDS
    retry_jitter = True
    max_retries = MAX_ATTEMPTS - 1
