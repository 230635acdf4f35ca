"""Load-balancer probes (/healthz, /readyz) and the Prometheus endpoint (/metrics)."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civic.celery import app
from civic.core import health


def test_healthz_answers_without_the_database_a_session_or_a_known_host(client):
    # No django_db mark: any database access would raise. Load balancers probe nodes by IP
    # address, which ALLOWED_HOSTS does not list.
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_reports_database_migrations_and_redis(client):
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "ready": True,
        "database": "ok",
        "migrations": "ok",
        "redis": "ok",
    }
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_checks_migrations_once_then_only_pings_the_database(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    client.get("/readyz")
    with CaptureQueriesContext(connection) as queries:
        client.get("/readyz")
    assert [q["sql"] for q in queries] == ["SELECT 1"]


@pytest.mark.django_db
def test_readyz_stays_ready_but_degraded_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing answers there
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content)["redis"] == "degraded"


def test_metrics_are_hidden_from_addresses_outside_the_allow_list(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404


def test_metrics_need_the_token_when_one_is_set(client, settings):
    settings.METRICS_TOKEN = "s3cret"
    assert client.get("/metrics").status_code == 404  # loopback alone is not enough then
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200


@pytest.mark.django_db
def test_metrics_report_request_latency_by_view(client):
    client.get("/fr/")
    body = client.get("/metrics").content.decode()
    assert re.search(
        r'civic_http_request_duration_seconds_count\{method="GET",status="200",view="home"\} \d', body
    )


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_metrics_report_the_length_of_each_celery_queue(client):
    with app.connection_for_write() as conn:
        for queue in ("default", "mail", "bulk"):
            conn.default_channel.client.delete(queue)
    try:
        for _ in range(3):
            app.send_task("civic.core.tasks.sweep_outbox", queue="bulk")  # published, nobody consumes
        body = client.get("/metrics").content.decode()
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete("bulk")
    assert 'civic_celery_queue_length{queue="bulk"} 3.0' in body
    assert 'civic_celery_queue_length{queue="mail"} 0.0' in body
    assert "civic_celery_broker_up 1.0" in body


def test_metrics_add_up_every_gunicorn_worker_in_multiprocess_mode(tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR (several gunicorn workers), /metrics reads every worker's files."""
    script = (
        "import django; django.setup();"
        "from django.test import Client; c = Client();"
        "c.get('/healthz'); c.get('/fr/no-such-page/');"
        "print(c.get('/metrics').content.decode())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civic.settings",
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=settings.BASE_DIR,
    )
    assert list(tmp_path.glob("histogram_*.db"))  # the worker's samples are in shared files
    assert re.search(
        r'civic_http_request_duration_seconds_count\{[^}]*status="404"[^}]*\} 1\.0', result.stdout
    )
