"""What the transactional outbox adds to a write: median time of a small write transaction (one
INSERT) with and without ``outbox.enqueue`` — the job's INSERT, the after-commit publish to Redis
and the ``dispatched_at`` UPDATE — on the embedded servers of instance ``outage`` (or
``DATABASE_URL`` / ``REDIS_URL``). No worker runs: the published messages are purged at the end.

Usage: ``.venv/bin/python bench/outbox_cost.py [-n 500]``. Target: the added median under 2 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings")
os.environ.setdefault("CIVIC_INSTANCE", "outage")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=500, help="writes per variant")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from civic.celery import app
    from civic.core import outbox
    from civic.core.models import AuditEntry, OutboxJob, Theme
    from civic.core.services import log_action

    call_command("migrate", interactive=False, verbosity=0)
    app.conf.task_always_eager = False

    theme, _created = Theme.objects.get_or_create(slug="bench-outbox", defaults={"name": "Bench"})

    def write() -> None:
        log_action("bench.outbox.write", target=theme, data={"n": 1})

    def write_with_job() -> None:
        log_action("bench.outbox.write", target=theme, data={"n": 1})
        outbox.enqueue("bench.outbox.nothing", 1)

    def timed(body) -> float:
        start = time.perf_counter()
        with transaction.atomic():
            body()  # the after-commit dispatch runs inside the timing, as in a request
        return time.perf_counter() - start

    for body in (write, write_with_job):  # warm connections, the broker pool, the statement cache
        for _ in range(50):
            timed(body)
    plain, with_job = [], []
    for _ in range(args.n):  # interleaved, so load changes on the machine hit both alike
        plain.append(timed(write))
        with_job.append(timed(write_with_job))

    app.control.purge()
    OutboxJob.objects.filter(task="bench.outbox.nothing").delete()
    AuditEntry.objects.filter(action="bench.outbox.write").delete()
    theme.delete()

    median_plain, median_job = statistics.median(plain) * 1000, statistics.median(with_job) * 1000
    out(f"writes per variant: {args.n}")
    out(f"median write transaction:               {median_plain:.3f} ms")
    out(f"median write transaction + outbox job:  {median_job:.3f} ms")
    out(f"added by the outbox (median):           {median_job - median_plain:.3f} ms (target < 2 ms)")
    out(f"p95 write / write + job:                {_p95(plain):.3f} / {_p95(with_job):.3f} ms")
    return 0


def out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] * 1000


if __name__ == "__main__":
    sys.exit(main())
