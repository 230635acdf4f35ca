"""Races with real threads on PostgreSQL: totals stay exact and rewards are never oversold."""

import random

import pytest
from django.db.models import Sum

from crowdfunding.models import Campaign, Partner, Pledge, PledgeMatch, RewardTier
from crowdfunding.services import partner_add, pledge_create, reward_add
from crowdfunding.services.campaigns import city_today
from tests.crowdfunding.factories import ProjectFactory, open_campaign
from tests.factories import CityFactory, MemberFactory, MembershipFactory, OrganizationFactory
from tests.race import race

THREADS = 200
# The embedded PostgreSQL allows 100 connections: at most this many threads hold one at a time
# (each closes it when done), so all 200 still race for the same campaign row lock.
MAX_CONNECTIONS = 40


def _is_sold_out(exc) -> bool:
    reward_errors = getattr(exc, "error_dict", {}).get("reward", [])
    return any(error.code == "sold_out" for error in reward_errors)


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_pledges_keep_totals_exact_with_match_funding_and_never_oversell_a_reward():
    city = CityFactory(slug="race-city")
    holder = MemberFactory(email="holder@example.org")
    campaign = open_campaign(
        ProjectFactory(holder_member=holder, city=city), by=holder, goal_cents=10_000_000
    )
    tier = reward_add(
        campaign=campaign, by=holder, title="Limited poster", min_amount_cents=1000, quantity=25
    )
    official = MemberFactory(email="official@example.org")
    city_hall = OrganizationFactory(slug="race-hall", kind="public_body", city=city)
    MembershipFactory(user=official, organization=city_hall)
    partner_add(
        campaign=campaign,
        organization=city_hall,
        by=official,
        kind="match",
        match_cap_per_pledge_cents=1500,
        match_total_cap_cents=100_000,
    )
    backers = [MemberFactory(email=f"backer{i}@example.org") for i in range(THREADS)]
    rng = random.Random(7)
    amounts = [rng.randint(1, 50) * 100 for _ in range(THREADS)]

    def pledge(i):
        with_reward = i % 2 == 0 and amounts[i] >= 1000
        pledge_create(
            campaign=campaign,
            backer=backers[i],
            amount_cents=amounts[i],
            reward=tier if with_reward else None,
        )

    outcome = race(pledge, [(i,) for i in range(THREADS)], tolerated=_is_sold_out, at_once=MAX_CONNECTIONS)
    sold_out = outcome.refused

    assert outcome.errors == []
    campaign = Campaign.objects.get(pk=campaign.pk)
    counted = Pledge.objects.filter(campaign=campaign).counted()
    assert campaign.pledged_cents == counted.aggregate(s=Sum("amount_cents"))["s"]
    assert campaign.backers_count == counted.count() == THREADS - len(sold_out)
    matched = PledgeMatch.objects.filter(pledge__campaign=campaign).aggregate(s=Sum("amount_cents"))["s"]
    assert campaign.matched_cents == matched == counted.aggregate(s=Sum("matched_cents"))["s"]
    assert Partner.objects.get(campaign=campaign).matched_cents == matched <= 100_000
    assert all(p.matched_cents <= min(p.amount_cents, 1500) for p in counted)
    assert matched == 100_000  # the pledges asked for far more: the total cap is used exactly, not passed
    tier = RewardTier.objects.get(pk=tier.pk)
    assert tier.claimed == Pledge.objects.filter(reward=tier).count() <= 25
    assert sold_out, "the race should have tried to oversell the reward"
    assert campaign.raised_cents == campaign.pledged_cents + matched


@pytest.mark.django_db(transaction=True)
def test_concurrent_time_offers_never_exceed_the_people_wanted_and_double_clicks_count_once():

    from crowdfunding.models import TimeNeed, TimeOffer
    from crowdfunding.services import time_need_add, time_offer_create

    holder = MemberFactory(email="holder2@example.org")
    campaign = open_campaign(ProjectFactory(holder_member=holder), by=holder)
    need = time_need_add(
        campaign=campaign, by=holder, role="Benches", people_wanted=5, day=city_today(campaign.project.city)
    )
    members = [MemberFactory(email=f"helper{i}@example.org") for i in range(15)]
    # Every member clicks twice at the same time.
    attempts = [m for m in members for _ in range(2)]

    outcome = race(
        lambda member: time_offer_create(need=need, member=member),
        [(m,) for m in attempts],
        tolerated=lambda exc: getattr(exc, "code", None) in {"full", "duplicate"},
    )

    assert outcome.errors == []
    need = TimeNeed.objects.get(pk=need.pk)
    offers = TimeOffer.objects.filter(need=need)
    assert need.offers_count == offers.count() == 5
    assert offers.values("member").distinct().count() == 5
