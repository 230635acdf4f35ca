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
to the primary, never to a stale read.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PIN_COOKIE = "civic_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_replica_allowed: ContextVar[bool] = ContextVar("civic_replica_allowed", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


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
        allowed = safe and not request.path_info.startswith("/admin/") and not _pinned(request)
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
