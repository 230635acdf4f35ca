"""What an operator of several machines needs to see: a request id in every log line (carried into
the Celery tasks a request causes), JSON logs, and Prometheus metrics.

Metrics go through ``prometheus_client``:

- ``civic_http_request_duration_seconds{view,method,status}``: a histogram per URL name, measured by
  :class:`MetricsMiddleware`. Under gunicorn with several workers, set ``PROMETHEUS_MULTIPROC_DIR``
  to an empty directory writable by every worker (``prometheus_client``'s multiprocess mode), or each
  scrape sees one worker only.
- ``civic_celery_queue_length{queue}``: Redis ``LLEN`` of each Celery queue, read at scrape time.
- ``civic_celery_tasks_total{task,outcome}``: succeeded / failed / retried / rejected tasks, counted by
  Celery signals into a Redis hash, so that workers on other machines need no port of their own and
  any web node's ``/metrics`` reports them (cluster-wide values: take ``max`` across nodes).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

# --- Request id -------------------------------------------------------------------------------
request_id_var: ContextVar[str] = ContextVar("civic_request_id", default="")
# A client's or load balancer's id is kept only if it is short and plain (it lands in every log line).
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
REQUEST_ID_HEADER = "X-Request-ID"


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdMiddleware:
    """Take the request id from ``X-Request-ID`` (set by the load balancer) or make one, keep it for
    the logs of this request and the tasks it publishes, and echo it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` to every log record (empty outside a request or a task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        return True


# --- Celery: carry the id into tasks, count outcomes ------------------------------------------
TASK_HEADER = "civic_request_id"
TASK_OUTCOMES_KEY = "civic:metrics:celery_tasks"


def _on_before_task_publish(headers=None, **_kwargs):
    request_id = request_id_var.get()
    if request_id and headers is not None and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


def _on_task_prerun(task=None, **_kwargs):
    request_id = getattr(task.request, TASK_HEADER, None) if task is not None else None
    # A task published outside any request (beat) gets its own id, so its log lines still group.
    task.request._civic_request_token = request_id_var.set(request_id or f"task-{task.request.id}")


def _on_task_postrun(task=None, **_kwargs):
    token = getattr(task.request, "_civic_request_token", None) if task is not None else None
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:
            request_id_var.set("")  # set in another context (thread pools): clear instead


def _count_task(name: str, outcome: str) -> None:
    """One HINCRBY in the broker's Redis; a Redis outage loses the count, never the task."""
    from civic.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.default_channel.client.hincrby(TASK_OUTCOMES_KEY, f"{name}|{outcome}", 1)
    except Exception:  # noqa: BLE001 - metrics must never fail a task
        logger.debug("could not count task outcome", exc_info=True)


def _on_task_success(sender=None, **_kwargs):
    _count_task(sender.name, "succeeded")


def _on_task_failure(sender=None, **_kwargs):
    _count_task(sender.name, "failed")


def _on_task_retry(sender=None, **_kwargs):
    _count_task(sender.name, "retried")


def _on_task_rejected(message=None, **_kwargs):
    name = (getattr(message, "headers", None) or {}).get("task", "unknown")
    _count_task(name, "rejected")


def connect_celery_signals() -> None:
    """Called once from ``civic.celery`` (web processes publish, workers run)."""
    from celery import signals

    signals.before_task_publish.connect(_on_before_task_publish, weak=False, dispatch_uid="civic_req_id_pub")
    signals.task_prerun.connect(_on_task_prerun, weak=False, dispatch_uid="civic_req_id_prerun")
    signals.task_postrun.connect(_on_task_postrun, weak=False, dispatch_uid="civic_req_id_postrun")
    signals.task_success.connect(_on_task_success, weak=False, dispatch_uid="civic_task_success")
    signals.task_failure.connect(_on_task_failure, weak=False, dispatch_uid="civic_task_failure")
    signals.task_retry.connect(_on_task_retry, weak=False, dispatch_uid="civic_task_retry")
    signals.task_rejected.connect(_on_task_rejected, weak=False, dispatch_uid="civic_task_rejected")


# --- Prometheus -------------------------------------------------------------------------------
_histogram = None
# gunicorn runs threads: two first requests at once would both register the histogram, and the second
# registration raises DuplicateTimeseries (a 500; seen as errors on the bench's floor page under wrk).
_histogram_lock = threading.Lock()


def _request_histogram():
    global _histogram
    if _histogram is not None:
        return _histogram
    with _histogram_lock:
        if _histogram is not None:
            return _histogram
        from prometheus_client import Histogram

        _histogram = Histogram(
            "civic_http_request_duration_seconds",
            "Time from the first middleware to the response, by URL name.",
            ["view", "method", "status"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
    return _histogram


class MetricsMiddleware:
    """Observes each request's duration under its URL name (``initiatives:detail``), never its path,
    so the number of series stays bounded; unresolved paths count as ``<unresolved>``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "<unnamed>") if match else "<unresolved>"
        _request_histogram().labels(view, request.method, str(response.status_code)).observe(
            time.perf_counter() - start
        )
        return response


def celery_queue_names() -> list[str]:
    names = [q.name for q in (settings.CELERY_TASK_QUEUES or [])]
    return names or [settings.CELERY_TASK_DEFAULT_QUEUE]


class CeleryCollector:
    """Reads queue lengths and task outcome counts from Redis at scrape time (a few round trips)."""

    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        from civic.celery import app

        lengths = GaugeMetricFamily(
            "civic_celery_queue_length", "Messages waiting in each Celery queue.", labels=["queue"]
        )
        outcomes = CounterMetricFamily(
            "civic_celery_tasks", "Celery tasks finished, by task and outcome.", labels=["task", "outcome"]
        )
        up = GaugeMetricFamily("civic_celery_broker_up", "1 if the broker answered this scrape.")
        try:
            with app.connection_for_read() as conn:
                client = conn.default_channel.client
                # kombu's Redis transport keeps one list per priority step: "q", "q\x06\x163", …
                steps = conn.transport_options.get("priority_steps") or [0, 3, 6, 9]
                for name in celery_queue_names():
                    keys = [name] + [f"{name}\x06\x16{step}" for step in steps if step]
                    pipe = client.pipeline()
                    for key in keys:
                        pipe.llen(key)
                    lengths.add_metric([name], sum(pipe.execute()))
                for field, count in client.hgetall(TASK_OUTCOMES_KEY).items():
                    task, _, outcome = field.decode().rpartition("|")
                    outcomes.add_metric([task, outcome], int(count))
            up.add_metric([], 1)
        except Exception:  # noqa: BLE001 - a scrape reports the broker down rather than failing
            logger.warning("metrics: the Celery broker did not answer", exc_info=True)
            up.add_metric([], 0)
        yield lengths
        yield outcomes
        yield up


def render_metrics() -> tuple[bytes, str]:
    """The exposition text: this process's (or, in multiprocess mode, every worker's) metrics
    plus the Celery collector."""
    import os

    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        # The default registry holds this process's histogram (and the process/platform collectors).
        registry.register(_RegistryProxy(REGISTRY))
    registry.register(CeleryCollector())
    _request_histogram()  # exists before the first request, so a scrape always lists it
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _RegistryProxy:
    def __init__(self, registry):
        self.registry = registry

    def collect(self):
        return self.registry.collect()
