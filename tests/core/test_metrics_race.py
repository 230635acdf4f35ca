"""gunicorn's threads: the first requests of a process, arriving together, register the latency histogram once."""

from prometheus_client import REGISTRY

from civic.core import observability
from tests.race import race


def test_concurrent_first_requests_register_the_request_histogram_once(monkeypatch):
    previous = observability._request_histogram()
    REGISTRY.unregister(previous)
    monkeypatch.setattr(observability, "_histogram", None)
    try:
        outcome = race(observability._request_histogram, [()] * 8)
        assert outcome.errors == []  # a DuplicateTimeseries here is the bug
        assert len({id(histogram) for histogram in outcome.results}) == 1
    finally:
        if observability._histogram is not None:
            REGISTRY.unregister(observability._histogram)
        REGISTRY.register(previous)
        monkeypatch.setattr(observability, "_histogram", previous)
