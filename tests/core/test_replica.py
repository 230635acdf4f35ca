"""Reads on a real streaming replica of the embedded PostgreSQL (pg_basebackup -R), whose replay
the tests pause to make replication lag visible: a page served by the replica does not show a
write yet; the member who wrote, the admin and transactions read the primary."""

import json
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test import Client

from civic import embedded
from civic.accounts.models import User
from civic.core import replica as replica_module
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def _embedded_primary() -> bool:
    host = settings.DATABASES["default"].get("OPTIONS", {}).get("host", "")
    return host == str(embedded.VAR_DIR / f"{embedded_instance()}-postgres")


def embedded_instance() -> str:
    import os

    return os.environ.get("CIVIC_INSTANCE", "test")


@pytest.fixture(scope="module")
def replica_url(django_db_setup, django_db_blocker):
    if not _embedded_primary():
        pytest.skip("needs the embedded PostgreSQL (DATABASE_URL points elsewhere)")
    # Not under pytest's tmp_path: the server's own system user must be able to reach it.
    directory = Path(tempfile.mkdtemp(prefix="civic-replica-"))
    test_name = connections["default"].settings_dict["NAME"]
    url = embedded.start_replica(embedded_instance(), directory, database=test_name)
    primary = connections.settings["default"]
    connections.settings["replica"] = {
        **primary,
        "OPTIONS": {**primary["OPTIONS"], "host": str(directory)},
        "TEST": {**primary["TEST"], "MIRROR": "default"},
    }
    yield url
    with django_db_blocker.unblock():
        connections["replica"].close()
    del connections.settings["replica"]
    del connections["replica"]
    embedded.stop_replica(directory)


@pytest.fixture
def lag(replica_url):
    """Controls the replica's replay: ``lag.pause()`` freezes what it shows, ``lag.catch_up()``
    resumes and waits until it has replayed everything the primary wrote."""

    class Lag:
        def __init__(self):
            self.replica = psycopg.connect(replica_url, autocommit=True)
            self.primary = psycopg.connect(
                replica_url.rsplit("?host=", 1)[0] + "?host=" + primary_host(), autocommit=True
            )

        def pause(self):
            self.catch_up()
            self.replica.execute("SELECT pg_wal_replay_pause()")

        def catch_up(self):
            self.replica.execute("SELECT pg_wal_replay_resume()")
            target = self.primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                done = self.replica.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
                ).fetchone()[0]
                if done:
                    return
                time.sleep(0.05)
            raise AssertionError("the replica did not catch up")

    lag = Lag()
    yield lag
    lag.replica.execute("SELECT pg_wal_replay_resume()")
    lag.replica.close()
    lag.primary.close()


def primary_host() -> str:
    return settings.DATABASES["default"]["OPTIONS"]["host"]


def logged_in(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_a_page_reads_the_replica_but_the_member_who_wrote_reads_their_own_write(lag, alice, bob, charlie):
    as_alice, as_charlie = logged_in(alice), logged_in(charlie)
    page = f"/en/me/members/{bob.pk}/"
    lag.pause()  # from now on the replica shows the past

    response = as_alice.post(f"/en/me/members/{bob.pk}/follow/")
    assert response.status_code == 302
    assert replica_module.PIN_COOKIE in response.cookies

    alice_sees = as_alice.get(page).content.decode()
    charlie_sees = as_charlie.get(page).content.decode()
    assert "1 follower" in alice_sees and "Unfollow" in alice_sees  # her own write, from the primary
    assert "0 followers" in charlie_sees  # a safe request elsewhere: the replica, not caught up yet

    lag.catch_up()
    assert "1 follower" in as_charlie.get(page).content.decode()


def test_the_admin_reads_the_primary(lag):
    root = MemberFactory(email="root@example.org", is_staff=True, is_superuser=True)
    as_root = logged_in(root)
    lag.pause()
    dora = MemberFactory(email="dora@example.org", display_name="Dora")

    assert Client().get(f"/en/me/members/{dora.pk}/").status_code == 404  # the replica: no Dora yet
    assert as_root.get(f"/admin/accounts/user/{dora.pk}/change/").status_code == 200


def test_transactions_and_code_outside_requests_read_the_primary(lag):
    lag.pause()
    dora = MemberFactory(email="dora@example.org")

    assert User.objects.filter(pk=dora.pk).exists()  # a task or a command: the primary
    token = replica_module._replica_allowed.set(True)  # what ReplicaMiddleware does for a safe request
    try:
        assert not User.objects.filter(pk=dora.pk).exists()  # the replica
        with transaction.atomic():
            assert User.objects.filter(pk=dora.pk).exists()  # a service reading what it changes
    finally:
        replica_module._replica_allowed.reset(token)


def test_pages_read_the_primary_while_the_replica_lags_too_far_behind(lag, settings):
    settings.REPLICA_CHECK_SECONDS = 0
    settings.REPLICA_MAX_LAG_SECONDS = 0.5
    lag.pause()
    time.sleep(1)
    dora = MemberFactory(email="dora@example.org", display_name="Dora")  # not replayed: lag grows
    time.sleep(1)

    assert Client().get(f"/en/me/members/{dora.pk}/").status_code == 200  # the primary
    assert json.loads(Client().get("/readyz").content)["replica"] == "lagging"


def test_pages_read_the_primary_when_the_replica_is_down(replica_url, settings):
    """Last in this module: it stops the replica."""
    settings.REPLICA_CHECK_SECONDS = 0
    dora = MemberFactory(email="dora@example.org", display_name="Dora")
    embedded.stop_replica(Path(replica_url.rsplit("?host=", 1)[1]))

    assert Client().get(f"/en/me/members/{dora.pk}/").status_code == 200
    readiness = Client().get("/readyz")
    assert readiness.status_code == 200 and json.loads(readiness.content)["replica"] == "down"
