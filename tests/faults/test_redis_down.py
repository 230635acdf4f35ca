"""With the embedded Redis really stopped, the site keeps answering and keeps every write: the cache
answers empty, Celery's broker is unreachable, and the outboxes (``OutboxJob``, notifications'
``email_status``) hold the background work until Redis is back and beat's sweeps hand it over."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from axes.models import AccessAttempt
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import Client

from civic.accounts.models import User
from civic.celery import app as celery_app
from civic.core.models import OutboxJob
from civic.core.tasks import sweep_outbox
from civic.notifications.models import Notification
from civic.notifications.tasks import sweep_pending_notifications
from crowdfunding.models import Pledge
from events.models import RSVP
from initiatives.models import ContactMessage
from participation.models import Comment, Proposal
from tests.factories import PASSWORD, MemberFactory
from tests.race import race
from volunteering.models import Participation, Recommendation

pytestmark = pytest.mark.django_db(transaction=True)


def _pages(world) -> dict[str, str]:
    city = world.space.city.slug
    return {
        "home": "/fr/",
        "search": "/fr/search/?q=jardin",
        "missions": "/fr/missions/",
        "mission": f"/fr/missions/{world.mission.pk}/",
        "initiatives": "/fr/initiatives/",
        "initiative": f"/fr/initiatives/{world.initiative.pk}/",
        "projects": "/fr/projects/",
        "project": f"/fr/projects/{world.project.pk}/",
        "space": f"/en/cities/{city}/",
        "proposal": f"/en/cities/{city}/proposals/{world.proposal.pk}/",
        "dashboard": f"/en/cities/{city}/dashboard/",
        "events": "/fr/events/",
        "calendar": "/fr/events/calendar/",
        "event": f"/fr/events/{world.event.pk}/",
        "login": "/fr/accounts/login/",
        "signup": "/fr/accounts/signup/",
        "my civic": "/fr/me/",
    }


def _expected(role: str, page: str) -> int:
    if page == "dashboard" and role != "official":
        return 404  # another city's (or nobody's) dashboard does not exist for them
    if page == "my civic" and role == "anonymous":
        return 302  # to the login page
    if page in ("login", "signup") and role != "anonymous":
        return 302  # already logged in
    return 200


def test_every_page_answers_for_every_role_while_redis_is_down(
    client, world, redis_down, bob, olga, alice_in_a
):
    roles = {"anonymous": None, "citizen": bob, "association": alice_in_a, "official": olga}
    answers, expected = {}, {}
    for role, member in roles.items():
        client.logout()
        if member is not None:
            client.force_login(member)
        for page, url in _pages(world).items():
            response = client.get(url)
            answers[role, page] = response.status_code
            expected[role, page] = _expected(role, page)
            if page == "space":
                # The figures usually read from Redis are computed from PostgreSQL instead.
                assert "0 supports, 1 new" in response.content.decode()

    assert answers == expected


# --- Accounts ------------------------------------------------------------------------------------


def test_sign_up_login_and_lockout_work_while_redis_is_down(client, settings, redis_down, bob, charlie):
    settings.AXES_FAILURE_LIMIT = 3
    response = client.post(
        "/fr/accounts/signup/", {"email": "dana@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert User.objects.filter(email="dana@example.org").exists()
    assert [m.to for m in mail.outbox] == [["dana@example.org"]]  # the verification link

    client.logout()
    response = client.post("/fr/accounts/login/", {"login": bob.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)

    client.logout()
    wrong = {"login": charlie.email, "password": "not-the-password"}
    assert [client.post("/fr/accounts/login/", wrong).status_code for _ in range(3)] == [200, 200, 429]
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [(charlie.email, 3)]
    # Locked out (counted in PostgreSQL), even with the right password now.
    response = client.post("/fr/accounts/login/", {"login": charlie.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- Writes while Redis is down, and what happens once it is back ---------------------------------


def _wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_every_write_is_stored_while_redis_is_down_and_its_jobs_run_once_when_it_is_back(
    client, world, redis_down, bob, charlie, olga, alice_in_a
):
    city = world.space.city.slug
    proposal = world.proposal
    dana = MemberFactory(email="dana@example.org", display_name="Dana")

    client.force_login(bob)
    theme = proposal.theme_id
    posts = [
        (f"/en/cities/{city}/proposals/new/", {"title": "A fountain", "text": "Water.", "theme": theme}),
        (f"/en/cities/{city}/proposals/{proposal.pk}/support/", {}),
        (f"/fr/missions/slots/{world.slot.pk}/join/", {"share_contact": ""}),
        (f"/fr/events/{world.event.pk}/rsvp/", {"guests": "0"}),
        (f"/en/projects/campaigns/{world.campaign.pk}/pledge/", {"amount": "10", "gateway": "offline"}),
        (
            f"/fr/missions/{world.mission.pk}/recommend/",
            {"emails": "eve@example.org, finn@example.org", "message": "Viens !"},
        ),
        (f"/fr/initiatives/{world.initiative.pk}/contact/", {"body": "Can I bring my old bike?"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 302, url
    client.force_login(charlie)
    assert (
        client.post(f"/en/cities/{city}/proposals/{proposal.pk}/comments/", {"text": "Yes!"}).status_code
        == 302
    )
    assert client.post(f"/en/cities/{city}/proposals/{proposal.pk}/support/").status_code == 302
    client.force_login(dana)  # the third support crosses the threshold of 3
    assert client.post(f"/en/cities/{city}/proposals/{proposal.pk}/support/").status_code == 302

    # Every write is stored.
    assert Proposal.objects.filter(title="A fountain", author=bob).exists()
    assert Comment.objects.filter(proposal=proposal, author=charlie).exists()
    proposal.refresh_from_db()
    assert proposal.supports_count == 3 and proposal.threshold_reached_at is not None
    assert Participation.objects.filter(slot=world.slot, member=bob).exists()
    assert RSVP.objects.filter(event=world.event, member=bob).exists()
    assert Pledge.objects.filter(campaign=world.campaign, backer=bob, amount_cents=1000).exists()
    assert Recommendation.objects.filter(mission=world.mission, sender=bob, recipients_count=2).exists()
    assert ContactMessage.objects.filter(initiative=world.initiative, sender=bob).exists()
    # Their background work waits in PostgreSQL; nothing was emailed.
    assert sorted(OutboxJob.objects.values_list("task", flat=True)) == [
        "participation.tasks.notify_new_comment",
        "participation.tasks.notify_threshold_reached",
        "volunteering.tasks.send_recommendation",
    ]
    assert not OutboxJob.objects.filter(dispatched_at__isnull=False).exists()
    pending = set(Notification.objects.email_pending().values_list("recipient__email", "kind"))
    assert {
        ("bob@example.org", "volunteering.confirmed"),
        ("sally@example.org", "initiatives.contact"),
    } <= pending
    assert mail.outbox == []

    redis_down.start()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # What beat does on its next tick.
        assert sweep_outbox() == 3
        sweep_pending_notifications(older_than_seconds=0)
        _wait_until(
            lambda: not OutboxJob.objects.exists() and not Notification.objects.email_pending().exists()
        )
        # A later tick finds nothing left to do.
        assert sweep_outbox() == 0
        assert sweep_pending_notifications(older_than_seconds=0) == 0

    assert Notification.objects.filter(recipient=olga, kind="participation.threshold_reached").count() == 1
    assert Notification.objects.filter(recipient=alice_in_a, kind="participation.new_comment").count() == 1
    assert not Notification.objects.exclude(email_status=Notification.EmailStatus.SENT).exists()
    sent = Counter(tuple(m.to) for m in mail.outbox)
    assert sent == {
        ("olga@example.org",): 1,  # threshold reached
        ("alice@example.org",): 1,  # Charlie's comment on her proposal
        ("bob@example.org",): 1,  # mission confirmation (a promised pledge sends no receipt yet)
        ("sally@example.org",): 1,  # Bob's message to her initiative's team
        ("eve@example.org",): 1,  # Bob's recommendation
        ("finn@example.org",): 1,
    }


# --- Limits under parallel requests, counted without Redis -----------------------------------------


def _post_in_parallel(member, url: str, data: dict, n: int = 20, follow: bool = False) -> list:
    """``n`` simultaneous POSTs by ``member``, each from its own client (its own session and
    connection), as from several tabs or a script. Returns the responses."""
    clients = []
    for _ in range(n):
        c = Client()
        c.force_login(member)
        clients.append(c)
    outcome = race(lambda c: c.post(url, data, follow=follow), [(c,) for c in clients])
    assert outcome.errors == []
    return outcome.results


LIMITS = {
    # kind: (status when stored, status when refused, words the refused ones read)
    "proposal": (302, 200, "5 proposals in the last hour"),
    "comment": (200, 200, "5 comments in the last hour"),  # followed to the proposal page
    "recommendation": (302, 400, "many recommendations recently"),
    "contact": (302, 200, "5 messages in the last hour"),
}


@pytest.mark.parametrize("kind", list(LIMITS))
def test_twenty_parallel_posts_against_a_limit_of_five_store_exactly_five_while_redis_is_down(
    kind, settings, world, redis_down, bob
):
    settings.PARTICIPATION_PROPOSALS_PER_HOUR = 5
    settings.PARTICIPATION_COMMENTS_PER_HOUR = 5
    settings.INITIATIVES_CONTACTS_PER_HOUR = 5
    city, proposal = world.space.city.slug, world.proposal
    url, data, stored = {
        "proposal": (
            f"/en/cities/{city}/proposals/new/",
            {"title": "A fountain", "text": "Water.", "theme": proposal.theme_id},
            Proposal.objects.filter(author=bob),
        ),
        "comment": (
            f"/en/cities/{city}/proposals/{proposal.pk}/comments/",
            {"text": "Me too!"},
            Comment.objects.filter(author=bob),
        ),
        # Ten recipients an hour: two per recommendation make five recommendations.
        "recommendation": (
            f"/en/missions/{world.mission.pk}/recommend/",
            {"emails": "eve@example.org, finn@example.org"},
            Recommendation.objects.filter(sender=bob),
        ),
        "contact": (
            f"/en/initiatives/{world.initiative.pk}/contact/",
            {"body": "Can I help?"},
            ContactMessage.objects.filter(sender=bob),
        ),
    }[kind]
    ok, refused, words = LIMITS[kind]

    responses = _post_in_parallel(bob, url, data, follow=kind == "comment")

    assert stored.count() == 5
    # Only the stored ones left work behind (a refused one rolled back with its job).
    assert OutboxJob.objects.count() == {"comment": 5, "recommendation": 5}.get(kind, 0)
    assert all(r.status_code < 500 for r in responses)
    turned_away = [r for r in responses if words in r.content.decode()]
    assert len(turned_away) == 15
    assert {r.status_code for r in turned_away} == {refused}
    assert sorted(r.status_code for r in responses if r not in turned_away) == [ok] * 5
