"""Publishing to the Celery broker from a request, without waiting on a broker that is down.

``publish(task, args)`` returns False instead of raising when the broker cannot be reached, and
after such a failure skips the broker for ``RETRY_AFTER`` seconds in this process: while Redis's
host is unreachable, a write then pays one connect timeout, not one per job. Whatever was not
published is in PostgreSQL (an ``OutboxJob`` or a pending notification) and beat's sweeps send it.
"""

from __future__ import annotations

import logging
import time

from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 2.0
BROKER_ERRORS = (KombuError, RedisError, OSError)
_state = {"down_until": 0.0}


def reset() -> None:
    """Forget a past outage (tests call it after restarting Redis)."""
    _state["down_until"] = 0.0


def publish(task, args: list, **options) -> bool:
    """``task.apply_async(args)`` unless the broker failed in the last ``RETRY_AFTER`` seconds.
    Returns whether the message was handed to the broker."""
    if time.monotonic() < _state["down_until"]:
        return False
    try:
        task.apply_async(args=args, retry=False, **options)
    except BROKER_ERRORS as error:
        if time.monotonic() >= _state["down_until"]:
            logger.warning("broker unavailable (%s); work waits in PostgreSQL for the sweep", error)
        _state["down_until"] = time.monotonic() + RETRY_AFTER
        return False
    return True
