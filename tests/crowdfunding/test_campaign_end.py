import datetime
from datetime import timedelta

import pytest
from django.core import mail

from civic.core.permissions import NotAllowed
from civic.notifications.models import Notification
from crowdfunding.models import CampaignStatus, Pledge, PledgeStatus, Stage
from crowdfunding.services import (
    campaign_cancel,
    pledge_create,
    pledge_mark_received,
    project_move_stage,
    project_post_update,
    reward_add,
    time_need_add,
    time_offer_create,
)
from crowdfunding.services.campaigns import city_today
from crowdfunding.tasks import close_campaign, close_due_campaigns
from tests.crowdfunding.factories import ProjectFactory, expire, open_campaign
from tests.outbox import run_jobs

pytestmark = pytest.mark.django_db


def _snapshot(campaign):
    campaign.refresh_from_db()
    return (
        campaign.status,
        campaign.pledged_cents,
        campaign.backers_count,
        campaign.final_raised_cents,
        sorted(Pledge.objects.filter(campaign=campaign).values_list("pk", "status")),
        Notification.objects.count(),
    )


def test_reaching_the_goal_funds_the_campaign_and_sends_every_backer_a_receipt(
    campaign, project, alice, bob, charlie, django_capture_on_commit_callbacks
):
    need = time_need_add(
        campaign=campaign, by=alice, role="Benches", people_wanted=4, day=city_today(campaign.project.city)
    )
    pledge_create(campaign=campaign, backer=bob, amount_cents=60_000)
    pledge_create(campaign=campaign, backer=charlie, amount_cents=40_000)
    time_offer_create(need=need, member=charlie)
    expire(campaign)

    with django_capture_on_commit_callbacks(execute=True):
        assert close_due_campaigns.delay().get() == 1

    campaign.refresh_from_db()
    project.refresh_from_db()
    assert campaign.status == CampaignStatus.FUNDED
    assert campaign.final_raised_cents == 100_000
    assert project.stage == Stage.FUNDED
    # Offline pledges stay promises, now due: the holder marks each payment received.
    assert set(Pledge.objects.values_list("status", flat=True)) == {PledgeStatus.PROMISED}
    receipts = {m.to[0]: m for m in mail.outbox if "600" in m.body or "400" in m.body}
    assert set(receipts) == {bob.email, charlie.email}
    assert Notification.objects.filter(recipient=alice, kind="crowdfunding.campaign_ended").count() == 1
    assert Notification.objects.filter(recipient=charlie, kind="crowdfunding.time_offer_ended").count() == 1


