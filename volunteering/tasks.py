"""Celery tasks: thin, idempotent wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


@shared_task
def send_slot_reminders() -> int:
    """Beat, hourly: remind volunteers the day before their slot (each participation once)."""
    from volunteering.services import reminders_send

    return reminders_send()


@shared_task
def send_slot_message(entry_id: int) -> int:
    """Split a recorded slot message (``services.slot_message``) into batch jobs."""
    from volunteering.services import slot_message_dispatch

    return slot_message_dispatch(entry_id)


@shared_task
def notify_slot_message_batch(entry_id: int, member_ids: list[int]) -> int:
    """Notify one batch of a slot's volunteers of a recorded message (idempotent: dedupe key)."""
    from volunteering.services import slot_message_notify

    return slot_message_notify(entry_id, member_ids)


@shared_task
def fill_from_waiting_list(slot_id: int) -> int:
    """After a capacity change: promote waiting volunteers into the free places (idempotent)."""
    from volunteering.services import slot_fill_from_waiting_list

    return slot_fill_from_waiting_list(slot_id=slot_id)


@shared_task
def send_recommendation(
    recommendation_id: int, recipients: list[str], message: str, language: str = "fr"
) -> int:
    """Email a recommendation to people who may not be members. The addresses exist only in this
    task's arguments (and its outbox row until it has run). Returns how many this run sent.

    Idempotent: each address is claimed (``emailed_count`` moved past it by one conditional UPDATE,
    committed) *before* SMTP is spoken to, so a second run, sequential or concurrent, finds it taken
    and sends nothing more. A send that raises hands its claim back and raises, so the outbox retries
    from that address. A worker killed between the claim and the send loses that one email: a
    stranger never gets the same recommendation twice."""
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
    rows = Recommendation.objects.filter(pk=recommendation.pk)
    sent = 0
    for index in range(recommendation.emailed_count, len(recipients)):
        if not rows.filter(emailed_count=index).update(emailed_count=index + 1):
            break  # another run is at this address or past it: the rest is its to send
        try:
            EmailMessage(subject=subject, body=body, to=[recipients[index]]).send()
        except Exception:
            rows.filter(emailed_count=index + 1).update(emailed_count=index)
            raise
        sent += 1
    return sent
