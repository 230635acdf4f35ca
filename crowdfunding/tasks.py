"""Celery tasks: thin, idempotent, taking ids."""

from celery import shared_task

from crowdfunding import services


@shared_task(acks_late=True)
def close_due_campaigns() -> int:
    """Beat: close every open campaign past its deadline (running it twice changes nothing)."""
    return services.close_due_campaigns()


@shared_task(acks_late=True)
def close_campaign(campaign_id: int) -> bool:
    return services.campaign_close(campaign_id=campaign_id)
