"""My Civic with every real provider: its query count does not grow with the people followed or what they did."""

import pytest

from civic.accounts.models import Follow
from tests.events.factories import EventFactory, RSVPFactory
from tests.factories import MemberFactory
from tests.initiatives.factories import InitiativeFactory, ReplicationFactory
from tests.participation.factories import ProposalFactory, SupportFactory
from tests.volunteering.factories import MissionFactory, ParticipationFactory, SlotFactory

pytestmark = pytest.mark.django_db


def _busy_followed_members(alice, city, theme, n: int) -> None:
    """``n`` people Alice follows, each of whom joined a mission, is going to an event, supports a
    proposal, spotted an initiative and wants to start another in their city; plus what Alice could do."""
    for i in range(n):
        friend = MemberFactory(display_name=f"Friend {i}")
        Follow.objects.create(follower=alice, followed=friend)
        mission = MissionFactory(organization__city=city, city=city, themes=[theme])
        ParticipationFactory(member=friend, slot=SlotFactory(mission=mission))
        event = EventFactory(city=city, themes=[theme])
        RSVPFactory(member=friend, event=event)
        SupportFactory(member=friend, proposal=ProposalFactory(city=city, theme=theme))
        InitiativeFactory(spotter=friend, city=city, themes=[theme])
        ReplicationFactory(member=friend, city=city, initiative=InitiativeFactory(city=city, themes=[theme]))


@pytest.mark.parametrize("n", [3, 30])
def test_my_civic_query_count_does_not_grow_with_follows_and_their_activity(
    client, alice, city, theme, n, django_assert_max_num_queries
):
    alice.set_point(48.8566, 2.3522)
    alice.home_city = city
    alice.availability = ["weekday_morning", "weekend_morning"]
    alice.save()
    alice.interests.set([theme])
    _busy_followed_members(alice, city, theme, n)
    client.force_login(alice)

    with django_assert_max_num_queries(24):  # flat in follows and their activity
        response = client.get("/en/me/")

    assert response.status_code == 200
    activity = response.context["activity"]
    assert len(activity) == min(5 * n, 30)  # the newest 30 public actions of the people followed
    assert {a.actor_name for a in activity} <= {f"Friend {i}" for i in range(n)}
    assert response.context["suggestions"]


@pytest.mark.parametrize("n", [3, 30])
def test_home_near_a_point_with_a_theme_query_count_does_not_grow(
    client, city, theme, n, django_assert_max_num_queries
):
    for _ in range(n):
        SlotFactory(mission=MissionFactory(organization__city=city, city=city, themes=[theme]))
        EventFactory(city=city, themes=[theme])
        InitiativeFactory(city=city, themes=[theme])

    with django_assert_max_num_queries(16):
        response = client.get("/en/", {"lat": 48.8566, "lng": 2.3522, "km": 10, "themes": [theme.pk]})

    assert response.status_code == 200
    kinds = [item.kind for item in response.context["items"]]
    assert len(kinds) == min(3 * n, 30)  # at most 30 items, all of one spot: missions come first on ties
    assert n > 3 or set(kinds) == {"mission", "event", "initiative"}
