import pytest
from django.utils import translation

from civic.core.discovery import DiscoveryQuery, providers
from tests.factories import ThemeFactory
from tests.initiatives.factories import DraftFactory, InitiativeFactory

pytestmark = pytest.mark.django_db

KM_PER_DEG_LAT = 111.195


def test_provider_is_registered_as_initiative():
    assert "initiative" in providers()


def test_near_returns_published_initiatives_nearest_first_with_a_read_action():
    far = InitiativeFactory(title_en="Far", lat=48.8566 + 8 / KM_PER_DEG_LAT)
    near = InitiativeFactory(title_en="Near", lat=48.8566 + 1 / KM_PER_DEG_LAT)
    DraftFactory(title_en="Draft", lat=48.8566)
    InitiativeFactory(title_en="Elsewhere", lat=-22.9, lng=-43.2)

    with translation.override("en"):
        items = providers()["initiative"].near(DiscoveryQuery(lat=48.8566, lng=2.3522, km=10))
        url = near.get_absolute_url()

    assert [i.pk for i in items] == [near.pk, far.pk]
    assert items[0].kind == "initiative"
    assert items[0].action_label == "Read"
    assert items[0].url == url == f"/en/initiatives/{near.pk}/"
    assert items[0].distance_m == pytest.approx(1000, rel=0.02)


def test_search_tolerates_accents_and_typos_and_filters_themes():
    compost = ThemeFactory(slug="compost")
    a = InitiativeFactory(title_fr="L'école du compost", themes=[compost])
    InitiativeFactory(title_fr="Compost du marché")
    provider = providers()["initiative"]

    assert [i.pk for i in provider.search("compst", query=DiscoveryQuery(theme_ids=(compost.pk,)))] == [a.pk]
    assert len(provider.search("ecole", query=DiscoveryQuery())) == 1
    assert provider.search("  ", query=DiscoveryQuery()) == []


@pytest.mark.parametrize("rows", [3, 30])
def test_provider_query_count_is_fixed(django_assert_max_num_queries, rows):
    theme = ThemeFactory()
    for _ in range(rows):
        InitiativeFactory(themes=[theme])
    provider = providers()["initiative"]

    with django_assert_max_num_queries(2):
        items = provider.near(DiscoveryQuery(lat=48.8566, lng=2.3522, km=10, limit=50))
    assert len(items) == rows
    with django_assert_max_num_queries(3):  # + the typo corrections
        provider.search("initiative", query=DiscoveryQuery(theme_ids=(theme.pk,), limit=50))
