import pytest

from civic.core.discovery import DiscoveryQuery, providers
from participation import services
from tests.participation.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    return providers()["proposal"]


def test_near_lists_open_public_proposals_nearest_first(provider, space, theme, olga):
    far = ProposalFactory(city=space.city, theme=theme, title="Far")
    far.set_point(48.90, 2.35)
    far.save()
    near = ProposalFactory(city=space.city, theme=theme, title="Near")
    near.set_point(48.857, 2.352)
    near.save()
    done = ProposalFactory(city=space.city, theme=theme, title="Done", status="done")
    done.set_point(48.857, 2.352)
    done.save()
    hidden = ProposalFactory(city=space.city, theme=theme, title="Hidden")
    hidden.set_point(48.857, 2.352)
    hidden.save()
    services.content_hide(target=hidden, moderator=olga, reason="Spam")

    items = provider.near(DiscoveryQuery(lat=48.8566, lng=2.3522, km=10))

    assert [i.title for i in items] == ["Near", "Far"]
    assert items[0].kind == "proposal" and items[0].action_label == "Support"
    assert items[0].url.endswith(f"/cities/paris/proposals/{near.pk}/")
    assert items[0].distance_m < items[1].distance_m


def test_search_finds_accents_and_typos_but_not_hidden(provider, space, theme, alice, olga):
    services.proposal_create(
        author=alice, city=space.city, title="Fontaines à eau", text="Dans les parcs", theme=theme
    )
    hidden = services.proposal_create(
        author=alice, city=space.city, title="Fontaines cachées", text="x", theme=theme
    )
    services.content_hide(target=hidden, moderator=olga, reason="Spam")

    assert [i.title for i in provider.search("fontaine", query=DiscoveryQuery())] == ["Fontaines à eau"]
    assert [i.title for i in provider.search("fontains", query=DiscoveryQuery())] == ["Fontaines à eau"]
    assert provider.search("", query=DiscoveryQuery()) == []


def test_search_ranks_the_newest_matches_title_matches_first(provider, space, theme, alice, monkeypatch):
    # Only the newest matches are ranked (3 here instead of 300), so a common word costs no more
    # than a rare one; among them, a title match comes before newer mentions in the text.
    monkeypatch.setattr("civic.core.search.SEARCH_CANDIDATES", 3)

    def propose(title, text):
        services.proposal_create(author=alice, city=space.city, title=title, text=text, theme=theme)

    propose("Bancs 0", "Près du jardin public")
    propose("Jardin partagé", "Des légumes")
    propose("Bancs 1", "Près du jardin public")
    propose("Bancs 2", "Près du jardin public")

    titles = [i.title for i in provider.search("jardin", query=DiscoveryQuery(limit=10))]

    assert titles == ["Jardin partagé", "Bancs 2", "Bancs 1"]


@pytest.mark.parametrize("count", [3, 30])
def test_provider_costs_a_fixed_number_of_queries(provider, space, theme, django_assert_num_queries, count):
    ProposalFactory.create_batch(count, city=space.city, theme=theme)
    with django_assert_num_queries(1):
        assert len(provider.near(DiscoveryQuery(limit=50))) == count
    with django_assert_num_queries(2):  # the typo corrections, then the proposals
        assert len(provider.search("trees", query=DiscoveryQuery(limit=50))) == count


def test_optional_methods_return_public_proposals_only(provider, space, theme, alice, bob, olga):
    from django.utils import timezone

    alice.home_city = space.city
    alice.save()
    alice.interests.set([theme])
    liked = ProposalFactory(city=space.city, theme=theme, title="Liked")
    liked.set_point(48.86, 2.35)
    liked.save()
    hidden = ProposalFactory(city=space.city, theme=theme, title="Hidden")
    hidden.set_point(48.86, 2.35)
    hidden.save()
    services.proposal_support(proposal=liked, member=bob)
    services.proposal_support(proposal=hidden, member=bob)
    services.content_hide(target=hidden, moderator=olga, reason="Spam")

    assert [i.title for i in provider.featured(limit=5)] == ["Liked"]
    suggested = provider.for_member(alice, query=DiscoveryQuery())
    assert [i.title for i in suggested] == ["Liked"] and theme.name in suggested[0].reason
    activity = provider.activity([bob.pk], limit=10)
    assert [(a.actor_name, a.item.title) for a in activity] == [("Bob", "Liked")]
    assert [i.title for i in provider.digest(alice, since=timezone.now() - timezone.timedelta(days=1))] == [
        "Liked"
    ]
    assert [i.title for i in provider.features(city_id=space.city.pk)] == ["Liked"]
