import pytest
from django.core import mail
from django.urls import reverse

from civic.notifications.models import Notification
from civic.notifications.services import notify
from civic.notifications.tasks import send_notification_email, sweep_pending_notifications

pytestmark = pytest.mark.django_db


def test_notify_stores_an_inbox_entry_and_emails_after_commit(django_capture_on_commit_callbacks, alice):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(alice, "accounts.followed", {"follower_name": "Bob"}, url="/fr/me/members/1/")

    notification.refresh_from_db()
    assert notification.title == "Bob vous suit désormais"  # Alice reads French
    assert notification.email_status == Notification.EmailStatus.SENT
    assert mail.outbox[0].subject == "Bob vous suit désormais"
    assert "http://127.0.0.1:8000/fr/me/members/1/" in mail.outbox[0].body


def test_sending_twice_sends_one_email(alice):
    notification = notify(alice, "accounts.followed", {"follower_name": "Bob"})
    send_notification_email(notification.pk)
    send_notification_email(notification.pk)
    assert len(mail.outbox) == 1


def test_a_dedupe_key_makes_a_notification_happen_once(alice):
    first = notify(alice, "accounts.followed", {"follower_name": "Bob"}, dedupe_key="k1")
    second = notify(alice, "accounts.followed", {"follower_name": "Bob"}, dedupe_key="k1")
    assert first is not None and second is None
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_a_broker_outage_does_not_fail_the_request_and_the_sweep_sends_later(
    django_capture_on_commit_callbacks, alice, settings
):
    from civic.celery import app

    app.conf.task_always_eager = False
    old_url = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    # Drop pooled connections so the next send uses the URL above (what Celery does after a fork).
    # Not app.close(): that also deregisters the app, so task modules imported later would not register.
    app._after_fork()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notification = notify(alice, "accounts.followed", {"follower_name": "Bob"})
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = old_url
        app._after_fork()

    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert mail.outbox == []

    Notification.objects.filter(pk=notification.pk).update(
        created_at=notification.created_at.replace(year=2020)
    )
    assert sweep_pending_notifications() == 1
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_erased_members_are_not_notified(alice):
    alice.is_former = True
    alice.save()
    assert notify(alice, "accounts.followed", {"follower_name": "Bob"}) is None


def test_inbox_lists_notifications_and_marks_them_read(client, alice):
    notify(alice, "accounts.followed", {"follower_name": "Bob"}, email=False)
    client.force_login(alice)
    assert "Bob vous suit désormais" in client.get("/fr/me/notifications/").content.decode()
    client.post("/fr/me/notifications/read/")
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()


def test_plain_text_notifications_are_not_html_escaped(alice):
    notification = notify(alice, "accounts.followed", {"follower_name": 'Zoé "Zo" & Co'}, email=False)
    assert notification.title == 'Zoé "Zo" & Co vous suit désormais'


def test_notify_many_writes_each_member_in_their_language_and_emails_the_batch_once(
    django_capture_on_commit_callbacks, alice, bob, charlie
):
    from civic.notifications.services import notify_many

    bob.language, charlie.is_former = "en", True
    bob.save(), charlie.save()
    members = [alice, bob, charlie]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = notify_many(members, "accounts.followed", {"follower_name": "Olga"}, dedupe_key="day-1")
    again = notify_many(members, "accounts.followed", {"follower_name": "Olga"}, dedupe_key="day-1")

    assert (created, again) == (2, 0)
    assert len(callbacks) == 1  # one email task for the batch
    titles = dict(Notification.objects.values_list("recipient__email", "title"))
    assert titles == {alice.email: "Olga vous suit désormais", bob.email: "Olga now follows you"}
    assert sorted(m.subject for m in mail.outbox) == ["Olga now follows you", "Olga vous suit désormais"]
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Notification.EmailStatus.SENT}


def test_a_member_action_succeeds_when_the_smtp_server_refuses_and_the_email_waits_for_the_sweep(
    client, alice, bob, settings, django_capture_on_commit_callbacks
):
    import socket

    with socket.socket() as s:  # a localhost port nothing listens on: the SMTP connection is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True):  # the email task runs, and fails
        response = client.post(reverse("accounts:follow", args=[alice.pk]))

    assert response.status_code == 302
    assert alice.follower_set.filter(follower=bob).exists()
    notification = Notification.objects.get(recipient=alice, kind="accounts.followed")
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert notification.email_attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    Notification.objects.filter(pk=notification.pk).update(
        created_at=notification.created_at.replace(year=2020)
    )
    assert sweep_pending_notifications() == 1
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
