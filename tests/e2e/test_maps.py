"""Without a tile server (MAP_TILE_URL is empty in tests, as offline), maps draw the bundled Natural
Earth outlines under their markers: the NCZ Day world map shows the world, a mission's map shows its
region. Everything comes from the platform itself, the attribution credits Natural Earth with an
underlined link, and the pages stay axe-clean."""

import pytest
from django.conf import settings

from civic.core import demo as kernel_demo
from events import demo as events_demo
from tests.e2e.browser import ARTIFACTS, assert_accessible, login
from tests.factories import PASSWORD
from tests.volunteering.factories import MissionFactory, SlotFactory

pytestmark = pytest.mark.django_db(transaction=True)

COUNTRIES = ".map .map-basemap-country"


@pytest.fixture
def watched(context, live_server):
    """A page whose console errors and requests are recorded, to show nothing fails or leaves the platform."""
    page = context.new_page()
    page.console_errors = []
    page.foreign_requests = []
    page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, "data:", "blob:"))
            else page.foreign_requests.append(request.url)
        ),
    )
    return page


def _markers_are_on_top(page, selector: str) -> bool:
    """What a reader sees at each marker's centre is a marker (this one, or a neighbour drawn over it),
    never the basemap."""
    page.locator(".map").first.scroll_into_view_if_needed()
    page.wait_for_timeout(200)  # the markers are placed after the feed arrives
    return page.locator(selector).evaluate_all(
        """ms => ms.every(m => { const r = m.getBoundingClientRect();
                  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                  return hit && hit.classList.contains("leaflet-marker-icon"); })"""
    )


def _point_is_on_drawn_land(page, lat: float, lng: float) -> bool:
    """Some country outline of the basemap contains the point (SVG hit test in the layer's coordinates)."""
    return page.locator(".map").first.evaluate(
        """(el, ll) => { const p = el.civicMap.latLngToLayerPoint(ll);
                         return [...el.querySelectorAll('.map-basemap-country')]
                           .some(path => path.isPointInFill(new DOMPoint(p.x, p.y))); }""",
        [lat, lng],
    )


def _check_attribution(page) -> None:
    # A line of the page under the map, not a box drawn over it.
    assert page.locator(".map .leaflet-control-attribution").count() == 0
    attribution = page.locator(".map + .map-credit").first
    assert "Natural Earth" in attribution.inner_text()
    assert "OpenStreetMap" not in attribution.inner_text()
    link = attribution.get_by_role("link", name="Natural Earth")
    assert "underline" in link.evaluate("a => getComputedStyle(a).textDecorationLine")


def _check_clean(page) -> None:
    assert page.console_errors == []
    assert page.foreign_requests == []


def test_ncz_day_world_map_draws_the_world_under_its_markers(watched, live_server):
    assert settings.MAP_TILE_URL == ""
    kernel_demo.seed()
    events_demo.seed()
    page = watched

    page.goto("/en/events/days/ncz-day-compost/")
    page.locator(COUNTRIES).nth(100).wait_for(state="attached")
    assert page.locator(COUNTRIES).count() == 177
    assert page.locator(".map .leaflet-tile").count() == 0
    marker = ".map .leaflet-marker-icon"
    page.locator(marker).first.wait_for()
    assert _markers_are_on_top(page, marker)
    # The editions stand on land: Paris is inside a drawn country, the middle of the Atlantic is not.
    assert _point_is_on_drawn_land(page, 48.86, 2.35)
    assert not _point_is_on_drawn_land(page, 30.0, -40.0)
    _check_attribution(page)

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".map").screenshot(path=str(ARTIFACTS / "maps-ncz-day-world.png"))
    assert_accessible(page, "maps-ncz-day-page")
    _check_clean(page)


def test_mission_map_shows_its_region_on_the_bundled_basemap(watched, org_a):
    mission = MissionFactory(
        organization=org_a, title_en="Water the vegetable garden", lat=48.8566, lng=2.3522
    )
    SlotFactory(mission=mission)
    page = watched

    page.goto(f"/en/missions/{mission.pk}/")
    page.locator(COUNTRIES).first.wait_for(state="attached")
    marker = ".map .leaflet-marker-icon"
    page.locator(marker).first.wait_for()
    assert _markers_are_on_top(page, marker)
    # 1:110m outlines are drawn no closer than a region: the page asks for zoom 14, the map shows 6.
    assert page.locator(".map").first.evaluate("el => el.civicMap.getZoom()") == 6
    assert _point_is_on_drawn_land(page, 48.8566, 2.3522)
    _check_attribution(page)

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".map").screenshot(path=str(ARTIFACTS / "maps-mission.png"))
    assert_accessible(page, "maps-mission-page")
    _check_clean(page)


def test_point_picker_draws_the_basemap_and_a_click_on_land_fills_the_coordinates(watched, alice, city):
    page = watched
    login(page, alice.email, PASSWORD)

    page.goto("/en/projects/new/")
    picker = page.locator(".map-picker")
    page.locator(".map-picker .map-basemap-country").nth(100).wait_for(state="attached")
    assert "Natural Earth" in page.locator(".map-picker + .map-credit").inner_text()
    # The outlines do not catch clicks: a click on France places the point there.
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lat = float(page.get_by_role("textbox", name="Latitude").input_value())
    lng = float(page.get_by_role("textbox", name="Longitude").input_value())
    assert 42 < lat < 51 and -5 < lng < 8  # the picker opens on France (LEAFLET_CONFIG's centre)
    assert picker.locator(".leaflet-marker-icon").count() == 1

    ARTIFACTS.mkdir(exist_ok=True)
    picker.screenshot(path=str(ARTIFACTS / "maps-point-picker.png"))
    assert_accessible(page, "maps-point-picker-page")
    _check_clean(page)
