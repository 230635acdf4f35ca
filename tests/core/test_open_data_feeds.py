"""Open-data feeds come in pages linked by ``next``, with an ETag a reuser sends back to get 304."""

from __future__ import annotations

import pytest
from django.test import Client

from civic.core import views
from tests.volunteering.factories import MissionFactory, SlotFactory
from volunteering import services as volunteering_services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _small_pages(settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 60
    monkeypatch.setattr(views, "OPEN_DATA_PAGE", 3)


@pytest.fixture
def missions(org_a):
    found = []
    for n in range(7):
        mission = MissionFactory(organization=org_a, title_en=f"Garden {n}", title_fr=f"Jardin {n}")
        SlotFactory(mission=mission)
        found.append(mission)
    return found


def test_a_feed_is_read_page_by_page_through_its_next_links(missions):
    client = Client()
    url, titles, pages = "/en/data/missions.geojson?city=paris", [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert len(body["features"]) <= 3
        titles += [f["properties"]["title"] for f in body["features"]]
        links = [link["href"] for link in body["links"] if link["rel"] == "next"]
        url = links[0] if links else None
        if url:
            assert response["Link"] == f'<{url}>; rel="next"'
        pages += 1

    assert pages == 3
    assert titles == [f"Garden {n}" for n in reversed(range(7))]  # newest first, each once


def test_a_reuser_with_the_current_etag_gets_304(missions):
    url = "/en/data/missions.geojson?city=paris"
    first = Client().get(url)
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    assert first["Access-Control-Allow-Origin"] == "*"

    again = Client().get(url, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_change_in_the_feed_gives_a_new_etag_and_the_new_content(missions, alice_in_a):
    url = "/en/data/missions.geojson?city=paris"
    etag = Client().get(url)["ETag"]

    volunteering_services.mission_close(mission=missions[-1], by=alice_in_a)

    response = Client().get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Garden 6" not in [f["properties"]["title"] for f in response.json()["features"]]


def test_a_member_gets_the_same_feed_from_the_cache(missions, alice):
    url = "/en/data/missions.geojson?city=paris"
    Client().get(url)
    member = Client()
    member.force_login(alice)

    response = member.get(url)

    assert response["X-Page-Cache"] == "hit"


def test_a_malformed_page_cursor_is_refused_with_a_reason(missions):
    response = Client().get("/en/data/missions.geojson?city=paris&before=abc")

    assert response.status_code == 400
    assert "before" in response.json()["error"]
