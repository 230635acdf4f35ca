"""Offline payments: a pledge is a promise. When the campaign is funded the promise falls due and
the holder marks each payment received (``promised`` → ``collected``); when it fails, every
promise is released."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from crowdfunding.models import PledgeStatus
from crowdfunding.payments.base import PaymentGateway


class OfflineGateway(PaymentGateway):
    name = "offline"
    label = _("Promise now, pay the holder when the campaign is funded")

    def is_enabled(self) -> bool:
        return True

    def initial_status(self) -> str:
        return PledgeStatus.PROMISED

    def collect_status(self, pledge) -> str | None:
        return None  # the holder marks the money received

    def release_status(self, pledge) -> str:
        return PledgeStatus.REFUNDED if pledge.status == PledgeStatus.COLLECTED else PledgeStatus.RELEASED
