from django.conf import settings

from civic.celery import app


def test_every_periodic_task_names_a_registered_task():
    app.loader.import_default_modules()
    missing = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] not in app.tasks]
    assert missing == []


def test_the_weekly_digest_and_the_outbox_sweep_are_scheduled():
    tasks = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "civic.core.tasks.send_weekly_digests",
        "civic.notifications.tasks.sweep_pending_notifications",
    } <= tasks
