import pytest
from django.urls import reverse

from civic.accounts.services import member_erase, member_export
from crowdfunding.models import Pledge, ProjectFollow
from crowdfunding.services import pledge_create, project_follow
from tests.crowdfunding.factories import ProjectFactory, open_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(org_a, org_b, city):
    return (
        ProjectFactory(holder_member=None, holder_organization=org_a, city=city, title_fr="Projet A"),
        ProjectFactory(holder_member=None, holder_organization=org_b, city=city, title_fr="Projet B"),
    )


def test_an_organisation_member_sees_only_their_projects_in_admin_and_gets_404_on_others(
    client, projects, alice_in_a
):
    mine, theirs = projects
    client.force_login(alice_in_a)

    listing = client.get(reverse("admin:crowdfunding_project_changelist")).content.decode()
    assert "Projet A" in listing and "Projet B" not in listing
    assert client.get(reverse("admin:crowdfunding_project_change", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:crowdfunding_project_change", args=[theirs.pk])).status_code == 404


def test_campaigns_and_pledges_of_another_organisation_answer_404_in_admin(
    client, projects, alice_in_a, bob_in_b
):
    _mine, theirs = projects
    campaign = open_campaign(theirs, by=bob_in_b)
    pledge = pledge_create(campaign=campaign, backer=bob_in_b, amount_cents=100)
    client.force_login(alice_in_a)
    assert client.get(reverse("admin:crowdfunding_campaign_change", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("admin:crowdfunding_pledge_change", args=[pledge.pk])).status_code == 404


def test_an_editor_sees_every_project_in_admin(client, projects, edith):
    client.force_login(edith)
    listing = client.get(reverse("admin:crowdfunding_project_changelist")).content.decode()
    assert "Projet A" in listing and "Projet B" in listing


def test_a_members_pledges_are_in_their_export_and_survive_erasure_without_the_message(
    campaign, project, bob
):
    pledge_create(campaign=campaign, backer=bob, amount_cents=700, message="Pour mon quartier")
    project_follow(project=project, member=bob)

    exported = member_export(member=bob)["crowdfunding"]
    assert exported["pledges"][0]["amount_cents"] == 700
    assert exported["follows"] == [project.pk]

    member_erase(member=bob)

    pledge = Pledge.objects.get()
    campaign.refresh_from_db()
    project.refresh_from_db()
    assert pledge.message == "" and pledge.amount_cents == 700
    assert campaign.pledged_cents == 700
    assert not ProjectFollow.objects.exists() and project.followers_count == 0
