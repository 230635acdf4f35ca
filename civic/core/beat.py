"""Only one beat schedules, however many are started.

Celery's guidance is to run exactly one beat; a second one started by mistake (a deploy that
overlaps, a second machine with the same service file) would send every periodic task twice.
:class:`LockedDatabaseScheduler` is django-celery-beat's ``DatabaseScheduler`` that first takes a
PostgreSQL session-level advisory lock on a connection of its own and keeps it for its whole life:
a second beat waits (logging that it waits) until the first one exits or loses its connection, then
takes over. If the lock's connection breaks, the beat exits at its next tick rather than risk
scheduling alongside another one; its supervisor restarts it and it waits for the lock again.

The lock is held by a session, so ``BEAT_LOCK_DATABASE_URL`` must reach PostgreSQL directly (or a
PgBouncer pool in *session* mode), never a transaction-mode pool: it defaults to ``DATABASE_URL``.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

# pg_advisory_lock's key space is shared by the whole database: one fixed number for "Civic beat".
BEAT_LOCK_KEY = 0x43495649_42454154  # "CIVIBEAT"


_waiting = False


def acquire_beat_lock(url: str, *, retry_seconds: float, key: int = BEAT_LOCK_KEY):
    """A new autocommit connection holding the advisory lock; blocks (polling) until it is free."""
    global _waiting
    if _waiting:
        # Beat's SIGTERM handler syncs the scheduler, which is still being built here: asking for
        # it builds a second one that would wait forever. Stopping while waiting just exits.
        raise SystemExit(0)
    import psycopg

    conn = psycopg.connect(url, autocommit=True, application_name="civic-beat-lock")
    _waiting = True
    try:
        waiting_logged = False
        while not conn.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()[0]:
            if not waiting_logged:
                logger.warning("another celery beat holds the schedule lock; this one waits")
                waiting_logged = True
            time.sleep(retry_seconds)
    except BaseException:
        conn.close()
        raise
    finally:
        _waiting = False
    logger.info("celery beat holds the schedule lock")
    return conn


class LockedDatabaseScheduler(DatabaseScheduler):
    _lock_conn = None

    def setup_schedule(self):
        # Not in __init__: beat also builds a lazy scheduler just to print its banner, which
        # never schedules and must not take the lock. Before the parent's setup, which writes the
        # default schedule into the database.
        self._lock_conn = acquire_beat_lock(
            settings.BEAT_LOCK_DATABASE_URL, retry_seconds=settings.BEAT_LOCK_RETRY_SECONDS
        )
        super().setup_schedule()

    def tick(self, *args, **kwargs):
        if self._lock_conn is None:
            raise SystemExit("celery beat ticked without its schedule lock")
        try:
            self._lock_conn.execute("SELECT 1")
        except Exception as error:  # noqa: BLE001 - any failure means the lock may be gone
            logger.error("celery beat lost its schedule lock connection (%s); exiting", error)
            raise SystemExit(1) from error
        return super().tick(*args, **kwargs)

    def close(self):
        super().close()
        if self._lock_conn is None:
            return
        try:
            self._lock_conn.close()  # releases the lock for a waiting beat at once
        except Exception:  # noqa: BLE001
            logger.debug("closing the beat lock connection failed", exc_info=True)
