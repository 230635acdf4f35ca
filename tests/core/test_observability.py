"""Request ids (in responses, logs and the Celery tasks a request publishes), task outcome metrics
and JSON logs."""

import json
import os
import subprocess
import sys
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from civic.celery import app
from civic.core.observability import TASK_OUTCOMES_KEY, current_request_id, request_id_var

seen_in_task: list[str] = []


@app.task(name="tests.core.record_request_id")
def record_request_id() -> None:
    seen_in_task.append(current_request_id())


@app.task(name="tests.core.fails_on_purpose")
def always_fails() -> None:
    raise ValueError("on purpose")


@pytest.mark.django_db
def test_a_response_carries_the_load_balancers_request_id(client):
    response = client.get("/fr/", HTTP_X_REQUEST_ID="lb-1234")
    assert response.headers["X-Request-ID"] == "lb-1234"


@pytest.mark.django_db
def test_a_request_without_an_id_or_with_a_strange_one_gets_a_fresh_id(client):
    plain = client.get("/fr/").headers["X-Request-ID"]
    strange = client.get("/fr/", HTTP_X_REQUEST_ID="<script>\n").headers["X-Request-ID"]
    assert len(plain) == 32 and len(strange) == 32 and plain != strange


@pytest.mark.django_db(transaction=True)
def test_a_task_published_during_a_request_logs_under_that_request_id_in_a_real_worker():
    seen_in_task.clear()
    with app.connection_for_write() as conn:
        conn.default_channel.client.delete(TASK_OUTCOMES_KEY)
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            token = request_id_var.set("req-abc")  # what RequestIdMiddleware does for a request
            try:
                record_request_id.delay()
            finally:
                request_id_var.reset(token)
            always_fails.delay()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not seen_in_task:
                time.sleep(0.1)
            with app.connection_for_write() as conn:
                client = conn.default_channel.client
                while time.monotonic() < deadline and not client.hget(
                    TASK_OUTCOMES_KEY, "tests.core.fails_on_purpose|failed"
                ):
                    time.sleep(0.1)
                counts = client.hgetall(TASK_OUTCOMES_KEY)
    finally:
        app.conf.task_always_eager = True
    assert seen_in_task == ["req-abc"]
    assert counts[b"tests.core.record_request_id|succeeded"] == b"1"
    assert counts[b"tests.core.fails_on_purpose|failed"] == b"1"


def test_log_format_json_writes_one_json_object_per_line_with_the_request_id():
    script = (
        "import django, logging; django.setup();"
        "from civic.core.observability import request_id_var;"
        "request_id_var.set('req-42');"
        "logging.getLogger('civic.test').warning('hello %s', 'world')"
    )
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "civic.settings"}
    env.update(DATABASE_URL=settings.DATABASE_URL, REDIS_URL=settings.REDIS_URL)
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=settings.BASE_DIR,
    )
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert {
        "message": "hello world",
        "request_id": "req-42",
        "level": "WARNING",
        "logger": "civic.test",
    }.items() <= (lines[-1].items())
