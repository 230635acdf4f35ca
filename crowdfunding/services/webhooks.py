"""The payment provider's webhooks (Stripe), turned into pledge transitions."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from crowdfunding.models import (
    Pledge,
)
from crowdfunding.services.pledges import pledge_transition

logger = logging.getLogger(__name__)


# --- Payment provider webhooks -------------------------------------------------------------


def stripe_event_handle(event: dict) -> str:
    """Apply one verified Stripe event. Its id is stored under a unique constraint in the same
    transaction, so a replay is a no-op; pledges only move forward, so an event arriving out of
    order never takes a pledge back or counts it twice. Returns what happened (for the log)."""
    from crowdfunding.models import WebhookEvent
    from crowdfunding.payments.stripe import EVENT_STATUS, pledge_reference

    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    provider="stripe", event_id=str(event["id"])[:255], type=str(event["type"])[:80]
                )
        except IntegrityError:
            return "duplicate"
        to = EVENT_STATUS.get(event["type"])
        if to is None:
            return "ignored"
        pledge_id, intent = pledge_reference(event)
        pledge = None
        if pledge_id is not None:
            pledge = Pledge.objects.filter(pk=pledge_id, gateway="stripe").first()
        if pledge is None and intent:
            pledge = Pledge.objects.filter(external_id=intent, gateway="stripe").first()
        if pledge is None:
            logger.warning("stripe event %s: no matching pledge", event["id"])
            return "unknown"
        obj = (event.get("data") or {}).get("object") or {}
        amount = obj.get("amount_total", obj.get("amount"))
        if event["type"].startswith(("checkout.session.completed", "payment_intent.")) and amount is not None:
            if int(amount) != pledge.amount_cents:
                logger.warning(
                    "stripe event %s: amount %s differs from pledge %s", event["id"], amount, pledge.pk
                )
                return "amount_mismatch"
        if intent and pledge.external_id != intent:
            Pledge.objects.filter(pk=pledge.pk).update(external_id=intent)
        moved = pledge_transition(
            pledge_id=pledge.pk, to=to, source=f"webhook:{str(event['id'])[:30]}", data={"event": event["id"]}
        )
        return "applied" if moved else "stale"
