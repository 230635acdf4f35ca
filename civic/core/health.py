"""Probes for load balancers and the metrics endpoint.

- ``/healthz``: the process answers (liveness). No database, no Redis: restarting a node because
  the database is slow would make things worse.
- ``/readyz``: this node can serve (readiness): PostgreSQL answers ``SELECT 1``, every migration on
  disk is applied (checked until it is true once, then remembered for the life of the process),
  and Redis answers a ping within 0.5 s. Redis down is reported as ``degraded`` with status 200:
  Civic serves without Redis (empty cache, outbox keeps background jobs). With a replica, its state
  (``ok``, ``lagging``, ``down``) is reported too, without making the node unready: pages then
  read the primary.
- ``/metrics``: Prometheus text (``civic.core.observability``), for the scraper only (see
  :func:`metrics_allowed`).

:class:`HealthCheckMiddleware`, first in ``MIDDLEWARE``, answers the two probes before any other
middleware, so they cost no session, no host check (load balancers probe by IP address), no HTTPS
redirect and no language redirect.
"""

from __future__ import annotations

import hmac
import json
import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import Http404, HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

_migrations_applied = False


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _check_database() -> str:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        logger.warning("readyz: the database did not answer", exc_info=True)
        return "down"


def _check_migrations() -> str:
    """Once every migration on disk is applied, this process remembers it: a deployment migrates
    before new code starts, and code never un-applies a migration."""
    global _migrations_applied
    if _migrations_applied:
        return "ok"
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:  # noqa: BLE001
        logger.warning("readyz: could not read the migration state", exc_info=True)
        return "unknown"
    if pending:
        return "pending"
    _migrations_applied = True
    return "ok"


def _check_redis() -> str:
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            client.ping()
        finally:
            client.close()
        return "ok"
    except (redis.exceptions.RedisError, OSError):
        return "degraded"


def readyz(request: HttpRequest) -> HttpResponse:
    checks = {"database": _check_database()}
    checks["migrations"] = _check_migrations() if checks["database"] == "ok" else "unknown"
    checks["redis"] = _check_redis()
    from civic.core.replica import replica_configured, replica_state

    if replica_configured():
        # Informational: pages fall back to the primary while the replica is down or behind.
        checks["replica"] = replica_state()
    ready = checks["database"] == "ok" and checks["migrations"] == "ok"
    return HttpResponse(
        json.dumps({"ready": ready, **checks}),
        status=200 if ready else 503,
        content_type="application/json",
    )


def metrics_allowed(request: HttpRequest) -> bool:
    """With ``METRICS_TOKEN`` set, the scraper sends ``Authorization: Bearer <token>``; without
    it, only addresses in ``METRICS_ALLOWED_IPS`` (the loopback by default) may read. The address is
    ``REMOTE_ADDR``: put the scraper inside the network, not behind the public load balancer."""
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS


def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        raise Http404  # answers like a page that does not exist
    from civic.core.observability import render_metrics

    body, content_type = render_metrics()
    return HttpResponse(body, content_type=content_type)


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
