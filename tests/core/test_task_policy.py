"""One retry policy for every task (``civic.core.taskbase.CivicTask``), set once: tasks repeat no
option (late acks, retries) that the kernel already gives them."""

import pytest
from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from civic.celery import app
from civic.core.models import OutboxJob
from civic.core.taskbase import MAX_ATTEMPTS, CivicTask, retry_delay
from civic.core.tasks import run_outbox_job

PROJECT_MODULES = ("civic.", "initiatives.", "volunteering.", "crowdfunding.", "participation.", "events.")
# Beat runs these every 20 s: the next tick is their retry.
SWEEPS = {"civic.core.tasks.sweep_outbox", "civic.notifications.tasks.sweep_pending_notifications"}
CALLS: list[int] = []


@shared_task(name="tests.core.database_hiccup_once")
def database_hiccup_once() -> str:
    CALLS.append(1)
    if len(CALLS) == 1:
        raise OperationalError("canceling statement due to lock timeout")
    return "done"


@pytest.fixture(autouse=True)
def _clear_calls():
    CALLS.clear()


def test_every_task_of_the_project_has_the_kernel_retry_policy_and_late_acks():
    app.loader.import_default_modules()
    tasks = {name: task for name, task in app.tasks.items() if name.startswith(PROJECT_MODULES)}

    assert len(tasks) >= 25
    for name, task in tasks.items():
        assert isinstance(task, CivicTask), name
        assert task.autoretry_for == ((OperationalError,) if name not in SWEEPS else ()), name
        assert (task.retry_backoff, task.retry_backoff_max, task.max_retries) == (30, 3600, MAX_ATTEMPTS - 1)
        assert task.acks_late, name  # CELERY_TASK_ACKS_LATE, set once in settings


def test_the_back_off_doubles_from_30_seconds_to_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3, 7, 8, 10)] == [30, 60, 120, 1920, 3600, 3600]


@pytest.mark.django_db
def test_a_task_sent_to_celery_retries_by_itself_after_a_database_hiccup():
    app.conf.task_eager_propagates = False  # as in a worker: a Retry is handled, not raised to the caller
    try:
        result = database_hiccup_once.delay()
    finally:
        app.conf.task_eager_propagates = True

    assert result.get() == "done" and len(CALLS) == 2


@pytest.mark.django_db
def test_a_job_run_by_the_outbox_is_retried_by_the_outbox_with_the_same_back_off():
    job = OutboxJob.objects.create(task="tests.core.database_hiccup_once", run_after=timezone.now())

    assert run_outbox_job(job.pk) == "failed"

    job.refresh_from_db()
    assert job.attempts == 1 and "lock timeout" in job.last_error
    assert 25 <= (job.run_after - timezone.now()).total_seconds() <= 30
    assert len(CALLS) == 1  # not retried inside the outbox's run as well
