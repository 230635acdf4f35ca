"""Celery tasks: event reminders and the NCZ Day timeline. Thin wrappers around ``events.timeline``.

Every task takes ids, is idempotent and may run twice (beat twice, a redelivered message after a worker
died): steps are claimed through a unique row and each message carries a ``dedupe_key``.
"""

from __future__ import annotations

from celery import shared_task

from events import timeline


@shared_task
def run_timeline() -> int:
    """Beat entry point (every few minutes): claim and enqueue every NCZ Day step that is due."""
    return timeline.schedule_due_steps()


@shared_task
def run_step(step_id: int) -> None:
    timeline.run_step(step_id)


@shared_task
def notify_batch(member_ids: list[int], kind: str, context: dict, url: str, dedupe_key: str) -> int:
    """Notify a chunk of members (at most ``timeline.BATCH_SIZE`` ids per task)."""
    return timeline.notify_members(member_ids, kind, context, url=url, dedupe_key=dedupe_key)


@shared_task
def send_attendees_message(entry_id: int) -> int:
    """Split an organiser's recorded message into ``notify_batch`` jobs (``services.attendees_message``)."""
    from events.services import attendees_message_dispatch

    return attendees_message_dispatch(entry_id)


@shared_task
def send_event_reminders() -> int:
    """Beat: the day-before reminder and the "how was it?" message of ordinary events."""
    return timeline.event_reminders()
