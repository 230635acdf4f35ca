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


def test_featured_lists_only_featured_published_initiatives():
    featured = InitiativeFactory(featured=True)
    InitiativeFactory(featured=False)
    DraftFactory(featured=True)

    assert [i.pk for i in providers()["initiative"].featured(limit=6)] == [featured.pk]


def test_suggestions_match_interests_and_skip_what_the_member_follows():
    from initiatives import services
    from tests.factories import MemberFactory

    compost, art = ThemeFactory(slug="compost", name_en="Compost"), ThemeFactory(slug="art")
    member = MemberFactory(language="en")
    member.interests.set([compost])
    suggested = InitiativeFactory(themes=[compost])
    followed = InitiativeFactory(themes=[compost])
    InitiativeFactory(themes=[art])
    services.follow_create(initiative=followed, member=member)

    with translation.override("en"):
        items = providers()["initiative"].for_member(member, query=DiscoveryQuery(limit=10))

    assert [i.pk for i in items] == [suggested.pk]
    assert items[0].reason == "Matches your interest in Compost"


def test_activity_shows_spotting_and_wishes_of_followed_members():
    from initiatives import services
    from tests.factories import CityFactory, MemberFactory
    from tests.initiatives.factories import SpotterFactory

    sam = SpotterFactory(display_name="Sam")
    spotted = InitiativeFactory(spotter=sam)
    other = InitiativeFactory()
    services.replication_create(initiative=other, member=sam, city=CityFactory())
    DraftFactory(spotter=sam)  # never shown
    stranger = MemberFactory()
    InitiativeFactory(spotter=stranger)

    with translation.override("en"):
        items = providers()["initiative"].activity([sam.pk], limit=10)

    assert sorted((a.item.pk, a.verb) for a in items) == sorted(
        [(spotted.pk, "spotted"), (other.pk, "wants to start in their city")]
    )


def test_digest_and_open_data_features():
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import CityFactory, MemberFactory

    member = MemberFactory()
    paris = CityFactory(slug="paris")
    fresh = InitiativeFactory(city=paris)
    InitiativeFactory(city=paris, published_at=timezone.now() - timedelta(days=30))
    provider = providers()["initiative"]

    assert [i.pk for i in provider.digest(member, since=timezone.now() - timedelta(days=7))] == [fresh.pk]
    assert len(provider.features(city_id=fresh.city_id, limit=100)) == 2
    assert provider.features(bbox=(-23.0, -44.0, -22.0, -43.0), limit=100) == []


def test_follower_ids_for_other_apps():
    from initiatives import services
    from tests.factories import MemberFactory

    a, b = InitiativeFactory(), InitiativeFactory()
    alice, bob = MemberFactory(), MemberFactory()
    services.follow_create(initiative=a, member=alice)
    services.follow_create(initiative=b, member=alice)
    services.follow_create(initiative=b, member=bob)

    assert sorted(services.follower_ids([a.pk, b.pk])) == sorted([alice.pk, bob.pk])


def _jpeg(name="photo.jpg"):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (900, 600), (30, 120, 60)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.mark.parametrize("rows", [3, 30])
def test_cards_carry_the_first_photo_or_the_theme_drawing_in_a_fixed_number_of_queries(
    django_assert_max_num_queries, rows
):
    from initiatives.services import photo_add

    theme = ThemeFactory(icon="sprout")
    with_photos = InitiativeFactory(themes=[theme])
    first = photo_add(initiative=with_photos, upload=_jpeg(), alt="A fridge in the street")
    photo_add(initiative=with_photos, upload=_jpeg(), alt="The second photo")
    for _ in range(rows - 1):
        InitiativeFactory(themes=[theme])

    with django_assert_max_num_queries(2):
        items = providers()["initiative"].near(DiscoveryQuery(lat=48.8566, lng=2.3522, km=10, limit=50))

    pictured = next(i for i in items if i.pk == with_photos.pk)
    assert pictured.image_url == first.thumbnail.url
    assert pictured.image_srcset == f"{first.thumbnail.url} 400w, {first.image.url} 1600w"
    assert pictured.image_alt == "A fridge in the street"
    drawn = [i for i in items if i.pk != with_photos.pk]
    assert len(drawn) == rows - 1
    assert all(i.image_url == "" and i.illustration == "sprout" for i in drawn)
