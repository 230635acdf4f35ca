"""Per-member limits on actions (proposals, comments, recommendations, contact messages…).

``rate_limit()`` is called inside the action's own transaction. It serialises the member's uses
of that action with a PostgreSQL advisory lock held until commit, counts the uses still inside the
window, and records this one as a :class:`~civic.core.models.RateEvent` row. So:

- parallel requests cannot beat the limit (the second waits for the first to commit or roll back);
- a failed action does not count (its row rolls back with it);
- it works while Redis is down: the counters live in PostgreSQL, beside the rows they limit.
"""

from __future__ import annotations

import zlib
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civic.core.models import RateEvent


class RateLimited(ValidationError):
    """Too many uses in the window; the message says what to do."""


def rate_limit(
    *, member, action: str, limit: int, window: timedelta, cost: int = 1, message=None, field=None
) -> None:
    """Count ``cost`` uses of ``action`` by ``member`` or raise :class:`RateLimited`.

    Must run inside ``transaction.atomic()`` (the lock and the row live until the action commits).
    ``message`` may use ``%(limit)d``; ``field`` puts the error next to that form field.
    Queries: a lock, a DELETE of the member's expired rows for the action, a SUM, an INSERT.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("rate_limit() must be called inside the action's transaction")
    now = timezone.now()
    with connection.cursor() as cursor:
        # Two-key advisory lock: (action, member). Released by PostgreSQL at commit or rollback.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [zlib.crc32(action.encode()) - 2**31, member.pk % 2**31],
        )
    RateEvent.objects.filter(member=member, action=action, created_at__lt=now - window).delete()
    used = RateEvent.objects.filter(member=member, action=action).aggregate(total=Sum("cost"))["total"] or 0
    if used + cost > limit:
        text = message or _(
            "You have done this %(limit)d times recently. Please wait a little and try again."
        )
        error = RateLimited(text, code="rate_limited", params={"limit": limit})
        raise RateLimited({field: error}) if field else error
    RateEvent.objects.create(member=member, action=action, cost=cost)
