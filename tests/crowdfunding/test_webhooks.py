"""Stripe webhooks, tested offline with payloads signed like Stripe signs them (no network)."""

import json
import logging
import time

import pytest
from django.urls import reverse

from crowdfunding.models import Pledge, PledgeStatus, WebhookEvent
from crowdfunding.payments.stripe import SignatureError, StripeGateway, sign, verify_signature
from crowdfunding.services import pledge_create

pytestmark = pytest.mark.django_db
SECRET = "whsec_test_secret"


@pytest.fixture(autouse=True)
def _stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def pending(campaign, bob):
    return pledge_create(campaign=campaign, backer=bob, amount_cents=5000, gateway="stripe")


def _event(event_id, kind, pledge, **obj):
    data = {"metadata": {"pledge_id": str(pledge.pk)}, "amount": pledge.amount_cents, **obj}
    if kind.startswith("checkout."):
        data = {
            "object": "checkout.session",
            "client_reference_id": str(pledge.pk),
            "payment_intent": "pi_123",
            "amount_total": pledge.amount_cents,
            "metadata": {"pledge_id": str(pledge.pk)},
        }
    else:
        data.setdefault("object", "payment_intent")
        data.setdefault("id", "pi_123")
    return json.dumps({"id": event_id, "type": kind, "data": {"object": data}}).encode()


def _post(client, payload, *, signature=None, secret=SECRET):
    header = signature if signature is not None else sign(payload, secret)
    return client.post(
        reverse("crowdfunding:stripe_webhook"),
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": header} if header else {},
    )


def test_a_card_pledge_waits_for_the_checkout_and_is_not_counted_yet(campaign, pending):
    campaign.refresh_from_db()
    assert pending.status == PledgeStatus.PENDING
    assert campaign.pledged_cents == 0


def test_a_signed_checkout_completion_authorises_and_counts_the_pledge(client, campaign, pending):
    response = _post(client, _event("evt_1", "checkout.session.completed", pending))

    assert response.status_code == 200
    pending.refresh_from_db()
    campaign.refresh_from_db()
    assert pending.status == PledgeStatus.AUTHORISED
    assert pending.external_id == "pi_123"
    assert campaign.pledged_cents == 5000
    assert pending.events.last().source.startswith("webhook:evt_1")


def test_the_same_event_delivered_twice_counts_once(client, campaign, pending):
    payload = _event("evt_1", "checkout.session.completed", pending)
    assert _post(client, payload).content == b"applied"
    assert _post(client, payload).content == b"duplicate"

    campaign.refresh_from_db()
    assert (campaign.pledged_cents, campaign.backers_count) == (5000, 1)
    assert WebhookEvent.objects.count() == 1


def test_events_out_of_order_never_count_twice_nor_go_back(client, campaign, pending):
    _post(client, _event("evt_2", "payment_intent.succeeded", pending))
    response = _post(client, _event("evt_1", "checkout.session.completed", pending))

    assert response.content == b"stale"
    pending.refresh_from_db()
    campaign.refresh_from_db()
    assert pending.status == PledgeStatus.COLLECTED
    assert (campaign.pledged_cents, campaign.backers_count) == (5000, 1)


def test_an_expired_checkout_fails_the_pledge_and_frees_its_reward(client, campaign, alice, bob):
    from crowdfunding.services import reward_add

    tier = reward_add(campaign=campaign, by=alice, title="Mug", min_amount_cents=100, quantity=1)
    pledge = pledge_create(campaign=campaign, backer=bob, amount_cents=5000, gateway="stripe", reward=tier)
    _post(client, _event("evt_9", "checkout.session.expired", pledge))

    pledge.refresh_from_db()
    tier.refresh_from_db()
    assert pledge.status == PledgeStatus.FAILED
    assert tier.claimed == 0


@pytest.mark.parametrize(
    "signature",
    ["", "t=1,v1=deadbeef", "garbage", None],
    ids=["missing", "bad", "malformed", "wrong-secret"],
)
def test_unsigned_or_badly_signed_webhooks_get_a_400_and_a_log_line(
    client, campaign, pending, signature, caplog
):
    payload = _event("evt_1", "checkout.session.completed", pending)
    if signature is None:
        signature = sign(payload, "whsec_someone_else")

    with caplog.at_level(logging.WARNING, logger="crowdfunding.views"):
        response = _post(client, payload, signature=signature)

    assert response.status_code == 400
    assert "stripe webhook refused" in caplog.text
    pending.refresh_from_db()
    assert pending.status == PledgeStatus.PENDING
    assert not WebhookEvent.objects.exists()


def test_a_replayed_old_signature_is_outside_the_tolerance_window():
    payload = b'{"id": "evt_1", "type": "x"}'
    old = sign(payload, SECRET, timestamp=int(time.time()) - 3600)
    with pytest.raises(SignatureError, match="tolerance"):
        verify_signature(payload, old, SECRET)
    verify_signature(payload, sign(payload, SECRET), SECRET)


def test_a_tampered_payload_does_not_verify():
    header = sign(b'{"amount": 100}', SECRET)
    with pytest.raises(SignatureError, match="mismatch"):
        verify_signature(b'{"amount": 999}', header, SECRET)


def test_an_amount_that_differs_from_the_pledge_is_ignored(client, campaign, pending):
    payload = json.dumps(
        {
            "id": "evt_x",
            "type": "payment_intent.succeeded",
            "data": {
                "object": {
                    "object": "payment_intent",
                    "id": "pi_1",
                    "amount": 1,
                    "metadata": {"pledge_id": str(pending.pk)},
                }
            },
        }
    ).encode()
    assert _post(client, payload).content == b"amount_mismatch"
    assert Pledge.objects.get(pk=pending.pk).status == PledgeStatus.PENDING


def test_checkout_parameters_ask_for_a_manual_capture_in_cents(pending):
    params = StripeGateway().checkout_params(pending, success_url="https://x/ok", cancel_url="https://x/no")

    assert params["payment_intent_data[capture_method]"] == "manual"
    assert params["line_items[0][price_data][unit_amount]"] == "5000"
    assert params["line_items[0][price_data][currency]"] == "eur"
    assert params["metadata[pledge_id]"] == str(pending.pk)


def test_card_payments_are_off_without_keys(settings, campaign, bob):
    from django.core.exceptions import ValidationError

    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(ValidationError, match="not available"):
        pledge_create(campaign=campaign, backer=bob, amount_cents=5000, gateway="stripe")
