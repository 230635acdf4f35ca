from datetime import timedelta

import pytest
from django.utils import timezone, translation

from civic.core.discovery import DiscoveryQuery, providers
from tests.volunteering.factories import MissionFactory, SlotFactory
from volunteering.models import MissionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def compost(org_a, theme):
    mission = MissionFactory(
        organization=org_a,
        title_fr="Atelier compostage",
        title_en="Composting workshop",
        title_es="Taller de compostaje",
        lat=48.87,
        lng=2.35,
        themes=[theme],
    )
    slot = SlotFactory(mission=mission, starts_at=timezone.now() + timedelta(days=2))
    return mission, slot


def test_mission_provider_is_registered():
    assert "mission" in providers()


def test_near_gives_missions_around_a_point_with_the_next_slot_and_a_join_action(compost):
    mission, slot = compost
    SlotFactory(mission=MissionFactory(status=MissionStatus.DRAFT, lat=48.87, lng=2.35))

    items = providers()["mission"].near(DiscoveryQuery(lat=48.8566, lng=2.3522, km=5))

    assert [i.pk for i in items] == [mission.pk]
    item = items[0]
    assert item.kind == "mission" and item.when == slot.starts_at
    assert item.action_label and item.action_url.endswith(f"#slot-{slot.pk}")
    assert item.distance_m == pytest.approx(1500, rel=0.1)


def test_near_leaves_out_missions_beyond_the_radius(compost):
    assert providers()["mission"].near(DiscoveryQuery(lat=45.76, lng=4.83, km=10)) == []


@pytest.mark.parametrize("text", ["compost", "compostaje", "COMPOSTAGE", "compst atelier"])
def test_search_finds_missions_in_any_language_and_with_typos(compost, text):
    with translation.override("fr"):
        items = providers()["mission"].search(text, query=DiscoveryQuery())

    assert [i.title for i in items] == ["Atelier compostage"]


def test_items_are_titled_in_the_active_language(compost):
    with translation.override("es"):
        items = providers()["mission"].search("compost", query=DiscoveryQuery())

    assert [i.title for i in items] == ["Taller de compostaje"]


def test_search_does_not_find_unrelated_text(compost):
    assert providers()["mission"].search("piscine", query=DiscoveryQuery()) == []


@pytest.mark.parametrize("n", [3, 30])
def test_provider_query_count_does_not_grow_with_missions(org_a, theme, n, django_assert_max_num_queries):
    for i in range(n):
        SlotFactory(mission=MissionFactory(organization=org_a, title_fr=f"Compost {i}", themes=[theme]))

    with django_assert_max_num_queries(3):
        items = providers()["mission"].near(DiscoveryQuery(lat=48.8566, lng=2.3522, km=5, limit=50))
    with django_assert_max_num_queries(4):  # typo corrections, missions, cities, themes
        assert len(providers()["mission"].search("compost", query=DiscoveryQuery(limit=50))) == n

    assert len(items) == n


def test_for_member_suggests_missions_on_interests_when_free_not_joined_yet(compost, alice, theme):
    mission, slot = compost
    other = MissionFactory(organization=mission.organization, lat=48.86, lng=2.35, themes=[theme])
    SlotFactory(mission=other, starts_at=slot.starts_at)
    from civic.places.geo import point
    from tests.volunteering.factories import ParticipationFactory

    alice.point = point(48.8566, 2.3522)
    alice.save()
    alice.interests.set([theme])
    ParticipationFactory(slot=slot, member=alice)

    items = providers()["mission"].for_member(alice, query=DiscoveryQuery(km=10))

    assert [i.pk for i in items] == [other.pk]
    assert theme.name in items[0].reason


def test_activity_shows_followed_members_who_joined(compost, alice, bob):
    mission, slot = compost
    from tests.volunteering.factories import ParticipationFactory

    ParticipationFactory(slot=slot, member=bob)

    activity = providers()["mission"].activity([bob.pk], limit=10)

    assert [(a.actor_name, a.item.pk) for a in activity] == [("Bob", mission.pk)]
    assert providers()["mission"].activity([alice.pk], limit=10) == []


def test_digest_and_features_give_published_missions_of_the_city(compost, alice, city):
    mission, _slot = compost
    mission.published_at = timezone.now()
    mission.save()
    alice.home_city = city
    alice.save()

    digest = providers()["mission"].digest(alice, since=timezone.now() - timedelta(days=7))
    features = providers()["mission"].features(city_id=city.pk, bbox=(48.8, 2.3, 48.9, 2.4))

    assert [i.pk for i in digest] == [mission.pk]
    assert [i.pk for i in features] == [mission.pk]
    assert providers()["mission"].featured(limit=5)[0].pk == mission.pk


@pytest.mark.parametrize("n", [3, 30])
def test_activity_and_suggestions_query_count_does_not_grow(
    alice, bob, org_a, theme, n, django_assert_max_num_queries
):
    from civic.places.geo import point
    from tests.volunteering.factories import ParticipationFactory

    for i in range(n):
        slot = SlotFactory(mission=MissionFactory(organization=org_a, themes=[theme], title_fr=f"M{i}"))
        ParticipationFactory(slot=slot, member=bob)
        SlotFactory(mission=MissionFactory(organization=org_a, themes=[theme], title_fr=f"N{i}"))
    alice.point = point(48.8566, 2.3522)
    alice.save()
    alice.interests.set([theme])

    with django_assert_max_num_queries(4):
        activity = providers()["mission"].activity([bob.pk], limit=50)
    with django_assert_max_num_queries(5):
        suggestions = providers()["mission"].for_member(alice, query=DiscoveryQuery(km=10, limit=100))

    assert len(activity) == n and len(suggestions) == 2 * n


def test_my_civic_says_a_followed_member_takes_part_and_lists_it_first(client, compost, alice, theme):
    from civic.accounts.models import Follow
    from civic.places.geo import point
    from tests.factories import MemberFactory
    from tests.volunteering.factories import ParticipationFactory

    mission, slot = compost
    nearer = MissionFactory(organization=mission.organization, lat=48.857, lng=2.352, themes=[theme])
    SlotFactory(mission=nearer, starts_at=slot.starts_at)
    lea = MemberFactory(display_name="Léa")
    ParticipationFactory(slot=slot, member=lea)
    Follow.objects.create(follower=alice, followed=lea)
    alice.point = point(48.8566, 2.3522)
    alice.save()
    alice.interests.set([theme])
    client.force_login(alice)

    html = client.get("/en/me/").content.decode()

    assert "Léa, whom you follow, takes part" in html
    assert html.index("Léa, whom you follow, takes part") < html.index(
        f"Matches your interest in {theme.name_en}"
    )


def test_a_mission_card_is_illustrated_by_its_theme_drawing_or_the_missions_one(compost):
    from tests.factories import ThemeFactory

    mission, _slot = compost
    mission.themes.set([ThemeFactory(icon="recycle")])
    provider = providers()["mission"]
    assert [
        (i.image_url, i.illustration) for i in provider.near(DiscoveryQuery(lat=48.8566, lng=2.3522))
    ] == [("", "recycle")]
    mission.themes.set([])
    assert [i.illustration for i in provider.near(DiscoveryQuery(lat=48.8566, lng=2.3522))] == ["hand-heart"]
