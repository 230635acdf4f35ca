"""Races with real threads against PostgreSQL: each thread has its own connection."""

import pytest
from django.urls import reverse

from civic.notifications.models import Notification
from participation import services
from participation.admin import ProposalAdmin
from participation.models import Proposal, Support
from tests.admin_forms import change_form_data, during_admin_request
from tests.factories import MemberFactory
from tests.race import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_supporting_twice_in_parallel_counts_once(proposal, bob):
    outcome = race(lambda: services.proposal_support(proposal=proposal, member=bob), [()] * 6)

    assert outcome.errors == []
    assert Support.objects.filter(proposal=proposal, member=bob).count() == 1
    assert Proposal.objects.get(pk=proposal.pk).supports_count == 1


def test_parallel_supports_crossing_the_threshold_notify_the_official_once(proposal, olga):
    members = [MemberFactory() for _ in range(6)]  # threshold is 3

    outcome = race(lambda m: services.proposal_support(proposal=proposal, member=m), [(m,) for m in members])

    assert outcome.errors == []
    proposal.refresh_from_db()
    assert proposal.supports_count == 6 == proposal.supports.count()
    assert proposal.threshold_reached_at is not None
    assert Notification.objects.filter(kind="participation.threshold_reached", recipient=olga).count() == 1


def test_parallel_support_and_withdrawal_keep_the_counter_exact(proposal, bob, charlie):
    services.proposal_support(proposal=proposal, member=bob)

    outcome = race(
        lambda action, m: action(proposal=proposal, member=m),
        [
            (services.support_withdraw, bob),
            (services.proposal_support, charlie),
            (services.support_withdraw, bob),
        ],
    )

    assert outcome.errors == []
    proposal.refresh_from_db()
    assert proposal.supports_count == proposal.supports.count() == 1


def _support(proposal_id):
    services.proposal_support(proposal=Proposal.objects.get(pk=proposal_id), member=MemberFactory())


def test_a_support_during_an_admin_save_of_the_proposal_is_not_lost(
    client, edith, proposal, bob, monkeypatch
):
    services.proposal_support(proposal=proposal, member=bob)
    url = reverse("admin:participation_proposal_change", args=[proposal.pk])
    client.force_login(edith)
    data = change_form_data(client, url, title="More benches and trees on the square")
    support = during_admin_request(monkeypatch, ProposalAdmin, "before_save", _support, proposal.pk)

    response = client.post(url, data)
    support.finish()

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "More benches and trees on the square"
    assert proposal.supports_count == 2 == proposal.supports.count()
