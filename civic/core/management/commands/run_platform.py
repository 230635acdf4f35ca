"""``make run``: one process that supervises the web server, a Celery worker and beat.

Embedded PostgreSQL and Redis are started by settings when their URLs are unset; this process
holds them and passes their URLs to its children, and stops them when it exits (Ctrl-C).
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from civic import embedded
from civic.core.demo import DEMO_PASSWORD, LOGINS


class Command(BaseCommand):
    help = "Migrate, seed demo content, then run web + Celery worker + beat until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-seed", action="store_true")

    def handle(self, *args, addr, no_seed, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not no_seed:
            call_command("seed_demo")
        env = {**os.environ, "DATABASE_URL": settings.DATABASE_URL, "REDIS_URL": settings.REDIS_URL}
        # Links in emails point where this platform answers, unless SITE_URL says otherwise.
        env.setdefault("SITE_URL", f"http://{addr}")
        python = sys.executable
        children = [
            subprocess.Popen([python, "manage.py", "runserver", addr, "--noreload"], env=env),
            subprocess.Popen(
                [python, "-m", "celery", "-A", "civic", "worker", "--loglevel=INFO", "--concurrency=2"]
                # Every queue (settings.CELERY_TASK_QUEUES): one worker does it all on one machine.
                + ["-Q", "default,mail,bulk"],
                env=env,
            ),
            subprocess.Popen([python, "-m", "celery", "-A", "civic", "beat", "--loglevel=INFO"], env=env),
        ]
        self.stdout.write(self.style.SUCCESS(f"\nCivic is running at http://{addr}/"))
        self.stdout.write(f"Admin: http://{addr}/admin/")
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for email, _name, role in LOGINS:
            self.stdout.write(f"  {role:<12} {email}")
        self.stdout.write("Press Ctrl-C to stop everything.\n")
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(c.poll() is None for c in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
            embedded.stop_redis_if_started_here(os.environ.get("CIVIC_INSTANCE", "dev"))
            self.stdout.write("Stopped. Data stays under var/; run `make run` again to continue.")