def test_running_the_end_task_twice_changes_nothing_the_second_time(
    campaign, bob, django_capture_on_commit_callbacks
):
    pledge_create(campaign=campaign, backer=bob, amount_cents=100_000)
    expire(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        close_due_campaigns()
    first, emails = _snapshot(campaign), len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        assert close_due_campaigns() == 0

    assert _snapshot(campaign) == first
    assert len(mail.outbox) == emails


def test_closing_a_campaign_twice_changes_nothing_the_second_time(campaign, bob, charlie):
    pledge_create(campaign=campaign, backer=bob, amount_cents=60_000)
    pledge_create(campaign=campaign, backer=charlie, amount_cents=10_000)
    expire(campaign)
    assert close_campaign(campaign.pk) is True
    run_jobs()
    first, emails = _snapshot(campaign), len(mail.outbox)

    assert close_campaign(campaign.pk) is False
    run_jobs()

    assert _snapshot(campaign) == first
    assert first[0] == CampaignStatus.NOT_FUNDED
    assert len(mail.outbox) == emails


def test_an_open_campaign_before_its_deadline_is_left_alone(campaign, bob):
    pledge_create(campaign=campaign, backer=bob, amount_cents=100_000)
    assert close_due_campaigns() == 0
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_missing_the_goal_all_or_nothing_releases_every_pledge(campaign, project, alice, bob, charlie):
    tier = reward_add(campaign=campaign, by=alice, title="Mug", min_amount_cents=100, quantity=5)
    pledge_create(campaign=campaign, backer=bob, amount_cents=1000, reward=tier)
    pledge_create(campaign=campaign, backer=charlie, amount_cents=2000)
    expire(campaign)

    close_due_campaigns()
    run_jobs()  # receipts are sent by jobs recorded with the closing

    campaign.refresh_from_db()
    project.refresh_from_db()
    tier.refresh_from_db()
    assert campaign.status == CampaignStatus.NOT_FUNDED
    assert project.stage == Stage.NOT_FUNDED
    assert set(Pledge.objects.values_list("status", flat=True)) == {PledgeStatus.RELEASED}
    assert (campaign.pledged_cents, campaign.backers_count, campaign.final_raised_cents) == (0, 0, 3000)
    assert tier.claimed == 0
    assert Notification.objects.filter(kind="crowdfunding.pledge_receipt").count() == 2


def test_keep_what_you_raise_keeps_a_partial_amount(project, alice, bob):
    campaign = open_campaign(project, by=alice, mode="keep_what_you_raise")
    pledge_create(campaign=campaign, backer=bob, amount_cents=1000)
    expire(campaign)

    close_due_campaigns()

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FUNDED
    assert Pledge.objects.get().status == PledgeStatus.PROMISED


def test_keep_what_you_raise_with_nothing_raised_is_not_funded(project, alice):
    campaign = open_campaign(project, by=alice, mode="keep_what_you_raise")
    expire(campaign)
    close_due_campaigns()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.NOT_FUNDED


def test_the_holder_marks_money_received_and_the_backer_gets_a_payment_receipt(
    campaign, alice, bob, charlie, django_capture_on_commit_callbacks
):
    pledge = pledge_create(campaign=campaign, backer=bob, amount_cents=100_000)
    with pytest.raises(Exception, match="once the campaign is funded"):
        pledge_mark_received(pledge=pledge, by=alice)
    expire(campaign)
    close_due_campaigns()

    with pytest.raises(NotAllowed):
        pledge_mark_received(pledge=pledge, by=charlie)
    with django_capture_on_commit_callbacks(execute=True):
        pledge_mark_received(pledge=pledge, by=alice)

    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.COLLECTED
    assert pledge.events.last().actor == alice
    assert Notification.objects.filter(recipient=bob, kind="crowdfunding.payment_received").exists()
    campaign.refresh_from_db()
    assert campaign.pledged_cents == 100_000


def test_the_holder_can_cancel_an_open_campaign_and_promises_are_released(
    campaign, project, alice, bob, charlie
):
    pledge_create(campaign=campaign, backer=bob, amount_cents=500)
    with pytest.raises(NotAllowed):
        campaign_cancel(campaign=campaign, by=charlie)

    assert campaign_cancel(campaign=campaign, by=alice) is True

    campaign.refresh_from_db()
    project.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED
    assert project.stage == Stage.PREPARATION
    assert Pledge.objects.get().status == PledgeStatus.RELEASED


def test_after_funding_the_holder_posts_news_to_backers_then_marks_the_project_completed(
    campaign, project, alice, bob, charlie
):
    pledge_create(campaign=campaign, backer=bob, amount_cents=100_000)
    expire(campaign)
    close_due_campaigns()

    with pytest.raises(NotAllowed):
        project_post_update(project=project, by=charlie, title="Hi", body="x")
    project_post_update(project=project, by=alice, title="Benches built", body="Thank you!")
    run_jobs()  # the news is sent by background jobs
    project_move_stage(project=project, by=alice, to=Stage.COMPLETED)

    project.refresh_from_db()
    assert project.stage == Stage.COMPLETED
    assert list(
        Notification.objects.filter(kind="crowdfunding.project_update").values_list("recipient", flat=True)
    ) == [bob.pk]


def test_deadline_is_the_end_of_the_day_in_the_city_time_zone(alice, bob):
    from tests.factories import CityFactory

    manila = CityFactory(slug="manila", timezone="Asia/Manila", lat=14.6, lng=120.98)
    project = ProjectFactory(holder_member=alice, city=manila)
    campaign = open_campaign(project, by=alice, days=10)

    local = campaign.deadline.astimezone(manila.timezone)
    assert (local.hour, local.minute) == (23, 59)
    assert campaign.deadline.utcoffset() is not None
    assert str(manila.timezone) == "Asia/Manila"
    # 23:59:59 in Manila is 15:59:59 UTC the same day.
    assert campaign.deadline.astimezone(datetime.UTC).hour == 15


@pytest.mark.parametrize(
    ("goal", "days", "field"),
    [(0, 10, "goal_cents"), (-5, 10, "goal_cents"), (1000, -1, "deadline"), (1000, 91, "deadline")],
)
def test_bad_campaigns_are_refused_and_the_project_is_untouched(project, alice, goal, days, field):
    from django.core.exceptions import ValidationError

    from crowdfunding.models import Campaign
    from crowdfunding.services import campaign_open

    with pytest.raises(ValidationError) as exc:
        campaign_open(
            project=project,
            by=alice,
            goal_cents=goal,
            deadline_day=city_today(project.city) + timedelta(days=days),
        )
    assert field in exc.value.message_dict
    project.refresh_from_db()
    assert project.stage == Stage.IDEA
    assert not Campaign.objects.exists()


def test_a_project_has_one_open_campaign_at_a_time(campaign, project, alice):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        open_campaign(project, by=alice)


def test_a_partner_fixed_contribution_counts_towards_the_goal(campaign, bob, olga, city_hall):
    from crowdfunding.services import partner_add

    partner_add(campaign=campaign, organization=city_hall, by=olga, kind="fixed", fixed_cents=70_000)
    pledge_create(campaign=campaign, backer=bob, amount_cents=30_000)
    expire(campaign)

    close_due_campaigns()
    run_jobs()

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FUNDED
    assert campaign.final_raised_cents == 100_000
    assert Notification.objects.filter(recipient=olga, kind="crowdfunding.campaign_ended").exists()


def test_nobody_offers_time_once_the_deadline_has_passed(campaign, alice, bob):
    from django.core.exceptions import ValidationError

    need = time_need_add(
        campaign=campaign, by=alice, role="Benches", people_wanted=4, day=city_today(campaign.project.city)
    )
    expire(campaign)
    with pytest.raises(ValidationError, match="closed"):
        time_offer_create(need=need, member=bob)


def test_a_campaign_that_missed_its_goal_shows_the_backers_of_its_final_total(
    client, campaign, project, bob, charlie
):
    pledge_create(campaign=campaign, backer=bob, amount_cents=13_000)
    pledge_create(campaign=campaign, backer=charlie, amount_cents=10_000)
    expire(campaign)
    close_due_campaigns()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.NOT_FUNDED and campaign.backers_count == 0  # released

    html = client.get(project.get_absolute_url().replace("/fr/", "/en/")).content.decode()

    assert "<dt>Pledged</dt><dd>230" in html
    assert "<dt>Backers</dt><dd>2</dd>" in html
