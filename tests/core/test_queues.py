"""Mail, bulk and default queues; one beat schedules even when two are started."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from civic.accounts.tasks import send_account_email
from civic.celery import app
from civic.core import outbox
from civic.core.models import OutboxJob
from events.tasks import notify_batch


@pytest.fixture
def redis_client():
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        client.delete("default", "mail", "bulk")
        yield client
        client.delete("default", "mail", "bulk")


@pytest.mark.django_db
def test_outbox_jobs_take_their_tasks_queue_from_the_routes():
    reset = outbox.enqueue(send_account_email, 1)
    batch = outbox.enqueue(notify_batch, [1, 2], "kind", {}, "/", "key")
    sweep = outbox.enqueue("civic.core.tasks.sweep_outbox")
    forced = outbox.enqueue(send_account_email, 1, queue="bulk")
    assert list(
        OutboxJob.objects.filter(pk__in=[reset.pk, batch.pk, sweep.pk, forced.pk])
        .order_by("pk")
        .values_list("queue", flat=True)
    ) == ["mail", "bulk", "", "bulk"]


@pytest.mark.django_db
def test_a_password_reset_email_does_not_queue_behind_a_big_send(redis_client):
    app.conf.task_always_eager = False
    try:
        for _ in range(20):
            app.tasks["events.tasks.notify_batch"].apply_async(args=[[1], "k", {}, "/", "d"])
        outbox.dispatch([outbox.enqueue(send_account_email, 1).pk])
    finally:
        app.conf.task_always_eager = True
    assert redis_client.llen("bulk") == 20
    assert redis_client.llen("mail") == 1  # first in its own line: a mail worker takes it now


def _start_beat(tmp_path, name):
    db = settings.DATABASES["default"]
    url = f"postgresql://{db['USER']}:@/{db['NAME']}?host={db['OPTIONS']['host']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        "OUTBOX_SWEEP_SECONDS": "1",
        "BEAT_LOCK_RETRY_SECONDS": "0.5",
        "DJANGO_SETTINGS_MODULE": "civic.settings",
    }
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "civic", "beat", "--loglevel=INFO", "--pidfile="],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process


def _sweep_origins(client) -> list[str]:
    """The publishers ("gen<pid>@host") of the outbox sweeps waiting in the default queue."""
    origins = []
    for raw in client.lrange("default", 0, -1):
        headers = json.loads(raw)["headers"]
        if headers["task"] == "civic.core.tasks.sweep_outbox":
            origins.append(headers["origin"].split("@")[0])
    return origins


@pytest.mark.django_db(transaction=True)
def test_a_second_beat_waits_for_the_first_and_takes_over_when_it_stops(tmp_path, redis_client):
    connection.close()  # the beats write their schedule into the test database too
    first = _start_beat(tmp_path, "first")
    second = third = None
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(_sweep_origins(redis_client)) < 1:
            time.sleep(0.2)
        second = _start_beat(tmp_path, "second")
        second_log = tmp_path / "second.log"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "another celery beat holds" not in second_log.read_text():
            time.sleep(0.2)
        redis_client.delete("default")
        time.sleep(5)  # both run now: the second must be waiting, not sending
        while_both_ran = _sweep_origins(redis_client)

        first.send_signal(signal.SIGTERM)
        first.wait(timeout=15)
        redis_client.delete("default")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and len(_sweep_origins(redis_client)) < 2:
            time.sleep(0.2)
        after_the_first_stopped = _sweep_origins(redis_client)

        # A waiting beat stops when asked, without ever having scheduled.
        third = _start_beat(tmp_path, "third")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "this one waits" not in (tmp_path / "third.log").read_text():
            time.sleep(0.2)
        third.send_signal(signal.SIGTERM)
        third_exit = third.wait(timeout=10)
    finally:
        for process in (first, second, third):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()

    assert "another celery beat holds the schedule lock" in second_log.read_text()
    assert len(while_both_ran) >= 3  # about one a second
    assert set(while_both_ran) == {f"gen{first.pid}"}
    assert len(after_the_first_stopped) >= 2
    assert set(after_the_first_stopped) == {f"gen{second.pid}"}
    assert third_exit == 0
    assert "Sending due task" not in (tmp_path / "third.log").read_text()
