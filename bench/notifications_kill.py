"""1,000 notifications through one Celery worker that is SIGKILLed during delivery: lost / duplicated.

The scenario on real parts: a ``celery -A civic worker --pool prefork --concurrency 1`` started as a separate
process group against this instance's PostgreSQL and Redis, emailing to an SMTP server (aiosmtpd) running in
this process that records each message's Message-ID. Notifications are created with ``notify_many()`` in
batches of 50 (one batch task each); when 1/6, 2/6 … 5/6 of them have been received, the worker's main and
pool processes are SIGKILLed together and a new worker is started. Whatever the killed workers left (the
rest of the batch each one held, the email each one had claimed) is sent by ``sweep_pending_notifications``,
dispatched to the worker whenever delivery stalls, with a short ``NOTIFICATION_CLAIM_STALE_SECONDS``.

Lost: a notification whose Message-ID never reached the SMTP server. Duplicated: messages received beyond
one per notification (allowed: at most one per kill, when the kill falls between the server's acceptance
and the commit of "sent").

Usage (the bench instance, migrated by the script; ``CIVIC_INSTANCE=dev`` for make run's)::

    .venv/bin/python bench/notifications_kill.py [--count 1000] [--kills 5] [--stale 2]

``tests/notifications/test_worker_kill.py`` runs the same scenario inside the suite (3 kills).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BATCH = 50


class SmtpSink:
    """An SMTP server (aiosmtpd) on a free localhost port, in a thread of this process, recording the
    Message-ID of every message it accepts (``accepted``) or refuses (``refused``).

    ``refuse_next = n`` answers the next n messages with a temporary error (451), as a busy server does.
    ``hold`` (a ``threading.Event``) keeps each message's DATA waiting until the event is set, so a test
    can hold a sender in the middle of a send; ``arrived`` is set when a message's DATA has come in."""

    def __init__(self) -> None:
        self.accepted: list[str] = []
        self.refused: list[str] = []
        self.refuse_next = 0
        self.hold: threading.Event | None = None
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        self.port = _free_port()
        self._controller = None

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        message_id = BytesHeaderParser().parsebytes(envelope.content)["Message-ID"]
        self.arrived.set()
        if self.hold is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.hold.wait, 30)
        with self._lock:
            if self.refuse_next:
                self.refuse_next -= 1
                self.refused.append(message_id)
                return "451 4.3.0 Try again later"
            self.accepted.append(message_id)
        return "250 OK"

    def received(self) -> list[str]:
        with self._lock:
            return list(self.accepted)

    def __enter__(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.hold is not None:
            self.hold.set()
        self._controller.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_environment(**extra: str) -> dict[str, str]:
    """The environment for a worker process that uses this process's database (the test database while
    a test runs), Redis and mail settings, with ``extra`` on top."""
    from django.conf import settings

    database = settings.DATABASES["default"]["NAME"]
    return {
        **os.environ,
        # Same server (the embedded one's Unix socket), the database this process is using right now.
        "DATABASE_URL": urlsplit(settings.DATABASE_URL)._replace(path=f"/{database}").geturl(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "SITE_URL": settings.SITE_URL,
        "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,
        "DJANGO_DEBUG": "0",
        # DEBUG off is production to the settings, which then refuse to start without a real key
        # and a host list: a throw-away key (the worker signs nothing the test reads back).
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": os.environ.get("DJANGO_ALLOWED_HOSTS") or "127.0.0.1,localhost",
        **extra,
    }


class WorkerProcess:
    """``celery -A civic worker --pool prefork --concurrency 1`` in its own process group, so that a kill
    reaches its main and pool processes and nothing else."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        celery = Path(sys.executable).with_name("celery")
        command = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [
                    *command,
                    *("-A", "civic", "worker", "--pool", "prefork", "--concurrency", "1"),
                    *("--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"),
                    *("--hostname", f"kill-{os.getpid()}-{self.starts}@%h"),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the main and pool processes at once (the process group this object started)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class KillResult:
    notifications: int
    kills: int
    other_exits: int  # worker exits this scenario did not cause (a signal from elsewhere, a crash)
    received: int  # messages the SMTP server accepted for these notifications
    lost: int  # notifications whose Message-ID never arrived
    duplicated: int  # messages beyond one per notification
    not_sent: int  # rows not in state "sent" at the end
    seconds: float


def _queued_tasks() -> int:
    """Messages waiting in Celery's default queue (not those a worker holds unacknowledged)."""
    from kombu.exceptions import ChannelError

    from civic.celery import app

    with app.connection_for_write() as conn:
        try:
            return conn.default_channel.queue_declare(app.conf.task_default_queue, passive=True).message_count
        except ChannelError:  # Redis drops an empty list: no queue is an empty queue
            return 0


@contextmanager
def _dispatching_to_the_broker() -> Iterator[None]:
    """The test suite runs tasks eagerly; this scenario needs them on the broker, for the worker."""
    from civic.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


def run_kill_scenario(
    *,
    count: int,
    kill_after: list[int],
    log_path: Path,
    stale_seconds: int = 2,
    timeout: float = 120,
    cleanup: bool = False,
    log: Callable[[str], None] = lambda line: None,
) -> KillResult:
    """Create ``count`` notifications, deliver them through a worker killed once when each number of
    ``kill_after`` messages has been received, sweep until every row is sent (or ``timeout``), and count.
    ``cleanup`` deletes the members (and so the notifications) it created."""
    from civic.accounts.models import User
    from civic.notifications.models import Notification
    from civic.notifications.services import notify_many
    from civic.notifications.tasks import message_id, sweep_pending_notifications

    started = time.monotonic()
    tag = uuid.uuid4().hex[:8]
    members = [
        User.objects.create_user(email=f"kill-{tag}-{i}@example.invalid", display_name=f"Kill {i}")
        for i in range(BATCH)
    ]
    thresholds = sorted(kill_after)
    kills = other_exits = 0
    try:
        with SmtpSink() as sink, _dispatching_to_the_broker():
            worker = WorkerProcess(
                worker_environment(
                    EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
                    NOTIFICATION_CLAIM_STALE_SECONDS=str(stale_seconds),
                ),
                log_path,
            )
            worker.start()
            try:
                for batch in range(-(-count // BATCH)):
                    size = min(BATCH, count - batch * BATCH)
                    notify_many(
                        members[:size],
                        "accounts.followed",
                        {"follower_name": f"Kill bench {batch}"},
                        dedupe_key=f"kill-{tag}-{batch}",
                    )
                rows = Notification.objects.filter(recipient__in=members)
                expected = {message_id(n) for n in rows.only("pk", "created_at")}
                assert len(expected) == count, "notify_many created fewer rows than asked"
                log(f"{count} notifications created, {time.monotonic() - started:.1f} s")

                last_progress, progress_at, next_db_check = 0, time.monotonic(), 0.0
                while time.monotonic() - started < timeout:
                    delivered = len(expected.intersection(sink.received()))
                    if thresholds and delivered >= thresholds[0]:
                        worker.kill()
                        kills += 1
                        log(f"{time.monotonic() - started:.1f} s: kill {kills} after {delivered} delivered")
                        thresholds.pop(0)
                        worker.start()
                        continue
                    if not worker.alive():
                        # Not our kill (another program signalled it, or it crashed): counted, and
                        # replaced like a killed one, a few times at most.
                        other_exits += 1
                        log(f"{time.monotonic() - started:.1f} s: the worker exited by itself")
                        if other_exits > 3:
                            raise RuntimeError(f"the worker keeps exiting:\n{worker.log_tail()}")
                        worker.start()
                        continue
                    if delivered != last_progress:
                        last_progress, progress_at = delivered, time.monotonic()
                    if not thresholds and time.monotonic() >= next_db_check:
                        next_db_check = time.monotonic() + 0.5
                        if not rows.exclude(email_status=Notification.EmailStatus.SENT).exists():
                            break
                    if time.monotonic() - progress_at > stale_seconds + 1 and not _queued_tasks():
                        # Delivery stalled: what is left was held by killed workers (their batch
                        # messages stay unacknowledged in Redis for an hour). Beat's job, sooner.
                        log(f"{time.monotonic() - started:.1f} s: stalled at {delivered}, queue empty: sweep")
                        sweep_pending_notifications.apply_async(kwargs={"older_than_seconds": 0})
                        progress_at = time.monotonic()
                    time.sleep(0.01)
            finally:
                worker.stop()
            received = Counter(mid for mid in sink.received() if mid in expected)
            return KillResult(
                notifications=count,
                kills=kills,
                other_exits=other_exits,
                received=sum(received.values()),
                lost=len(expected - received.keys()),
                duplicated=sum(n - 1 for n in received.values()),
                not_sent=rows.exclude(email_status=Notification.EmailStatus.SENT).count(),
                seconds=round(time.monotonic() - started, 1),
            )
    finally:
        if cleanup:
            User.objects.filter(pk__in=[m.pk for m in members]).delete()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument(
        "--stale", type=int, default=2, help="NOTIFICATION_CLAIM_STALE_SECONDS of the workers"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings")
    os.environ.setdefault("CIVIC_INSTANCE", "bench")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    kill_after = [args.count * (i + 1) // (args.kills + 1) for i in range(args.kills)]
    log_path = ROOT / "var" / "notifications_kill-worker.log"
    log_path.unlink(missing_ok=True)
    result = run_kill_scenario(
        count=args.count,
        kill_after=kill_after,
        log_path=log_path,
        stale_seconds=args.stale,
        timeout=600,
        cleanup=True,
        log=print,
    )
    print(
        f"{result.notifications} notifications, {result.kills} SIGKILLs of the worker: "
        f"{result.lost} lost, {result.duplicated} duplicated "
        f"({result.received} messages received, {result.not_sent} rows not sent, {result.seconds} s)"
    )
    if result.other_exits:
        print(f"(the worker also exited {result.other_exits} times without being killed by this script)")
    ok = result.duplicated <= result.kills + result.other_exits
    return 0 if ok and result.lost == 0 and result.not_sent == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
