"""Civic behind Debian's PgBouncer in transaction mode: no per-connection setting, no server-side
cursor. Runs when `pgbouncer` is installed (`bin/system-deps --cluster`, which `make test` calls)."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from civic import embedded
from civic.accounts.models import User
from civic.core.search import corrections
from tests.factories import MemberFactory
from tests.volunteering.factories import MissionFactory, SlotFactory

PGBOUNCER = shutil.which("pgbouncer") or (
    "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
)
pytestmark = pytest.mark.skipif(
    PGBOUNCER is None, reason="Debian's pgbouncer is not installed: run bin/system-deps --cluster"
)


@pytest.fixture(scope="module")
def pgbouncer():
    """PgBouncer in transaction mode with ONE server connection: every client shares it, so a
    session-level setting made by one client is what the next client's transaction sees."""
    host = settings.DATABASES["default"].get("OPTIONS", {}).get("host", "")
    if not host.startswith("/"):
        pytest.skip("needs a PostgreSQL server on a local Unix socket (the embedded one)")
    directory = Path(tempfile.mkdtemp(prefix="civic-pgbouncer-"))
    embedded.start_pgbouncer(Path(host), directory, pool_mode="transaction", pool_size=1)
    yield directory
    embedded.stop_pgbouncer(directory)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def through_pgbouncer(pgbouncer, transactional_db):
    """This test's Django connection goes through PgBouncer, as with DATABASE_POOLER=pgbouncer."""
    settings_dict = connection.settings_dict
    saved = {key: settings_dict.get(key) for key in ("PORT", "OPTIONS", "DISABLE_SERVER_SIDE_CURSORS")}
    connection.close()
    settings_dict["OPTIONS"] = {**settings_dict["OPTIONS"], "host": str(pgbouncer)}
    settings_dict["PORT"] = "6432"
    settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    yield pgbouncer
    connection.close()
    settings_dict.update(saved)


def neighbour(pgbouncer) -> psycopg.Connection:
    """Another client of the same pool (another gunicorn worker, say)."""
    name = connection.settings_dict["NAME"]
    return psycopg.connect(f"postgresql://postgres:@/{name}?host={pgbouncer}&port=6432", autocommit=True)


def test_pgbouncer_refuses_the_per_connection_option_civic_no_longer_sends(pgbouncer):
    with pytest.raises(psycopg.OperationalError, match="unsupported startup parameter"):
        psycopg.connect(
            f"postgresql://postgres:@/postgres?host={pgbouncer}&port=6432",
            options="-c pg_trgm.similarity_threshold=0.25",
        ).close()


def test_search_corrects_short_typos_through_pgbouncer_whatever_the_pooled_connection_holds(
    through_pgbouncer,
):
    MissionFactory(title_fr="Compostage collectif")
    with neighbour(through_pgbouncer) as other:
        # A session-level SET by another client stays on the one pooled server connection.
        other.execute("SET pg_trgm.similarity_threshold = 0.9")
        # "compst" is 0.29 similar to "compostage": found only with Civic's own 0.25 threshold.
        assert corrections(["compst"]) == {"compst": ["compostage"]}
        # Civic's SET LOCAL ended with its query: the neighbour's setting is untouched.
        assert other.execute("SHOW pg_trgm.similarity_threshold").fetchone() == ("0.9",)


def test_pages_searches_and_iterators_work_through_pgbouncer(through_pgbouncer, client):
    SlotFactory(mission=MissionFactory(title_fr="Compostage collectif"))  # listed: it has a slot
    members = [MemberFactory() for _ in range(5)]

    page = client.get("/fr/search/", {"q": "compst"})
    assert page.status_code == 200
    assert "<mark>Compostage</mark> collectif" in page.content.decode()
    # .iterator() without server-side cursors: no cursor left behind on a pooled connection.
    assert sorted(u.pk for u in User.objects.order_by("pk").iterator(chunk_size=2)) == sorted(
        m.pk for m in members
    )


def test_database_pooler_pgbouncer_turns_server_side_cursors_off():
    script = "from django.conf import settings; print(settings.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'])"
    env = {
        **os.environ,
        "DATABASE_POOLER": "pgbouncer",
        "DJANGO_SETTINGS_MODULE": "civic.settings",
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.strip() == "True"
    assert "options" not in settings.DATABASES["default"]["OPTIONS"]  # no per-connection setting
