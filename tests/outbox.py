"""Run the outbox in tests as a worker would: every recorded job, and the jobs those record."""

from django.test import TestCase

from civic.core.models import OutboxJob
from civic.core.tasks import run_outbox_job


def pending_jobs(task_name: str | None = None):
    jobs = OutboxJob.objects.filter(run_after__isnull=False)
    return jobs.filter(task=task_name) if task_name else jobs


def run_job(job: OutboxJob) -> None:
    """Run one job; the jobs it records stay pending (nothing on commit runs)."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        run_outbox_job.apply(args=[job.pk])


def run_jobs() -> int:
    """Run every pending job (eagerly, in this process) until none is left; on-commit work (the
    dispatch of the jobs a job records, the emails of its notifications) runs too. Returns how
    many jobs ran."""
    ran = 0
    while ids := list(pending_jobs().order_by("pk").values_list("pk", flat=True)):
        with TestCase.captureOnCommitCallbacks(execute=True):
            for pk in ids:
                run_outbox_job.apply(args=[pk])
        ran += len(ids)
    return ran
