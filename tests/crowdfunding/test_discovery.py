import pytest

from civic.core.discovery import DiscoveryQuery, providers
from crowdfunding.services import pledge_create, time_need_add
from crowdfunding.services.campaigns import city_today
from tests.crowdfunding.factories import ProjectFactory, expire, open_campaign
from tests.factories import CityFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def funding(city):
    holder = MemberFactory()
    project = ProjectFactory(holder_member=holder, city=city, title_fr="Bancs du square Voltaire")
    campaign = open_campaign(project, by=holder, goal_cents=20_000)
    time_need_add(
        campaign=campaign,
        by=holder,
        role="Monter les bancs",
        people_wanted=4,
        day=city_today(campaign.project.city),
    )
    pledge_create(campaign=campaign, backer=MemberFactory(), amount_cents=5_000)
    return project


def test_the_project_provider_is_registered():
    assert "project" in providers()


def test_campaigns_being_funded_near_a_point_with_a_pledge_action_and_the_deadline(funding, city, bob):
    far = CityFactory(slug="far", lat=-22.9, lng=-43.17)
    open_campaign(ProjectFactory(holder_member=bob, city=far), by=bob)
    ProjectFactory(city=city)  # an idea, no campaign: not in discovery
    closed = ProjectFactory(city=city)
    expire(open_campaign(closed, by=closed.holder_member))

    items = providers()["project"].near(DiscoveryQuery(lat=48.8566, lng=2.3522, km=10))

    assert [i.pk for i in items] == [funding.pk]
    item = items[0]
    assert item.kind == "project" and item.action_label == "Pledge"
    assert item.when == funding.current_campaign.deadline
    assert item.extra["percent"] == 25 and item.extra["open_time_needs"] == 1
    assert item.action_url.endswith(f"/campaigns/{funding.current_campaign.pk}/pledge/")


def test_search_finds_a_campaign_by_words_and_typos_in_a_fixed_number_of_queries(
    funding, city, django_assert_max_num_queries
):
    for n in range(5):
        open_campaign(ProjectFactory(city=city, title_fr=f"Bancs {n}"))
    # Typo corrections, projects, their themes.
    with django_assert_max_num_queries(3):
        items = providers()["project"].search("voltare", query=DiscoveryQuery())
    assert [i.pk for i in items] == [funding.pk]
    with django_assert_max_num_queries(3):
        assert len(providers()["project"].search("bancs", query=DiscoveryQuery())) == 6
