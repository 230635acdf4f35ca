"""``civic.settings`` without the feature apps named in ``CIVIC_WITHOUT_APPS`` (comma-separated):
the platform as someone who does not install an app runs it (tests/core/test_optional_apps.py)."""

import os

from civic.settings import *  # noqa: F403
from civic.settings import CELERY_BEAT_SCHEDULE, CELERY_TASK_ROUTES, INSTALLED_APPS

WITHOUT_APPS = {name for name in os.environ.get("CIVIC_WITHOUT_APPS", "").split(",") if name}


def _kept(task: str) -> bool:
    return task.split(".")[0] not in WITHOUT_APPS


INSTALLED_APPS = [name for name in INSTALLED_APPS if name not in WITHOUT_APPS]
CELERY_BEAT_SCHEDULE = {key: entry for key, entry in CELERY_BEAT_SCHEDULE.items() if _kept(entry["task"])}
CELERY_TASK_ROUTES = {task: route for task, route in CELERY_TASK_ROUTES.items() if _kept(task)}
