"""Celery application: Redis broker, JSON only, late acks, time limits, beat schedules in the database."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings")

# Every task shares one retry policy: civic/core/taskbase.py.
app = Celery("civic", task_cls="civic.core.taskbase:CivicTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Request ids into tasks and task outcomes into metrics (civic.core.observability).
from civic.core.observability import connect_celery_signals  # noqa: E402

connect_celery_signals()
