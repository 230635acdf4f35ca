import pytest
from django.core.exceptions import ValidationError

from civic.core.permissions import NotAllowed
from crowdfunding.models import Campaign, Pledge, PledgeEvent, PledgeStatus, RewardTier
from crowdfunding.services import (
    match_for,
    partner_add,
    pledge_create,
    pledge_transition,
    reward_add,
    time_need_add,
    time_offer_create,
)
from crowdfunding.services.campaigns import city_today
from tests.crowdfunding.factories import ProjectFactory, expire, open_campaign
from tests.factories import MemberFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_an_offline_pledge_is_a_promise_counted_in_the_totals(campaign, bob):
    pledge = pledge_create(campaign=campaign, backer=bob, amount_cents=2500, message="Bravo")

    campaign.refresh_from_db()
    assert pledge.status == PledgeStatus.PROMISED
    assert (campaign.pledged_cents, campaign.backers_count) == (2500, 1)
    assert list(PledgeEvent.objects.filter(pledge=pledge).values_list("to_status", "actor")) == [
        ("pending", bob.pk),
        ("promised", bob.pk),
    ]


def test_an_unverified_member_cannot_pledge(campaign):
    stranger = MemberFactory(verified=False)
    with pytest.raises(NotAllowed):
        pledge_create(campaign=campaign, backer=stranger, amount_cents=1000)


@pytest.mark.parametrize("amount", [0, -100, 100_000_001, "12"])
def test_absurd_amounts_are_refused_and_nothing_is_saved(campaign, bob, amount):
    with pytest.raises(ValidationError):
        pledge_create(campaign=campaign, backer=bob, amount_cents=amount)
    assert not Pledge.objects.exists()
    campaign.refresh_from_db()
    assert campaign.pledged_cents == 0


def test_nobody_can_pledge_after_the_deadline(campaign, bob):
    expire(campaign)
    with pytest.raises(ValidationError, match="closed"):
        pledge_create(campaign=campaign, backer=bob, amount_cents=1000)


def test_nobody_can_pledge_on_a_closed_campaign(campaign, bob):
    Campaign.objects.filter(pk=campaign.pk).update(status="cancelled")
    with pytest.raises(ValidationError, match="closed"):
        pledge_create(campaign=campaign, backer=bob, amount_cents=1000)


def test_a_reward_of_another_campaign_is_refused(campaign, alice, bob, city):
    other = open_campaign(ProjectFactory(holder_member=bob, city=city), by=bob)
    foreign = reward_add(campaign=other, by=bob, title="Mug", min_amount_cents=100)

    with pytest.raises(ValidationError) as exc:
        pledge_create(campaign=campaign, backer=alice, amount_cents=1000, reward=foreign)

    assert "another campaign" in str(exc.value)
    assert not Pledge.objects.exists()
    foreign.refresh_from_db()
    assert foreign.claimed == 0


def test_a_reward_needs_its_minimum_and_is_never_sold_beyond_its_quantity(campaign, alice, bob, charlie):
    tier = reward_add(campaign=campaign, by=alice, title="T-shirt", min_amount_cents=2000, quantity=1)

    with pytest.raises(ValidationError, match="at least"):
        pledge_create(campaign=campaign, backer=bob, amount_cents=1000, reward=tier)
    pledge_create(campaign=campaign, backer=bob, amount_cents=2000, reward=tier)
    with pytest.raises(ValidationError, match="sold out"):
        pledge_create(campaign=campaign, backer=charlie, amount_cents=5000, reward=tier)

    tier.refresh_from_db()
    assert tier.claimed == 1


def test_only_the_holder_adds_rewards_and_time_needs(campaign, bob):

    with pytest.raises(NotAllowed):
        reward_add(campaign=campaign, by=bob, title="Mug", min_amount_cents=100)
    with pytest.raises(NotAllowed):
        time_need_add(
            campaign=campaign, by=bob, role="Builders", people_wanted=4, day=city_today(campaign.project.city)
        )


