"""Cards of the home page and search show an item's time on its own city's clock, with the city
named, and its distance and excerpt as a reader of the page's language expects them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import CityFactory, OrganizationFactory
from tests.volunteering.factories import MissionFactory, SlotFactory

pytestmark = pytest.mark.django_db

CITIES = {
    "paris": ("Europe/Paris", 48.8566, 2.3522, "+01:00"),
    "rio": ("America/Sao_Paulo", -22.9068, -43.1729, "-03:00"),
    "melbourne": ("Australia/Melbourne", -37.8136, 144.9631, "+11:00"),
}


@pytest.fixture
def missions():
    made = {}
    for slug, (tz, lat, lng, _offset) in CITIES.items():
        city = CityFactory(
            slug=slug,
            name_fr=slug.title(),
            name_en=slug.title(),
            name_es=slug.title(),
            timezone=tz,
            lat=lat,
            lng=lng,
        )
        org = OrganizationFactory(city=city)
        mission = MissionFactory(
            organization=org,
            title_fr=f"Atelier vélo {slug}",
            title_en=f"Bike workshop {slug}",
            title_es=f"Taller bici {slug}",
            description_fr="Réparer des **vélos** ensemble, avec les voisins du quartier.",
            description_en="Fix **bikes** together with the neighbours.",
            lat=lat,
            lng=lng,
        )
        # 09:00 on the city's own clock, in December (summer time in Melbourne, none in Rio).
        SlotFactory(mission=mission, starts_at=datetime(2027, 12, 11, 9, 0, tzinfo=ZoneInfo(tz)))
        made[slug] = mission
    return made


@pytest.mark.parametrize("slug", CITIES)
def test_search_shows_a_missions_time_on_its_citys_clock_and_names_the_city(client, missions, slug):
    html = client.get("/en/search/", {"q": f"Bike workshop {slug}"}).content.decode()

    offset = CITIES[slug][3]
    assert f'datetime="2027-12-11T09:00:00{offset}"' in html
    assert "9 a.m." in html
    assert f"({slug.title()} time)" in html


def test_the_city_is_named_in_the_readers_language(client, missions):
    html = client.get("/fr/search/", {"q": "Atelier vélo rio"}).content.decode()

    assert 'datetime="2027-12-11T09:00:00-03:00"' in html
    assert "(heure de Rio)" in html


def test_card_excerpts_are_plain_text_without_markdown(client, missions):
    html = client.get("/fr/search/", {"q": "Atelier vélo paris"}).content.decode()

    assert "Réparer des <mark>vélos</mark> ensemble" in html
    assert "**" not in html


def test_distances_are_written_as_the_pages_language_writes_numbers(client, missions):
    # 1.5 km east of the Paris mission.
    params = {"lat": 48.8566, "lng": 2.3317, "km": 10}
    french = client.get("/fr/", params).content.decode()
    english = client.get("/en/", params).content.decode()

    assert "1,5" in french and "1.5 km" not in french
    assert "1.5 km away" in english
