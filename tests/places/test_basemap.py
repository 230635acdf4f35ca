"""Without a tile server, pages name the bundled Natural Earth basemap that their maps draw; with one,
they don't, and every map passes the tile server's attribution along."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from civic.places.widgets import PointWidget

pytestmark = pytest.mark.django_db

BASEMAP = Path(settings.BASE_DIR) / "static" / "geo" / "countries-110m.geojson"
META = '<meta name="civic-basemap" content="/static/geo/countries-110m.geojson">'
TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


def test_the_bundled_basemap_is_a_small_geojson_of_the_worlds_countries():
    data = json.loads(BASEMAP.read_text())

    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 177
    assert {f["geometry"]["type"] for f in data["features"]} == {"Polygon", "MultiPolygon"}
    assert BASEMAP.stat().st_size < 250_000


def test_the_bundled_basemap_has_no_ring_drawn_across_the_whole_world():
    """A ring jumping from 180° to -180° would be drawn as a line across the map; only Antarctica's
    ring, which goes round the pole, crosses the antimeridian (once)."""
    crossing = 0
    for feature in json.loads(BASEMAP.read_text())["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for ring in (ring for polygon in polygons for ring in polygon):
            jumps = sum(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:], strict=False))
            assert jumps <= 1
            crossing += jumps
    assert crossing == 1


def test_pages_name_the_bundled_basemap_when_no_tile_server_is_configured(client):
    assert settings.MAP_TILE_URL == ""

    assert META in client.get("/en/").content.decode()


def test_pages_do_not_name_the_basemap_when_tiles_are_configured(client, settings):
    settings.MAP_TILE_URL = TILES

    assert "civic-basemap" not in client.get("/en/").content.decode()


def test_the_point_picker_names_the_basemap_only_without_tiles(settings):
    without_tiles = PointWidget().render("point", None, attrs={"id": "id_point"})
    settings.MAP_TILE_URL = TILES
    with_tiles = PointWidget().render("point", None, attrs={"id": "id_point"})

    assert 'data-basemap-url="/static/geo/countries-110m.geojson"' in without_tiles
    assert 'data-basemap-url=""' in with_tiles


def test_every_map_is_followed_by_its_credits():
    """A map drawn on a tile server's tiles credits it (OpenStreetMap's tiles require it), else the
    basemap's source: a line right under every map."""
    templates = Path(settings.BASE_DIR) / "templates"
    maps = [
        (path.name, tail)
        for path in templates.rglob("*.html")
        for tail in re.findall(r"<div[^>]*data-tile-url=[^>]*>\s*</div>\s*(.{0,40})", path.read_text())
    ]

    assert len(maps) >= 10
    assert [name for name, tail in maps if not tail.startswith('{% include "core/map_credit.html"')] == []


def test_the_credits_name_the_tiles_source_or_the_basemaps(client, settings):
    settings.MAP_TILE_URL = ""
    without_tiles = client.get("/en/events/map/").content.decode()
    settings.MAP_TILE_URL = TILES
    settings.MAP_TILE_ATTRIBUTION = "© OpenStreetMap contributors"
    with_tiles = client.get("/en/events/map/").content.decode()

    credit = re.compile(r'<p class="map-credit">(.*?)</p>', re.S)
    assert "Natural Earth" in credit.search(without_tiles).group(1)
    assert "OpenStreetMap" not in credit.search(without_tiles).group(1)
    assert "© OpenStreetMap contributors" in credit.search(with_tiles).group(1)
    assert "Natural Earth" not in credit.search(with_tiles).group(1)
