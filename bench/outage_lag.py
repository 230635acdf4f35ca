"""Delivery lag after a Redis outage: how long after Redis comes back the last email owed is sent.

On the embedded servers of instance ``outage`` (or ``DATABASE_URL``), with a real Celery worker and
beat (subprocesses, as ``make run`` starts them, emails to django's dummy backend):
  1. Redis is stopped (for ``--down`` seconds, 45 by default);
  2. 50 writes that notify are made through the services: 25 supports that each cross a proposal's
     threshold (the officials' notification is an outbox job, ``sweep_outbox``) and 25 mission joins
     (the confirmation is a notification whose email waits for ``sweep_pending_notifications``);
  3. Redis is started; the lag is measured from then to the last ``Notification.emailed_at``.
Target: under 60 s (beat runs both sweeps every ``OUTBOX_SWEEP_SECONDS`` = 20 s).

Usage: ``.venv/bin/python bench/outage_lag.py [--writes 50] [--down 45]``; the worker's and beat's
logs go to ``var/outage-bench-logs/``.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings")
os.environ.setdefault("CIVIC_INSTANCE", "outage")
INSTANCE = os.environ["CIVIC_INSTANCE"]


def out(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=50, help="half supports, half mission joins")
    parser.add_argument("--down", type=float, default=45, help="seconds Redis stays down")
    parser.add_argument("--timeout", type=int, default=300)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from civic import embedded

    call_command("migrate", interactive=False, verbosity=0)
    proposals, slot, members, official = _world(args.writes // 2)

    env = {
        **os.environ,
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }
    logs = ROOT / "var" / f"{INSTANCE}-bench-logs"
    logs.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    children = [
        subprocess.Popen(
            [python, "-m", "celery", "-A", "civic", "worker", "--concurrency=2", "--loglevel=WARNING"],
            env=env,
            cwd=ROOT,
            stdout=open(logs / "worker.log", "w"),
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [python, "-m", "celery", "-A", "civic", "beat", "--loglevel=INFO"],
            env=env,
            cwd=ROOT,
            stdout=open(logs / "beat.log", "w"),
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        _wait_for_worker()
        out(f"worker and beat running; logs in {logs}")

        from civic.celery import app
        from participation import services as participation
        from volunteering import services as volunteering

        app.conf.task_always_eager = False
        embedded.stop_redis(INSTANCE)
        stopped = time.time()
        out("Redis stopped")
        for proposal, member in zip(proposals, members, strict=True):
            participation.proposal_support(proposal=proposal, member=member)
            volunteering.participation_create(slot=slot, member=member)
        out(f"{2 * len(members)} writes made in {time.time() - stopped:.1f} s while Redis was down")
        # Redis stays down long enough for beat to miss a tick or two (its sends fail meanwhile).
        time.sleep(max(0.0, stopped + args.down - time.time()))

        embedded.redis_url(INSTANCE)
        back = time.time()
        out("Redis started")
        lag = _wait_for_delivery(back, official, members, timeout=args.timeout)
    finally:
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
    for kind, seconds in lag.items():
        out(f"delivery lag after Redis is back, {kind}: {seconds:.1f} s")
    return 0


def _world(n: int):
    """Fresh rows for this run: n proposals at threshold 1 in one city with one official, a mission
    slot with room for all, and n verified members."""
    from allauth.account.models import EmailAddress
    from django.conf import settings

    from civic.accounts.models import User
    from civic.core.models import Theme
    from civic.organizations.models import Membership, Organization
    from civic.places.geo import point
    from civic.places.models import City
    from participation import services as participation
    from participation.models import CitySpace
    from volunteering.models import Mission, MissionStatus, Slot

    run = datetime.now(UTC).strftime("%Y%m%d%H%M%S")

    def member(name: str) -> User:
        user = User.objects.create_user(email=f"{name}-{run}@bench.example.org", password=None)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    settings.PARTICIPATION_PROPOSALS_PER_HOUR = 10**6
    city = City.objects.create(
        slug=f"lag-{run}", name=f"Lag {run}", country="FR", timezone="Europe/Paris", point=point(48.85, 2.35)
    )
    CitySpace.objects.create(city=city, support_threshold=1)
    hall = Organization.objects.create(slug=f"hall-{run}", name=f"Hall {run}", city=city, kind="public_body")
    association = Organization.objects.create(slug=f"asso-{run}", name=f"Asso {run}", city=city)
    official = member("official")
    Membership.objects.create(user=official, organization=hall, role="member")
    author = member("author")
    theme, _created = Theme.objects.get_or_create(slug="bench-lag", defaults={"name": "Bench"})
    proposals = [
        participation.proposal_create(
            author=author, city=city, title=f"Proposal {i}", text="Text.", theme=theme
        )
        for i in range(n)
    ]
    mission = Mission.objects.create(
        organization=association,
        city=city,
        title=f"Mission {run}",
        description="Help.",
        point=point(48.85, 2.35),
        status=MissionStatus.PUBLISHED,
    )
    starts = datetime.now(UTC) + timedelta(days=3)
    slot = Slot.objects.create(
        mission=mission, starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=n
    )
    members = [member(f"m{i}") for i in range(n)]
    return proposals, slot, members, official


def _wait_for_worker(timeout: float = 120) -> None:
    from civic.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1.0):
            return
    raise SystemExit("the Celery worker did not start; see its log")


def _wait_for_delivery(back: float, official, members, timeout: float) -> dict[str, float]:
    from django.db.models import Max

    from civic.core.models import OutboxJob
    from civic.notifications.models import Notification

    kinds = {
        "officials' notifications (outbox jobs)": Notification.objects.filter(
            recipient=official, kind="participation.threshold_reached"
        ),
        "join confirmations (notifications sweep)": Notification.objects.filter(
            recipient__in=members, kind="volunteering.confirmed"
        ),
    }
    n = len(members)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = all(
            qs.filter(email_status=Notification.EmailStatus.SENT).count() == n for qs in kinds.values()
        )
        if done and not OutboxJob.objects.exists():
            break
        time.sleep(0.5)
    else:
        raise SystemExit(f"not everything was sent after {timeout} s")
    lag = {}
    for kind, qs in kinds.items():
        last = qs.aggregate(last=Max("emailed_at"))["last"]
        lag[kind] = last.timestamp() - back
    lag[f"all {2 * n} emails"] = max(lag.values())
    return lag


if __name__ == "__main__":
    sys.exit(main())
