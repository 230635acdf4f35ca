"""Celery tasks: thin, idempotent, taking ids. A database hiccup (lock timeout, failover) retries;
running a task again never changes more than the first run did (the services check the state
under a row lock)."""

from celery import shared_task
from django.db import OperationalError

from crowdfunding import services

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}


@shared_task(**RETRY)
def close_due_campaigns() -> int:
    """Beat: close every open campaign past its deadline (running it twice changes nothing)."""
    return services.close_due_campaigns()


@shared_task(**RETRY)
def close_campaign(campaign_id: int) -> bool:
    return services.campaign_close(campaign_id=campaign_id)
