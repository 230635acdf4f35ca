"""The site under gunicorn as in production (DEBUG off, whitenoise, compressed static, cached templates),
for ``make bench`` and ``make lighthouse``: measured figures must come from the server people meet, not
from ``runserver`` (DEBUG, static files read and sent uncompressed by Django)."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# The bench server set as a production one is for write-heavy days (an NCZ Day's million reminders
# write about 5 GB of WAL): with initdb's max_wal_size (1 GB) PostgreSQL checkpoints every ~0.5 GB and
# writes each page whole again after each checkpoint. README "Deploying" asks the same of production.
POSTGRES_SETTINGS = {"max_wal_size": "8GB", "checkpoint_timeout": "15min"}


def configure_postgres() -> None:
    """Apply :data:`POSTGRES_SETTINGS` to the server of Django's default database (reloaded, no
    restart: neither needs one)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for name, value in POSTGRES_SETTINGS.items():
            cursor.execute(f"ALTER SYSTEM SET {name} = %s", [value])
        cursor.execute("SELECT pg_reload_conf()")


def start_gunicorn(
    database_url: str, redis_url: str, *, port: int, secret_key: str, extra_env: dict | None = None
) -> subprocess.Popen:
    """gunicorn 2 workers × 2 threads on 127.0.0.1:``port``, once ``/healthz`` answers."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "i18n_compile"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "civic.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
            # Each worker listens on its own socket and the kernel spreads new connections between
            # them: on a shared socket, the worker that wakes first took all of a client's keep-alive
            # connections at once, and one core served the run (throughput halved, run to run).
            "--reuse-port",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    sys.exit("gunicorn did not start")
