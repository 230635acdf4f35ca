"""Celery tasks: thin, idempotent wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


@shared_task(acks_late=True)
def send_slot_reminders() -> int:
    """Beat, hourly: remind volunteers the day before their slot (each participation once)."""
    from volunteering.services import reminders_send

    return reminders_send()


@shared_task(acks_late=True)
def send_slot_message(entry_id: int) -> int:
    """Split a recorded slot message (``services.slot_message``) into batch jobs."""
    from volunteering.services import slot_message_dispatch

    return slot_message_dispatch(entry_id)


@shared_task(acks_late=True)
def notify_slot_message_batch(entry_id: int, member_ids: list[int]) -> int:
    """Notify one batch of a slot's volunteers of a recorded message (idempotent: dedupe key)."""
    from volunteering.services import slot_message_notify

    return slot_message_notify(entry_id, member_ids)


@shared_task(acks_late=True)
def fill_from_waiting_list(slot_id: int) -> int:
    """After a capacity change: promote waiting volunteers into the free places (idempotent)."""
    from volunteering.services import slot_fill_from_waiting_list

    return slot_fill_from_waiting_list(slot_id=slot_id)


@shared_task(acks_late=True)
def send_recommendation(
    recommendation_id: int, recipients: list[str], message: str, language: str = "fr"
) -> int:
    """Email a recommendation to people who may not be members. The addresses exist only in this
    task's arguments (and its outbox row until it has run). Idempotent: each address is counted as
    emailed right after it is sent, so a retry or a second run starts after the ones already sent."""
    from volunteering.models import Recommendation

    recommendation = (
        Recommendation.objects.select_related("sender", "mission__organization")
        .filter(pk=recommendation_id)
        .first()
    )
    if recommendation is None:
        return 0
    with translation.override(language):
        context = {
            "sender_name": recommendation.sender.public_name,
            "mission": recommendation.mission,
            "message": message,
            "url": settings.SITE_URL + recommendation.mission.get_absolute_url(),
        }
        subject = " ".join(render_to_string("volunteering/email/recommendation_subject.txt", context).split())
        body = render_to_string("volunteering/email/recommendation_body.txt", context)
    sent = 0
    for index in range(recommendation.emailed_count, len(recipients)):
        EmailMessage(subject=subject, body=body, to=[recipients[index]]).send()
        Recommendation.objects.filter(pk=recommendation.pk, emailed_count=index).update(
            emailed_count=index + 1
        )
        sent += 1
    return sent
