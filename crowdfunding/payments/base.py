"""The contract every payment gateway fulfils. Gateways never change totals themselves: they
say which state a pledge moves to, and the services apply it under the campaign's row lock."""

from __future__ import annotations

from abc import ABC, abstractmethod


class PaymentUnavailable(Exception):
    """The provider could not be reached or did not answer (network down, timeout, 5xx)."""


class PaymentGateway(ABC):
    name: str = ""
    label: str = ""
    # Whether ``after_commit`` talks to a provider (then the closing records an outbox job for it).
    needs_after_commit: bool = False

    @abstractmethod
    def is_enabled(self) -> bool:
        """Whether members may choose this gateway now (keys configured…)."""

    @abstractmethod
    def initial_status(self) -> str:
        """The state a new pledge is created in (``promised`` offline, ``pending`` for a checkout)."""

    def start(self, pledge, *, success_url: str, cancel_url: str) -> str | None:
        """Begin paying: return a URL to send the backer to, or None when nothing is to be paid now.
        Called after the pledge is committed (it may talk to the network); raises
        ``PaymentUnavailable`` when the provider cannot be reached."""
        return None

    @abstractmethod
    def collect_status(self, pledge) -> str | None:
        """The campaign is funded: the state the pledge moves to now (None: it stays as it is and
        moves later, when the holder marks the money received or the provider confirms)."""

    @abstractmethod
    def release_status(self, pledge) -> str:
        """The campaign failed or was cancelled: ``released`` (promise or authorisation let go) or
        ``refunded`` (money already taken is given back)."""

    def after_commit(self, pledge, action: str) -> None:
        """Network side effects of ``collect``/``release`` (capture, cancel, refund), run by an
        outbox job after the closing committed; must be safe to repeat (the job may run again)."""
        return None
