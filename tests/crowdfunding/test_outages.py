"""The payment provider away, a process dying after a campaign closed, news to many backers:
the member gets a clear answer at once, nothing is left half-made, and background work happens
once. The provider is a real HTTP server on localhost (or a closed port): no network function is
mocked."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.urls import reverse

from civic.accounts.models import User
from civic.notifications.models import Notification
from crowdfunding import services
from crowdfunding.models import Campaign, Pledge, PledgeStatus, ProjectFollow, RewardTier
from crowdfunding.payments.base import PaymentUnavailable
from crowdfunding.services import (
    campaign_cancel,
    pledge_create,
    pledge_transition,
    project_post_update,
    reward_add,
)
from crowdfunding.tasks import (
    notify_campaign_end,
    notify_campaign_receipts,
    notify_project_update_batch,
    pledge_settle_with_provider,
    send_project_update,
)
from tests.factories import MemberFactory
from tests.outbox import pending_jobs, run_job, run_jobs

pytestmark = pytest.mark.django_db

UNAVAILABLE = (
    "The payment service cannot be reached right now; nothing was charged. Please try again in a few minutes."
)


def closed_port() -> int:
    """A localhost port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeStripe(BaseHTTPRequestHandler):
    """Answers every POST like Stripe would (an empty object) and remembers what it was asked."""

    calls: list[tuple[str, str]] = []

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        FakeStripe.calls.append((self.path, self.headers.get("Idempotency-Key", "")))
        body = json.dumps({"id": "cs_1", "url": "https://checkout.example/cs_1"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def stripe(settings):
    """Card payments enabled, pointed at a closed port (the provider is unreachable)."""
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    settings.STRIPE_TIMEOUT = 2
    settings.STRIPE_API_URL = f"http://127.0.0.1:{closed_port()}/v1"
    return settings


@pytest.fixture
def stripe_up(stripe):
    """A provider that answers, on localhost."""
    FakeStripe.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripe)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stripe.STRIPE_API_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield FakeStripe.calls
    server.shutdown()
    server.server_close()


# --- The provider cannot be reached when a member pledges by card ------------------------------


def test_a_card_pledge_when_the_provider_is_unreachable_says_so_and_leaves_nothing_behind(
    client, stripe, campaign, alice, bob
):
    tier = reward_add(campaign=campaign, by=alice, title="Mug", min_amount_cents=100, quantity=1)
    client.force_login(bob)

    response = client.post(
        reverse("crowdfunding:pledge_create", args=[campaign.pk]),
        {"amount": "50", "gateway": "stripe", "reward": tier.pk},
    )

    assert response.status_code == 200
    assert UNAVAILABLE in response.content.decode()
    pledge = Pledge.objects.get()
    assert pledge.status == PledgeStatus.FAILED  # never counted, never shown as pending
    assert RewardTier.objects.get(pk=tier.pk).claimed == 0  # the mug is free again
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert (campaign.pledged_cents, campaign.backers_count) == (0, 0)


def test_a_card_pledge_goes_to_the_checkout_when_the_provider_answers(client, stripe_up, campaign, bob):
    client.force_login(bob)

    response = client.post(
        reverse("crowdfunding:pledge_create", args=[campaign.pk]), {"amount": "50", "gateway": "stripe"}
    )

    assert response.status_code == 302 and response["Location"] == "https://checkout.example/cs_1"
    assert [path for path, _key in stripe_up] == ["/v1/checkout/sessions"]
    assert Pledge.objects.get().status == PledgeStatus.PENDING


# --- The provider's side of a closing is an outbox job, done once -----------------------------


@pytest.fixture
def authorised(stripe, campaign, bob):
    """Bob paid by card: the card is authorised (payment intent pi_1), not captured."""
    pledge = pledge_create(campaign=campaign, backer=bob, amount_cents=5000, gateway="stripe")
    Pledge.objects.filter(pk=pledge.pk).update(external_id="pi_1")
    pledge_transition(pledge_id=pledge.pk, to=PledgeStatus.AUTHORISED, source="webhook:test")
    return pledge


def test_cancelling_a_campaign_records_the_release_as_a_job_and_calls_nobody_during_the_request(
    stripe_up, campaign, alice, authorised
):
    campaign_cancel(campaign=campaign, by=alice)

    assert stripe_up == []
    job = pending_jobs("crowdfunding.tasks.pledge_settle_with_provider").get()
    assert job.args == [authorised.pk, "release"]
    assert Pledge.objects.get(pk=authorised.pk).status == PledgeStatus.RELEASED

    run_jobs()

    assert stripe_up == [("/v1/payment_intents/pi_1/cancel", f"civic-pledge-{authorised.pk}-release")]


def test_the_release_job_run_twice_asks_the_provider_once(stripe_up, campaign, alice, authorised):
    campaign_cancel(campaign=campaign, by=alice)
    run_jobs()

    pledge_settle_with_provider.apply(args=[authorised.pk, "release"])  # redelivered after it ran

    assert len(stripe_up) == 1


def test_a_release_while_the_provider_is_down_stays_owed_and_is_retried(stripe, campaign, alice, authorised):
    campaign_cancel(campaign=campaign, by=alice)  # the closing itself succeeds
    job = pending_jobs("crowdfunding.tasks.pledge_settle_with_provider").get()

    with pytest.raises(PaymentUnavailable):
        run_job(job)

    job.refresh_from_db()
    assert job.run_after is not None and job.taken_at is None  # waits for its retry
    assert "PaymentUnavailable" in job.last_error
    assert Campaign.objects.get(pk=campaign.pk).status == "cancelled"


def test_offline_pledges_need_no_provider_job(campaign, alice, bob):
    pledge_create(campaign=campaign, backer=bob, amount_cents=500)

    campaign_cancel(campaign=campaign, by=alice)

    assert not pending_jobs("crowdfunding.tasks.pledge_settle_with_provider").exists()


# --- The end of a campaign is told by jobs, once -------------------------------------------------


def test_cancelling_a_campaign_tells_backers_by_jobs_once_each(client, campaign, alice, bob, charlie):
    pledge_create(campaign=campaign, backer=bob, amount_cents=500)
    pledge_create(campaign=campaign, backer=charlie, amount_cents=700)
    client.force_login(alice)

    response = client.post(reverse("crowdfunding:campaign_cancel", args=[campaign.pk]))

    assert response.status_code == 302
    assert not Notification.objects.filter(kind="crowdfunding.pledge_receipt").exists()
    assert pending_jobs("crowdfunding.tasks.notify_campaign_receipts").count() == 1
    run_jobs()
    receipts = Notification.objects.filter(kind="crowdfunding.pledge_receipt")
    assert sorted(receipts.values_list("recipient_id", flat=True)) == sorted([bob.pk, charlie.pk])
    assert Notification.objects.filter(recipient=alice, kind="crowdfunding.campaign_ended").count() == 1

    pledge_ids = list(Pledge.objects.values_list("pk", flat=True))
    notify_campaign_receipts.apply(args=[campaign.pk, pledge_ids])  # run again: nothing more
    notify_campaign_end.apply(args=[campaign.pk])
    assert receipts.count() == 2
    assert Notification.objects.filter(kind="crowdfunding.campaign_ended").count() == 1


# --- News to many backers leaves the request -----------------------------------------------------


def test_news_is_sent_by_jobs_once_to_each_follower_in_their_language(project, alice):
    vera = MemberFactory(email="vera@example.org", language="en")
    pablo = MemberFactory(email="pablo@example.org", language="es")
    for member in (vera, pablo, alice):
        ProjectFollow.objects.create(project=project, member=member)
    project.title_es = "Bancos del barrio"
    project.save()

    update = project_post_update(project=project, by=alice, title="Benches built", body="Thank you!")

    assert not Notification.objects.filter(kind="crowdfunding.project_update").exists()
    assert mail.outbox == []
    run_jobs()
    got = {n.recipient_id: n for n in Notification.objects.filter(kind="crowdfunding.project_update")}
    assert got.keys() == {vera.pk, pablo.pk}  # not the author
    assert got[pablo.pk].title == "Novedades de «Bancos del barrio»: Benches built"

    send_project_update.apply(args=[update.pk])  # run again: nobody hears it twice
    run_jobs()
    assert Notification.objects.filter(kind="crowdfunding.project_update").count() == 2
    assert len(mail.outbox) == 2


def test_a_news_batch_run_twice_notifies_nobody_twice(project, alice):
    vera = MemberFactory(email="vera@example.org", language="en")
    pablo = MemberFactory(email="pablo@example.org", language="es")
    for member in (vera, pablo):
        ProjectFollow.objects.create(project=project, member=member)
    update = project_post_update(project=project, by=alice, title="Benches built", body="Thank you!")
    run_jobs()
    news = Notification.objects.filter(kind="crowdfunding.project_update")
    first = sorted(news.values_list("recipient_id", "email_status")), len(mail.outbox)

    assert notify_project_update_batch(update.pk, [vera.pk, pablo.pk]) == 0  # redelivered
    run_jobs()

    assert (sorted(news.values_list("recipient_id", "email_status")), len(mail.outbox)) == first
    assert first[1] == 2


def test_news_to_300_followers_costs_the_request_a_bounded_number_of_queries(
    client, project, alice, django_assert_max_num_queries, monkeypatch
):
    members = User.objects.bulk_create(
        User(email=f"f{i}@example.org", display_name=f"F{i}", language="en") for i in range(300)
    )
    ProjectFollow.objects.bulk_create(ProjectFollow(project=project, member=m) for m in members)
    client.force_login(alice)

    with django_assert_max_num_queries(20):
        response = client.post(
            reverse("crowdfunding:update_create", args=[project.pk]), {"title": "Benches", "body": "Built."}
        )

    assert response.status_code == 302
    monkeypatch.setattr(services.closing, "NOTIFY_BATCH", 120)
    run_job(pending_jobs("crowdfunding.tasks.send_project_update").get())
    assert pending_jobs("crowdfunding.tasks.notify_project_update_batch").count() == 3
    run_jobs()
    assert Notification.objects.filter(kind="crowdfunding.project_update").count() == 300
