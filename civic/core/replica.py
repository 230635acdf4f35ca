"""Reads on a streaming replica, when ``DATABASE_REPLICA_URL`` is set.

Only what cannot be hurt by replication lag goes to the replica: the reads of a safe request
(GET, HEAD, OPTIONS) outside the admin, by a browser that has not written in the last
``REPLICA_PIN_SECONDS``, outside any transaction. Everything else reads the primary:

- writes, and every read inside ``transaction.atomic()`` (services are atomic, so a service reads
  what it is about to change on the primary);
- a non-safe request (POST…) from start to end, and the next requests of the same browser for
  ``REPLICA_PIN_SECONDS`` (a cookie), so a member sees their own comment, pledge or follow at once;
- the admin (editors correct what they just read);
- Celery tasks, management commands, the shell: anything outside a request (a task dispatched
  after commit must find the row it was told about, however late the replica is).

The replica is opt-in per request by :class:`ReplicaMiddleware`, so forgetting a case falls back
to the primary, never to a stale read. A replica that does not answer, or lags more than
``REPLICA_MAX_LAG_SECONDS``, is left aside (checked at most every ``REPLICA_CHECK_SECONDS`` per
process): pages then read the primary until it is back.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "civic_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_replica_allowed: ContextVar[bool] = ContextVar("civic_replica_allowed", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


# The last verdict on the replica in this process (a dict: threads share it; a race costs one
# extra check).
_health = {"checked_at": float("-inf"), "state": "ok"}

LAG_SQL = """SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"""


def replica_state(*, fresh: bool = False) -> str:
    """ "ok", "lagging" or "down"; one query on the replica at most every REPLICA_CHECK_SECONDS.
    An idle primary is not lag: everything received has been replayed."""
    now = time.monotonic()
    if not fresh and now - _health["checked_at"] < settings.REPLICA_CHECK_SECONDS:
        return _health["state"]
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            lag = float(cursor.fetchone()[0])
        state = "ok" if lag <= settings.REPLICA_MAX_LAG_SECONDS else "lagging"
    except DatabaseError:
        connections[REPLICA].close()
        state = "down"
    if state != _health["state"]:
        logger.warning("database replica is now %s", state)
    _health.update(checked_at=now, state=state)
    return state


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _replica_allowed.get() or not replica_configured():
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The same rows on both: an object read on the replica may be linked to one from the primary.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


def _pinned(request: HttpRequest) -> bool:
    """Whether this browser wrote less than REPLICA_PIN_SECONDS ago (the cookie holds the time)."""
    try:
        wrote_at = float(request.COOKIES.get(PIN_COOKIE, ""))
    except ValueError:
        return False
    return 0 <= time.time() - wrote_at < settings.REPLICA_PIN_SECONDS


class ReplicaMiddleware:
    """Allows replica reads for this request when that is safe (see the module docstring), and
    pins the browser to the primary for a few seconds after a non-safe request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        safe = request.method in SAFE_METHODS
        allowed = (
            safe
            and not request.path_info.startswith("/admin/")
            and not _pinned(request)
            and replica_state() == "ok"
        )
        token = _replica_allowed.set(allowed)
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if not safe:
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time():.3f}",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
