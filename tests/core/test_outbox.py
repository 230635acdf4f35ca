"""The transactional outbox: a job exists exactly when the write that needs it commits, reaches a
worker even if the broker was down at commit time, and runs once however often it is delivered."""

from datetime import timedelta

import pytest
from celery import shared_task
from django.db import transaction
from django.utils import timezone

from civic.celery import app
from civic.core import broker, outbox
from civic.core.models import OutboxJob
from civic.core.tasks import run_outbox_job, sweep_outbox

RUNS: list[tuple] = []


@shared_task(name="tests.core.record_run")
def record_run(value: int, label: str = "") -> None:
    RUNS.append((value, label))


@shared_task(name="tests.core.always_fails")
def always_fails() -> None:
    raise RuntimeError("the SMTP server said no")


@pytest.fixture(autouse=True)
def _clear_runs():
    RUNS.clear()


@pytest.fixture
def broker_down(monkeypatch):
    """What a request sees when Redis is unreachable: publishing raises kombu's error."""
    from kombu.exceptions import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis: Connection refused.")

    monkeypatch.setattr(run_outbox_job, "apply_async", refuse)


@pytest.mark.django_db
def test_a_job_is_recorded_with_the_write_and_run_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue(record_run, 7, label="seven")
            assert RUNS == []  # nothing runs before the write commits
    assert RUNS == [(7, "seven")]
    assert not OutboxJob.objects.exists()  # done: the row is gone


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_no_job(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValueError):
            with transaction.atomic():
                outbox.enqueue(record_run, 1)
                raise ValueError("the write failed")
    assert RUNS == []
    assert not OutboxJob.objects.exists()


@pytest.mark.django_db
def test_a_job_whose_broker_was_down_is_sent_by_the_sweep(
    broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            job = outbox.enqueue(record_run, 3)
    assert RUNS == []
    assert OutboxJob.objects.filter(pk=job.pk, dispatched_at__isnull=True).exists()

    monkeypatch.undo()  # the broker is back
    broker.reset()
    # Known undelivered: due at once, so the first sweep sends it (not OUTBOX_REDISPATCH_SECONDS later).
    assert sweep_outbox() == 1
    assert RUNS == [(3, "")]
    assert not OutboxJob.objects.exists()


@pytest.mark.django_db
def test_a_job_whose_dispatch_may_still_be_on_its_way_is_not_swept(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # committed, not yet handed to the broker
        with transaction.atomic():
            outbox.enqueue(record_run, 4)
    assert sweep_outbox() == 0
    assert RUNS == []


@pytest.mark.django_db
def test_a_job_delivered_twice_runs_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = outbox.enqueue(record_run, 5)
    assert RUNS == [(5, "")]
    assert run_outbox_job(job.pk) == "nothing to do"
    assert RUNS == [(5, "")]


@pytest.mark.django_db
def test_running_the_sweep_twice_runs_each_job_once(
    broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue(record_run, 6)  # the broker is down at commit: not dispatched
            outbox.enqueue(record_run, 7)
    monkeypatch.undo()  # the broker is back
    broker.reset()

    assert sweep_outbox() == 2
    assert sweep_outbox() == 0

    assert sorted(RUNS) == [(6, ""), (7, "")]
    assert not OutboxJob.objects.exists()


@pytest.mark.django_db
def test_a_job_held_by_a_live_worker_is_not_run_again(broker_down):
    job = outbox.enqueue(record_run, 9)
    assert outbox.claim(job.pk) is not None  # a worker took it and is still running it
    assert run_outbox_job(job.pk) == "nothing to do"
    assert RUNS == []


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_dispatched_again(broker_down, monkeypatch, settings):
    job = outbox.enqueue(record_run, 11)
    outbox.claim(job.pk)  # its worker was SIGKILLed after taking it
    assert outbox.due_job_ids() == []
    later = timezone.now() + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 61)
    monkeypatch.undo()
    broker.reset()
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert sweep_outbox() == 1
    assert RUNS == [(11, "")]
    assert not OutboxJob.objects.exists()


@pytest.mark.django_db
def test_a_failing_job_is_kept_with_its_error_and_retried_later():
    app.conf.task_eager_propagates = False
    try:
        job = OutboxJob.objects.create(task="tests.core.always_fails", run_after=timezone.now())
        sweep_outbox()
    finally:
        app.conf.task_eager_propagates = True
    job.refresh_from_db()
    assert job.attempts == 1
    assert "the SMTP server said no" in job.last_error
    assert job.taken_at is None
    assert job.run_after > timezone.now()  # back-off before the next try


@pytest.mark.django_db
def test_a_job_that_keeps_failing_is_given_up_after_max_attempts():
    job = OutboxJob.objects.create(
        task="tests.core.always_fails", run_after=timezone.now(), attempts=outbox.MAX_ATTEMPTS - 1
    )
    assert run_outbox_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.run_after is None  # no longer swept; kept for an editor to read
    assert outbox.due_job_ids() == []


@pytest.mark.django_db
def test_arguments_must_be_json():
    with pytest.raises(TypeError):
        outbox.enqueue(record_run, object())
    assert not OutboxJob.objects.exists()


@pytest.mark.django_db
def test_after_a_broker_failure_writes_do_not_wait_on_the_broker_again(
    broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    calls = []
    real = run_outbox_job.apply_async
    monkeypatch.setattr(run_outbox_job, "apply_async", lambda *a, **k: calls.append(1) or real(*a, **k))
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(record_run, 1)
        outbox.enqueue(record_run, 2)
    assert len(calls) == 1  # the second job did not try the dead broker
    assert OutboxJob.objects.filter(run_after__lte=timezone.now()).count() == 2  # both due for the sweep
