"""Contract: every Celery task of the project has a test that runs it twice and asserts that the
second run changed nothing (CONVENTIONS habit 7). A new task without such a test fails here."""

import re
from pathlib import Path

from civic.celery import app

ROOT = Path(__file__).resolve().parents[2]
PROJECT_MODULES = ("civic.", "crowdfunding.", "events.", "initiatives.", "participation.", "volunteering.")

# Task name -> the test that runs it twice ("path::test_name", path from the repository root).
TWICE_TESTS = {
    # Notifications
    "civic.notifications.tasks.send_notification_email": (
        "tests/notifications/test_delivery.py::test_running_the_task_twice_sends_one_email_and_records_it"
    ),
    "civic.notifications.tasks.send_notification_emails": (
        "tests/notifications/test_delivery.py::test_a_batch_delivered_again_sends_nothing_more"
    ),
    "civic.notifications.tasks.sweep_pending_notifications": (
        "tests/notifications/test_delivery.py::test_running_the_sweep_twice_sends_each_pending_email_once"
    ),
    # Accounts
    "civic.accounts.tasks.send_account_email": (
        "tests/accounts/test_signup.py::test_running_the_account_email_task_twice_sends_it_once"
    ),
    # Kernel
    "civic.core.tasks.run_outbox_job": "tests/core/test_outbox.py::test_a_job_delivered_twice_runs_once",
    "civic.core.tasks.sweep_outbox": "tests/core/test_outbox.py::test_running_the_sweep_twice_runs_each_job_once",
    "civic.core.tasks.send_weekly_digests": (
        "tests/core/test_discovery.py::test_weekly_digest_is_sent_once_a_week_in_the_members_language"
    ),
    "civic.core.tasks.send_digest_batch": (
        "tests/core/test_discovery.py::test_running_a_digest_batch_twice_sends_each_member_one_digest"
    ),
    # Volunteering
    "volunteering.tasks.send_slot_reminders": (
        "tests/volunteering/test_participation.py::test_reminders_go_out_once_the_day_before"
    ),
    "volunteering.tasks.send_slot_message": (
        "tests/volunteering/test_slot_message.py::test_running_the_job_twice_notifies_nobody_twice"
    ),
    "volunteering.tasks.notify_slot_message_batch": (
        "tests/volunteering/test_slot_message.py::test_running_a_batch_twice_notifies_nobody_twice"
    ),
    "volunteering.tasks.fill_from_waiting_list": (
        "tests/volunteering/test_participation.py::test_running_the_waiting_list_task_twice_promotes_once"
    ),
    "volunteering.tasks.send_recommendation": (
        "tests/volunteering/test_recommendation_task.py::test_running_the_task_twice_emails_each_address_once"
    ),
    # Crowdfunding
    "crowdfunding.tasks.close_due_campaigns": (
        "tests/crowdfunding/test_campaign_end.py::test_running_the_end_task_twice_changes_nothing_the_second_time"
    ),
    "crowdfunding.tasks.close_campaign": (
        "tests/crowdfunding/test_campaign_end.py::test_closing_a_campaign_twice_changes_nothing_the_second_time"
    ),
    "crowdfunding.tasks.pledge_settle_with_provider": (
        "tests/crowdfunding/test_outages.py::test_the_release_job_run_twice_asks_the_provider_once"
    ),
    "crowdfunding.tasks.send_project_update": (
        "tests/crowdfunding/test_outages.py::test_news_is_sent_by_jobs_once_to_each_follower_in_their_language"
    ),
    "crowdfunding.tasks.notify_project_update_batch": (
        "tests/crowdfunding/test_outages.py::test_a_news_batch_run_twice_notifies_nobody_twice"
    ),
    "crowdfunding.tasks.notify_campaign_end": (
        "tests/crowdfunding/test_outages.py::test_cancelling_a_campaign_tells_backers_by_jobs_once_each"
    ),
    "crowdfunding.tasks.notify_campaign_receipts": (
        "tests/crowdfunding/test_outages.py::test_cancelling_a_campaign_tells_backers_by_jobs_once_each"
    ),
    # Participation
    "participation.tasks.notify_threshold_reached": (
        "tests/participation/test_services.py::test_crossing_the_threshold_notifies_each_official_exactly_once"
    ),
    "participation.tasks.notify_new_comment": (
        "tests/participation/test_services.py::test_the_comment_and_answer_tasks_run_twice_notify_each_follower_once"
    ),
    "participation.tasks.notify_answer": (
        "tests/participation/test_services.py::test_the_comment_and_answer_tasks_run_twice_notify_each_follower_once"
    ),
    # Events
    "events.tasks.run_timeline": "tests/events/test_days.py::test_running_the_scheduler_twice_sends_each_message_once",
    "events.tasks.run_step": "tests/events/test_days.py::test_running_a_step_twice_sends_its_messages_once",
    "events.tasks.notify_batch": (
        "tests/events/test_days.py::test_running_a_notify_batch_twice_notifies_each_member_once"
    ),
    "events.tasks.send_attendees_message": (
        "tests/events/test_messages.py::test_running_the_job_twice_notifies_nobody_twice"
    ),
    "events.tasks.send_event_reminders": (
        "tests/events/test_days.py::test_running_the_reminder_task_twice_sends_each_reminder_once"
    ),
}


def _project_tasks() -> set[str]:
    app.loader.import_default_modules()  # autodiscovery is lazy: import every app's tasks module
    return {name for name in app.tasks if name.startswith(PROJECT_MODULES)}


def test_every_task_of_the_project_names_a_test_that_runs_it_twice():
    missing = sorted(_project_tasks() - TWICE_TESTS.keys())

    assert not missing, f"tasks without a run-twice test in TWICE_TESTS: {missing}"


def test_every_task_named_here_still_exists():
    gone = sorted(TWICE_TESTS.keys() - _project_tasks())

    assert not gone, f"TWICE_TESTS names tasks that no longer exist: {gone}"


def test_every_run_twice_test_named_here_exists():
    absent = []
    for node in sorted(set(TWICE_TESTS.values())):
        path, name = node.split("::")
        file = ROOT / path
        if not file.exists() or not re.search(rf"^\s*def {re.escape(name)}\(", file.read_text(), re.M):
            absent.append(node)

    assert not absent, f"run-twice tests that do not exist: {absent}"
