"""A real Celery worker (a separate process, prefork pool) SIGKILLed while it emails 1,000 notifications
to a real SMTP server: nothing is lost, and each kill costs at most one duplicate (a message the server
had accepted when the process died, before "sent" was committed). The scenario is
``bench/notifications_kill.py``'s, with 3 kills instead of 5."""

import pytest

from bench.notifications_kill import run_kill_scenario
from civic import embedded
from civic.celery import app
from civic.notifications.models import Notification


@pytest.mark.fault
@pytest.mark.timeout(180)
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_three_times_loses_nothing_and_duplicates_at_most_once_per_kill():
    app.control.purge()  # this session's Redis: nothing left over from other tests for the worker
    log_path = embedded.VAR_DIR / "test-notifications-kill-worker.log"  # kept for a look after a failure
    log_path.unlink(missing_ok=True)

    timeline = []
    result = run_kill_scenario(
        count=1000, kill_after=[100, 300, 600], log_path=log_path, timeout=120, log=timeline.append
    )

    app.control.purge()
    details = "\n".join([str(result), *timeline, log_path.read_text(errors="replace")[-3000:]])
    assert result.kills == 3, details
    assert result.lost == 0, details
    assert result.not_sent == 0, details
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Notification.EmailStatus.SENT}
    # A worker stopped by something else (on a shared machine) is one more process that could die
    # mid-send; in CI there is none.
    assert result.duplicated <= result.kills + result.other_exits, details
