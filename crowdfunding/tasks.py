"""Celery tasks: thin, idempotent, taking ids. A database hiccup (lock timeout, failover) retries
(the kernel's policy, ``civic.core.taskbase``); running a task again never changes more than the
first run did (the services check the state under a row lock)."""

from celery import shared_task

from crowdfunding import services


@shared_task
def close_due_campaigns() -> int:
    """Beat: close every open campaign past its deadline (running it twice changes nothing)."""
    return services.close_due_campaigns()


@shared_task
def close_campaign(campaign_id: int) -> bool:
    return services.campaign_close(campaign_id=campaign_id)


@shared_task
def pledge_settle_with_provider(pledge_id: int, action: str) -> bool:
    """After a campaign closed: capture, cancel or refund the pledge at its provider, once."""
    return services.pledge_settle(pledge_id=pledge_id, action=action)


@shared_task
def send_project_update(update_id: int) -> int:
    """Split a posted project update's audience into batch jobs."""
    return services.project_update_dispatch(update_id)


@shared_task
def notify_project_update_batch(update_id: int, member_ids: list[int]) -> int:
    return services.project_update_notify(update_id, member_ids)


@shared_task
def notify_campaign_end(campaign_id: int) -> int:
    """After a closing: tell holders, partners and time contributors how it ended (once each)."""
    return services.campaign_end_notify(campaign_id)


@shared_task
def notify_campaign_receipts(campaign_id: int, pledge_ids: list[int]) -> int:
    """After a closing: one batch of backers' receipts (once each)."""
    return services.campaign_receipts_notify(campaign_id, pledge_ids)
