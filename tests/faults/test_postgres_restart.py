"""PostgreSQL restarted under load: the web server keeps running and answers again on the first
request after the database is back (each request opens its connection, or checks a kept one with
``CONN_HEALTH_CHECKS``), with no restart of the web server."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import close_old_connections, connection

from civic import embedded
from civic.accounts.models import User
from tests.faults.conftest import INSTANCE

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["/fr/", "/fr/missions/", "/fr/events/"]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0  # no answer at all


def test_the_site_answers_again_as_soon_as_postgresql_is_back(live_server, world, alice):
    stop = threading.Event()
    answers: list[tuple[float, float, int]] = []  # (sent, received, status)

    def load(offset: int) -> None:
        n = offset
        while not stop.is_set():
            sent = time.monotonic()
            status = _get(live_server.url + PAGES[n % len(PAGES)])
            answers.append((sent, time.monotonic(), status))
            n += 1

    # This thread keeps its connection across "requests", as a production worker does
    # (CONN_MAX_AGE > 0): the restart breaks it under our feet.
    connection.close()
    max_age = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    threads = [threading.Thread(target=load, args=(i,)) for i in range(3)]
    try:
        assert User.objects.filter(pk=alice.pk).exists()
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(answers) < 6 and time.monotonic() < deadline:  # under load
            time.sleep(0.05)
        restart = time.monotonic()
        embedded.restart_postgres(INSTANCE)
        back = time.monotonic()

        first = _get(live_server.url + "/fr/")
        time.sleep(1.5)  # and the load goes on
    finally:
        stop.set()
        for t in threads:
            t.join()
        # What Django does when a request starts: a kept connection that fails its health check is
        # dropped, and the next query opens a new one.
        close_old_connections()
        connection.settings_dict["CONN_MAX_AGE"] = max_age

    assert first == 200
    assert User.objects.filter(pk=alice.pk).exists()  # this thread's kept connection was replaced
    before = [status for sent, received, status in answers if received < restart]
    after = [status for sent, received, status in answers if sent > back]
    assert before and set(before) == {200}  # the load was served before the restart
    assert after and set(after) == {200}  # and every request sent once it was back