def test_time_offers_stop_when_enough_people_came_and_count_once_per_member(campaign, alice, bob, charlie):

    need = time_need_add(
        campaign=campaign,
        by=alice,
        role="Build benches",
        people_wanted=1,
        day=city_today(campaign.project.city),
    )
    time_offer_create(need=need, member=bob)

    with pytest.raises(ValidationError, match="already offered"):
        time_offer_create(need=need, member=bob)
    with pytest.raises(ValidationError, match="Enough people"):
        time_offer_create(need=need, member=charlie)
    need.refresh_from_db()
    assert need.offers_count == 1


@pytest.mark.parametrize(
    ("amount", "per_pledge", "total", "already", "expected"),
    [
        (1000, 5000, 100000, 0, 1000),  # doubled
        (8000, 5000, 100000, 0, 5000),  # per-pledge cap
        (8000, 5000, 100000, 97000, 3000),  # what is left of the total cap
        (8000, 5000, 100000, 100000, 0),  # cap exhausted
    ],
)
def test_match_funding_doubles_a_pledge_within_both_caps(amount, per_pledge, total, already, expected):
    assert match_for(amount, cap_per_pledge=per_pledge, total_cap=total, already_matched=already) == expected


def _partner(campaign, *, kind="match", **amounts):
    official = MemberFactory()
    org = OrganizationFactory(kind="public_body")
    MembershipFactory(user=official, organization=org)
    return partner_add(campaign=campaign, organization=org, by=official, kind=kind, **amounts)


def test_match_funding_is_counted_exactly_and_stops_at_the_total_cap(campaign, bob, charlie):
    partner = _partner(campaign, match_cap_per_pledge_cents=3000, match_total_cap_cents=5000)
    fixed = _partner(campaign, kind="fixed", fixed_cents=10000)

    first = pledge_create(campaign=campaign, backer=bob, amount_cents=4000)
    second = pledge_create(campaign=campaign, backer=charlie, amount_cents=4000)

    campaign.refresh_from_db()
    partner.refresh_from_db()
    assert (first.matched_cents, second.matched_cents) == (3000, 2000)
    assert partner.matched_cents == 5000
    assert (campaign.pledged_cents, campaign.matched_cents, campaign.partner_fixed_cents) == (
        8000,
        5000,
        10000,
    )
    assert campaign.raised_cents == 23000
    assert fixed.fixed_cents == 10000


def test_a_member_can_only_back_in_the_name_of_their_own_organisation(campaign, bob):
    org = OrganizationFactory(kind="company")
    with pytest.raises(NotAllowed):
        partner_add(campaign=campaign, organization=org, by=bob, kind="fixed", fixed_cents=100)


def test_pledge_states_only_move_forward(campaign, bob):
    pledge = pledge_create(campaign=campaign, backer=bob, amount_cents=1000)

    assert pledge_transition(pledge_id=pledge.pk, to=PledgeStatus.COLLECTED, source="test") is True
    assert pledge_transition(pledge_id=pledge.pk, to=PledgeStatus.PROMISED, source="test") is False
    assert pledge_transition(pledge_id=pledge.pk, to=PledgeStatus.RELEASED, source="test") is False
    campaign.refresh_from_db()
    assert campaign.pledged_cents == 1000


def test_releasing_a_pledge_gives_back_its_match_and_its_reward(campaign, alice, bob):
    partner = _partner(campaign, match_cap_per_pledge_cents=3000, match_total_cap_cents=5000)
    tier = reward_add(campaign=campaign, by=alice, title="Mug", min_amount_cents=100, quantity=3)
    pledge = pledge_create(campaign=campaign, backer=bob, amount_cents=1000, reward=tier)

    pledge_transition(pledge_id=pledge.pk, to=PledgeStatus.RELEASED, source="test")

    campaign.refresh_from_db()
    partner.refresh_from_db()
    tier = RewardTier.objects.get(pk=tier.pk)
    assert (campaign.pledged_cents, campaign.matched_cents, campaign.backers_count) == (0, 0, 0)
    assert partner.matched_cents == 0
    assert tier.claimed == 0
