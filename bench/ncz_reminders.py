"""NCZ Day at scale: N "see you tomorrow" (J-1) reminders, rendered once per language, delivered by two
Celery workers to a local SMTP sink (aiosmtpd), timed from the step's start to the last message received.

The scenario on real parts: N members (a third each in French, English and Spanish) have RSVPed to one
approved NCZ Day edition; the ``participants_j1`` step runs as beat runs it (``timeline.run_step``): one
outbox job per 500 members, each a ``notify_batch`` task (``notify_many``: one INSERT, the message rendered
once per language, one email task for the batch). Two ``celery -A civic worker --concurrency 1`` processes
take the jobs and the emails; each worker sends to its own SMTP server (aiosmtpd in a process of its own,
so that the sink is not what limits the rate), and this script checks that every notification's
Message-ID arrives exactly once.

Usage (the bench instance, migrated by the script)::

    .venv/bin/python bench/ncz_reminders.py --count 20000
    .venv/bin/python bench/ncz_reminders.py --count 1000000 --keep   # the issue's target (~1 GB of rows)

Prints the rate and the load average; ``--keep`` leaves the members and notifications in the database
(they are deleted otherwise, which at 1,000,000 takes a few minutes of its own).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("fr", "en", "es")


MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


class _Recorder:
    """aiosmtpd handler: the Message-ID of each message accepted, read with a regular expression (the
    email package's header parser cost the sink more than the worker's send)."""

    def __init__(self, count) -> None:
        self.count = count
        self.ids: list[str] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:  # noqa: N802
        """Offer PIPELINING (RFC 2920) as mail servers do: aiosmtpd reads a session's commands in
        order, so it serves a pipelining client correctly; it only does not say so."""
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]  # the last line stays "250 HELP"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        head = envelope.content.partition(b"\r\n\r\n")[0]
        found = MESSAGE_ID.search(head)
        self.ids.append(found.group(1).decode() if found else "")
        self.count.value += 1
        return "250 OK"


def _sink_main(port: int, count, stop, results) -> None:
    """One SMTP sink process: serve until ``stop`` is set, then hand the Message-IDs back."""
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    import uvloop

    recorder = _Recorder(count)
    # uvloop: the sink stands for another machine's mail server, yet runs on the same two cores as
    # the workers; asyncio's own loop cost it a fifth more per message.
    controller = Controller(recorder, hostname="127.0.0.1", port=port, loop=uvloop.new_event_loop())
    controller.start()
    stop.wait()
    controller.stop()
    results.put(recorder.ids)


class SinkProcesses:
    """``n`` aiosmtpd servers, each in its own process on its own port (``ports``): ``received()`` is
    the number of messages accepted so far, ``message_ids()`` (after the block) every Message-ID."""

    def __init__(self, n: int) -> None:
        from bench.notifications_kill import _free_port

        self.context = multiprocessing.get_context("spawn")
        self.ports = [_free_port() for _ in range(n)]
        self.counts = [self.context.Value("q", 0, lock=False) for _ in range(n)]
        self.stop = self.context.Event()
        self.results = self.context.Queue()
        self.processes = [
            self.context.Process(target=_sink_main, args=(port, count, self.stop, self.results), daemon=True)
            for port, count in zip(self.ports, self.counts, strict=True)
        ]
        self.ids: list[str] = []

    def received(self) -> int:
        return sum(count.value for count in self.counts)

    def __enter__(self) -> SinkProcesses:
        for process in self.processes:
            process.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for _process in self.processes:
            self.ids += self.results.get(timeout=120)
        for process in self.processes:
            process.join(timeout=10)


def _members(tag: str, count: int) -> tuple[int, int]:
    """``count`` active members written with COPY; returns their first and last ids."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM accounts_user")
        first = cursor.fetchone()[0] + 1
        columns = (
            "id, password, is_superuser, first_name, last_name, email, is_staff, is_active, date_joined, "
            "point, latitude, longitude, display_name, avatar, bio, availability, language, is_spotter, "
            "is_reporter, is_shaker, is_former, weekly_digest"
        )
        with cursor.copy(f"COPY accounts_user ({columns}) FROM STDIN") as copy:
            for i in range(count):
                copy.write_row(
                    (
                        first + i,
                        "!",
                        False,
                        "",
                        "",
                        f"ncz-{tag}-{i}@example.invalid",
                        False,
                        True,
                        "2026-01-01T00:00:00Z",
                        '{"type": "Point", "coordinates": [2.35, 48.85]}',
                        48.85,
                        2.35,
                        f"Participant {i}",
                        "",
                        "",
                        [],
                        LANGUAGES[i % 3],
                        False,
                        False,
                        False,
                        False,
                        False,
                    )
                )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), (SELECT MAX(id) FROM accounts_user))"
        )
    return first, first + count - 1


