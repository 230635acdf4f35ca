from datetime import timedelta

import pytest
from django.utils import timezone

from civic.core.discovery import DiscoveryQuery, providers
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_event_provider_is_registered_and_returns_upcoming_events_near_a_point():
    EventFactory(title_en="Near", title_fr="Près", point={"type": "Point", "coordinates": [2.35, 48.86]})
    EventFactory(title_fr="Loin", point={"type": "Point", "coordinates": [5.37, 43.3]})
    past = timezone.now() - timedelta(days=2)
    EventFactory(title_fr="Passé", starts_at=past, ends_at=past + timedelta(hours=1))

    items = providers()["event"].near(DiscoveryQuery(lat=48.857, lng=2.352, km=10))

    assert [i.title for i in items] in (["Près"], ["Near"])
    item = items[0]
    assert item.kind == "event" and item.when is not None and item.action_label
    assert item.distance_m is not None


def test_event_provider_search_tolerates_accents_and_typos():
    event = EventFactory(title_fr="Atelier réparation de vélos")

    provider = providers()["event"]
    assert [i.pk for i in provider.search("reparation", query=DiscoveryQuery())] == [event.pk]
    assert [i.pk for i in provider.search("Atelier réparaton de vélos", query=DiscoveryQuery())] == [event.pk]


@pytest.mark.parametrize("n", [3, 30])
def test_event_provider_costs_fixed_queries(django_assert_max_num_queries, n):
    for _ in range(n):
        EventFactory()

    with django_assert_max_num_queries(2):
        assert len(providers()["event"].near(DiscoveryQuery(limit=50))) == n


def test_suggestions_match_interests_and_skip_events_already_answered(alice):
    from events import services
    from tests.factories import ThemeFactory

    theme = ThemeFactory(slug="compost")
    alice.interests.set([theme])
    answered = EventFactory(themes=[theme])
    services.rsvp_create(event=answered, member=alice)
    suggested = EventFactory(themes=[theme])
    EventFactory()  # no matching theme

    items = providers()["event"].for_member(alice, query=DiscoveryQuery(limit=10))

    assert [i.pk for i in items] == [suggested.pk]
    assert items[0].reason


def test_activity_shows_who_is_going(alice, bob):
    from events import services

    event = EventFactory()
    services.rsvp_create(event=event, member=bob)

    [activity] = providers()["event"].activity([bob.pk], limit=10)

    assert (activity.actor_name, activity.item.pk) == ("Bob", event.pk)


def test_open_data_features_of_a_city(city):
    EventFactory(city=city)
    assert len(providers()["event"].features(city_id=city.pk)) == 1


def test_erasing_a_member_frees_their_seat_for_the_waiting_list(alice, bob):
    from civic.accounts.services import member_erase
    from events import services
    from events.models import RSVP

    event = EventFactory(capacity=1)
    services.rsvp_create(event=event, member=alice)
    services.rsvp_create(event=event, member=bob)

    member_erase(member=alice)

    assert RSVP.objects.get(member=bob).status == "going"
