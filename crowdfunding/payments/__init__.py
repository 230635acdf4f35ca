"""Payment gateways behind one interface (``base.PaymentGateway``).

``offline`` (always available, the default): a pledge is a promise; the holder marks the money
received. ``stripe``: Checkout + webhooks, available only when ``STRIPE_SECRET_KEY`` and
``STRIPE_WEBHOOK_SECRET`` are set.
"""

from __future__ import annotations

from crowdfunding.payments.base import PaymentGateway
from crowdfunding.payments.offline import OfflineGateway
from crowdfunding.payments.stripe import StripeGateway

_GATEWAYS: dict[str, type[PaymentGateway]] = {"offline": OfflineGateway, "stripe": StripeGateway}


def get_gateway(name: str) -> PaymentGateway:
    try:
        return _GATEWAYS[name]()
    except KeyError:
        raise ValueError(f"unknown payment gateway {name!r}") from None


def available_gateways() -> list[PaymentGateway]:
    return [g for g in (cls() for cls in _GATEWAYS.values()) if g.is_enabled()]