def _edition(tag: str, first: int, last: int):
    """An approved edition tomorrow in Paris with every member GOING; returns its J-1 step."""
    from django.db import connection
    from django.utils import timezone

    from civic.places.models import City
    from events.models import RSVP, CityEdition, Event, MobilisationDay, ScheduledStep

    city, _ = City.objects.get_or_create(
        slug="paris",
        defaults={
            "name_fr": "Paris",
            "name_en": "Paris",
            "name_es": "París",
            "country": "FR",
            "timezone": "Europe/Paris",
            "point": {"type": "Point", "coordinates": [2.3522, 48.8566]},
        },
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    day = MobilisationDay.objects.create(
        slug=f"ncz-bench-{tag}",
        date=tomorrow,
        title_fr="Journée NCZ : compost",
        title_en="NCZ Day: compost",
        title_es="Día NCZ: compost",
        registration_opens=tomorrow - timedelta(days=60),
        registration_closes=tomorrow - timedelta(days=1),
        is_published=True,
    )
    starts = timezone.now().replace(microsecond=0) + timedelta(days=1)
    event = Event.objects.create(
        kind="meetup",
        title_fr="Grand compost de Paris",
        title_en="Paris big compost",
        title_es="Gran compost de París",
        city=city,
        place_name="Parc de Belleville",
        point={"type": "Point", "coordinates": [2.385, 48.871]},
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        is_published=True,
    )
    edition = CityEdition.objects.create(
        day=day, event=event, organiser_id=first, status=CityEdition.Status.APPROVED
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO events_rsvp (event_id, member_id, status, guests, queued_at, created_at, updated_at) "
            "SELECT %s, m, %s, 0, now(), now(), now() FROM generate_series(%s, %s) AS m",
            [event.pk, RSVP.Status.GOING, first, last],
        )
    return ScheduledStep.objects.create(day=day, edition=edition, step="participants_j1")


def run(count: int, *, workers: int, keep: bool, timeout: float, log=print) -> dict:
    from django.db.models import Max
    from django.utils import timezone

    from bench.notifications_kill import WorkerProcess, worker_environment
    from civic.celery import app
    from civic.notifications.models import Notification
    from civic.notifications.tasks import message_id
    from events import timeline

    app.conf.task_always_eager = False
    tag = uuid.uuid4().hex[:8]
    started = time.monotonic()
    first, last = _members(tag, count)
    step = _edition(tag, first, last)
    log(f"{count} members and RSVPs written in {time.monotonic() - started:.1f} s")

    log_path = ROOT / "var" / "ncz_reminders-worker.log"
    log_path.unlink(missing_ok=True)
    with SinkProcesses(workers) as sink:
        pool = [
            WorkerProcess(worker_environment(EMAIL_URL=f"smtp://127.0.0.1:{port}"), log_path)
            for port in sink.ports
        ]
        for worker in pool:
            worker.start()
        try:
            time.sleep(3)  # the workers connect to the broker
            load_before = os.getloadavg()
            t0, wall0 = time.monotonic(), timezone.now()
            timeline.run_step(step.pk)  # outbox jobs recorded, published on commit
            t_step = time.monotonic() - t0
            _wait(sink, pool, count, t0 + timeout)
            elapsed = time.monotonic() - t0
            load_after = os.getloadavg()
        finally:
            for worker in pool:
                worker.stop()
    rows = Notification.objects.filter(recipient_id__gte=first, recipient_id__lte=last)
    last_created = rows.aggregate(last=Max("created_at"))["last"]
    created_at = last_created and (last_created - wall0).total_seconds()
    got = Counter(sink.ids)
    expected = {message_id(n) for n in rows.only("pk", "created_at").iterator(chunk_size=10000)}
    result = {
        "count": count,
        "workers": workers,
        "seconds": round(elapsed, 1),
        "per_second": round(sum(got.values()) / elapsed),
        "step_seconds": round(t_step, 1),
        "all_rendered_seconds": created_at and round(created_at, 1),
        "received": sum(got.values()),
        "lost": len(expected - got.keys()),
        "duplicated": sum(n - 1 for n in got.values() if n > 1),
        "languages": dict(Counter(rows.values_list("recipient__language", flat=True).iterator())),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "commit": os.popen(f"git -C {ROOT} rev-parse --short HEAD").read().strip(),
    }
    log(_summary(result))  # before the clean-up, which takes minutes of its own at 1,000,000
    if not keep:
        _cleanup(step, first, last)
    return result


def _summary(result: dict) -> str:
    return (
        f"{result['received']:,} J-1 reminders delivered in {result['seconds']} s "
        f"({result['per_second']:,}/s) with {result['workers']} workers; "
        f"{result['lost']} lost, {result['duplicated']} duplicated; step {result['step_seconds']} s, "
        f"all rendered after {result['all_rendered_seconds']} s; load {result['load_before']} -> "
        f"{result['load_after']}; commit {result['commit']}; languages {result['languages']}"
    )


def _wait(sink: SinkProcesses, pool, count: int, deadline: float) -> None:
    """Until ``count`` messages have arrived (or ``deadline``). It asks the sinks' counters only: a
    query polling the notifications (to time their rendering) cost PostgreSQL a quarter of the two
    cores at 40,000 and grew with the run; that time is read from ``created_at`` afterwards."""
    while time.monotonic() < deadline:
        if sink.received() >= count:
            break
        if not all(w.alive() for w in pool):
            raise RuntimeError(f"a worker exited:\n{pool[0].log_tail()}")
        time.sleep(0.5)


def _cleanup(step, first: int, last: int) -> None:
    """Delete what the run wrote, in plain SQL (Django's cascade would read a million rows first)."""
    from django.db import connection, transaction

    event_id = step.edition.event_id
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, arg in [
            ("DELETE FROM notifications_notification WHERE recipient_id BETWEEN %s AND %s", [first, last]),
            ("DELETE FROM events_scheduledstep WHERE day_id = %s", [step.day_id]),
            ("DELETE FROM events_cityedition WHERE day_id = %s", [step.day_id]),
            ("DELETE FROM events_rsvp WHERE event_id = %s", [event_id]),
            ("DELETE FROM events_event WHERE id = %s", [event_id]),
            ("DELETE FROM events_mobilisationday WHERE id = %s", [step.day_id]),
            # What referenced these members is deleted above: the foreign keys' deferred checks (one
            # per member and referencing table, at commit) took 20 minutes at 1,000,000. The bench
            # server's superuser skips them for this transaction.
            ("SET LOCAL session_replication_role = replica", []),
            ("DELETE FROM accounts_user WHERE id BETWEEN %s AND %s", [first, last]),
        ]:
            cursor.execute(sql, arg)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--keep", action="store_true", help="leave the rows in the database")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings")
    os.environ.setdefault("CIVIC_INSTANCE", "bench")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench.server import configure_postgres

    configure_postgres()
    result = run(args.count, workers=args.workers, keep=args.keep, timeout=args.timeout)
    return 0 if result["lost"] == 0 and result["duplicated"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
