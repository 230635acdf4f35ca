"""Races with real threads: every call starts at the same instant, each thread on its own
PostgreSQL connection. One helper, so that every race test starts, collects and cleans up alike."""

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import connection


@dataclass
class Race:
    """What the threads did, one call per entry of ``args_list``.

    ``results`` holds each call's return value in the order of ``args_list`` (None where it raised);
    ``returned`` counts the calls that returned; ``refused`` holds the tolerated exceptions (the
    expected losers); ``errors`` the others, which a test usually asserts is empty."""

    results: list = field(default_factory=list)
    returned: int = 0
    refused: list[BaseException] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


def race(
    target: Callable,
    args_list: Sequence[tuple],
    *,
    tolerated: tuple[type[BaseException], ...] | Callable[[BaseException], bool] = (),
    at_once: int | None = None,
) -> Race:
    """Call ``target(*args)`` once per ``args`` in its own thread, all released by one barrier.

    ``tolerated``, exception types or a predicate, tells the expected losers (a full slot, a
    duplicate) from errors; nothing is tolerated unless said. ``at_once`` lets at most that many
    threads call ``target`` at a time (their connection held until closed) for races with more
    threads than PostgreSQL has connections. A thread never dies silently: every exception lands in
    ``refused`` or ``errors``, and every thread closes its connection."""
    if isinstance(tolerated, tuple | type):
        types = tolerated

        def is_tolerated(exc: BaseException) -> bool:
            return isinstance(exc, types)
    else:
        is_tolerated = tolerated
    barrier = threading.Barrier(len(args_list))
    gate = threading.BoundedSemaphore(at_once) if at_once else None
    outcome = Race(results=[None] * len(args_list))
    lock = threading.Lock()

    def call(i: int, args: tuple) -> None:
        try:
            outcome.results[i] = target(*args)
            with lock:
                outcome.returned += 1
        except Exception as exc:  # noqa: BLE001 - sorted here, asserted by the test
            (outcome.refused if is_tolerated(exc) else outcome.errors).append(exc)
        finally:
            connection.close()

    def run(i: int, args: tuple) -> None:
        barrier.wait()
        if gate is None:
            call(i, args)
        else:
            with gate:
                call(i, args)

    threads = [threading.Thread(target=run, args=(i, args)) for i, args in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome
