"""Stripe Checkout + webhooks, without the ``stripe`` package (standard library only).

Checkout sessions are created with a manual capture (the card is authorised when the backer pays,
captured when the campaign is funded, cancelled when it fails). Webhooks are verified with Stripe's
scheme: header ``Stripe-Signature: t=<unix time>,v1=<hex>``, where ``v1`` is the HMAC-SHA256 of
``f"{t}.{payload}"`` with the endpoint secret; events older than the tolerance are refused.

Note: card authorisations expire after about 7 days at Stripe, shorter than a 90-day campaign; a
late capture then fails and the pledge becomes ``failed`` (see README known limits).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from crowdfunding.models import PledgeStatus
from crowdfunding.payments.base import PaymentGateway, PaymentUnavailable

logger = logging.getLogger(__name__)

SIGNATURE_TOLERANCE_SECONDS = 300

# Which pledge state each Stripe event moves to (services only ever move forward).
EVENT_STATUS = {
    "checkout.session.completed": PledgeStatus.AUTHORISED,
    "payment_intent.amount_capturable_updated": PledgeStatus.AUTHORISED,
    "payment_intent.succeeded": PledgeStatus.COLLECTED,
    "payment_intent.canceled": PledgeStatus.RELEASED,
    "payment_intent.payment_failed": PledgeStatus.FAILED,
    "checkout.session.expired": PledgeStatus.FAILED,
    "charge.refunded": PledgeStatus.REFUNDED,
}


class SignatureError(ValueError):
    """The webhook is unsigned, badly signed or too old."""


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header value for ``payload`` (used by tests and local tools)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    digest = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def verify_signature(
    payload: bytes, header: str | None, secret: str, *, tolerance: int = SIGNATURE_TOLERANCE_SECONDS, now=None
) -> None:
    """Raise ``SignatureError`` unless ``header`` carries a valid, recent v1 signature of ``payload``."""
    if not secret:
        raise SignatureError("webhook secret not configured")
    if not header:
        raise SignatureError("missing Stripe-Signature header")
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _eq, value = part.strip().partition("=")
        if key == "t":
            timestamp = value
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not timestamp.isdigit() or not signatures:
        raise SignatureError("malformed Stripe-Signature header")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > tolerance:
        raise SignatureError("timestamp outside the tolerance window")
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + payload, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise SignatureError("signature mismatch")


def parse_event(payload: bytes) -> dict:
    event = json.loads(payload.decode("utf-8"))
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise ValueError("not a Stripe event")
    return event


def pledge_reference(event: dict) -> tuple[int | None, str]:
    """(pledge id from metadata, payment intent id) found in an event's object."""
    obj = (event.get("data") or {}).get("object") or {}
    metadata = obj.get("metadata") or {}
    raw = metadata.get("pledge_id") or obj.get("client_reference_id")
    try:
        pledge_id = int(raw) if raw is not None else None
    except (TypeError, ValueError):
        pledge_id = None
    intent = (
        obj.get("payment_intent") if obj.get("object") in ("checkout.session", "charge") else obj.get("id")
    )
    return pledge_id, intent if isinstance(intent, str) else ""


class StripeGateway(PaymentGateway):
    name = "stripe"
    label = _("Pay by card now (charged only if the campaign is funded)")
    needs_after_commit = True

    def is_enabled(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def initial_status(self) -> str:
        return PledgeStatus.PENDING

    def collect_status(self, pledge) -> str | None:
        return None  # captured on commit; the payment_intent.succeeded webhook marks it collected

    def release_status(self, pledge) -> str:
        return PledgeStatus.REFUNDED if pledge.status == PledgeStatus.COLLECTED else PledgeStatus.RELEASED

    def _api(self, path: str, data: dict, *, idempotency_key: str = "") -> dict:
        """POST to the Stripe API (``STRIPE_API_URL``). A network failure, a timeout or a 5xx
        answer raises ``PaymentUnavailable``; ``idempotency_key`` makes Stripe answer a repeated
        call with the first call's result instead of acting twice."""
        body = urllib.parse.urlencode(data).encode()
        headers = {"Authorization": f"Bearer {settings.STRIPE_SECRET_KEY}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        request = urllib.request.Request(  # noqa: S310 - configured https URL
            f"{settings.STRIPE_API_URL}{path}", data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.STRIPE_TIMEOUT) as response:  # noqa: S310
                return json.loads(response.read().decode())
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                raise PaymentUnavailable(f"stripe answered {error.code}") from error
            raise
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise PaymentUnavailable(str(error)) from error

    def checkout_params(self, pledge, *, success_url: str, cancel_url: str) -> dict:
        """The form fields of a Checkout session for ``pledge`` (pure: tests check them)."""
        return {
            "mode": "payment",
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": str(pledge.pk),
            "metadata[pledge_id]": str(pledge.pk),
            "payment_intent_data[capture_method]": "manual",
            "payment_intent_data[metadata][pledge_id]": str(pledge.pk),
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": pledge.currency.lower(),
            "line_items[0][price_data][unit_amount]": str(pledge.amount_cents),
            "line_items[0][price_data][product_data][name]": str(pledge.campaign.project.title)[:120],
        }

    def start(self, pledge, *, success_url: str, cancel_url: str) -> str | None:
        session = self._api(
            "/checkout/sessions", self.checkout_params(pledge, success_url=success_url, cancel_url=cancel_url)
        )
        from crowdfunding.models import Pledge

        Pledge.objects.filter(pk=pledge.pk).update(external_id=session.get("id", ""))
        return session.get("url")

    def after_commit(self, pledge, action: str) -> None:
        intent = pledge.external_id if pledge.external_id.startswith("pi_") else ""
        if not intent:
            logger.warning("stripe %s skipped for pledge %s: no payment intent known", action, pledge.pk)
            return
        path = {
            "collect": f"/payment_intents/{intent}/capture",
            "release": f"/payment_intents/{intent}/cancel",
        }
        key = f"civic-pledge-{pledge.pk}-{action}"
        if action == "refund":
            self._api("/refunds", {"payment_intent": intent}, idempotency_key=key)
        elif action in path:
            self._api(path[action], {}, idempotency_key=key)
