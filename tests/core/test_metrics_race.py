"""gunicorn's threads: the first requests of a process, arriving together, register the latency histogram once."""

import threading

from prometheus_client import REGISTRY

from civic.core import observability


def test_concurrent_first_requests_register_the_request_histogram_once(monkeypatch):
    previous = observability._request_histogram()
    REGISTRY.unregister(previous)
    monkeypatch.setattr(observability, "_histogram", None)
    barrier = threading.Barrier(8)
    found, errors = [], []

    def first_request():
        barrier.wait()
        try:
            found.append(observability._request_histogram())
        except Exception as exc:  # noqa: BLE001 - a DuplicateTimeseries here is the bug
            errors.append(exc)

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len({id(histogram) for histogram in found}) == 1
    finally:
        if observability._histogram is not None:
            REGISTRY.unregister(observability._histogram)
        REGISTRY.register(previous)
        monkeypatch.setattr(observability, "_histogram", previous)
