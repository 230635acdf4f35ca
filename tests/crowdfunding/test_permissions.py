"""Another organisation's project answers 404, also where only the service checks the rule.

The management posts below (stage, meeting decision, campaign cancel, payment received) have no
rule check of their own: the service refuses with ``civic.core.permissions.NotAllowed``, which
Django answers with the 404 page. Before the kernel error, crowdfunding's own ``NotAllowed`` was
caught by nothing and such a post answered 500.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civic.core.permissions import NotAllowed
from crowdfunding.models import CampaignStatus, MeetingProposal, MeetingStatus, Pledge, Project, Stage
from crowdfunding.services import campaign_cancel, meeting_propose, pledge_create
from tests.crowdfunding.factories import ProjectFactory, open_campaign
from tests.factories import MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(org_a):
    member = MemberFactory(display_name="Hana")
    MembershipFactory(user=member, organization=org_a)
    return member


@pytest.fixture
def org_project(org_a, city):
    return ProjectFactory(holder_member=None, holder_organization=org_a, city=city)


@pytest.fixture
def org_campaign(org_project, holder):
    return open_campaign(org_project, by=holder)


@pytest.fixture
def pledge(org_campaign, charlie):
    return pledge_create(campaign=org_campaign, backer=charlie, amount_cents=2_000)


@pytest.fixture
def meeting(org_project, charlie):
    return meeting_propose(
        project=org_project,
        member=charlie,
        starts_at=timezone.now() + timedelta(days=3),
        place="Mairie",
        purpose="Plan",
    )


def _posts(org_project, org_campaign, pledge, meeting):
    return [
        (reverse("crowdfunding:project_stage", args=[org_project.pk]), {"to": "preparation"}),
        (reverse("crowdfunding:meeting_decide", args=[org_project.pk, meeting.pk]), {"accept": "1"}),
        (reverse("crowdfunding:campaign_cancel", args=[org_campaign.pk]), {}),
        (reverse("crowdfunding:pledge_received", args=[pledge.pk]), {}),
    ]


def test_a_member_of_another_organisation_gets_404_not_500_where_the_service_refuses(
    client, bob_in_b, org_project, org_campaign, pledge, meeting
):
    client.force_login(bob_in_b)

    for url, data in _posts(org_project, org_campaign, pledge, meeting):
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404, url
        assert "Page not found" in response.content.decode(), url

    org_project.refresh_from_db()
    org_campaign.refresh_from_db()
    assert org_project.stage == Stage.FUNDING
    assert org_campaign.status == CampaignStatus.OPEN
    assert MeetingProposal.objects.get(pk=meeting.pk).status == MeetingStatus.PROPOSED
    assert Pledge.objects.get(pk=pledge.pk).status == pledge.status


def test_the_organisation_member_holding_the_project_gets_through_the_same_posts(
    client, holder, org_project, org_campaign, meeting
):
    client.force_login(holder)

    client.post(reverse("crowdfunding:meeting_decide", args=[org_project.pk, meeting.pk]), {"accept": "1"})
    response = client.post(reverse("crowdfunding:campaign_cancel", args=[org_campaign.pk]))

    assert response.status_code == 302
    assert MeetingProposal.objects.get(pk=meeting.pk).status == MeetingStatus.ACCEPTED
    org_campaign.refresh_from_db()
    assert org_campaign.status == CampaignStatus.CANCELLED


def test_the_service_refuses_a_stranger_with_the_kernel_error(org_campaign, bob_in_b):
    with pytest.raises(NotAllowed):
        campaign_cancel(campaign=org_campaign, by=bob_in_b)

    assert Project.objects.get(pk=org_campaign.project_id).stage == Stage.FUNDING


def test_the_project_page_offers_contributions_to_verified_members_only(
    client, org_campaign, bob_in_b, alice
):
    page = org_campaign.project.get_absolute_url()
    unverified = MemberFactory(verified=False)

    client.force_login(unverified)
    assert "Propose a meeting about this project" not in client.get(page).content.decode()
    client.force_login(alice)
    html = client.get(page).content.decode()
    assert "Propose a meeting about this project" in html
    assert "Back this campaign as an organisation" not in html  # Alice belongs to no organisation
    client.force_login(bob_in_b)
    assert "Back this campaign as an organisation" in client.get(page).content.decode()
