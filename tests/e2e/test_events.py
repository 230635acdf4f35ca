"""A shaker registers a city edition of a demo NCZ Day, an editor approves it, a member joins it,
and the day's world map shows the edition with one participant."""

import pytest

from civic.core import demo as kernel_demo
from events import demo as events_demo
from events.models import CityEdition
from tests.e2e.browser import assert_accessible, login
from tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_data():
    kernel_demo.seed()
    events_demo.seed()


def _new_page(browser, live_server):
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    ctx.set_default_timeout(15000)
    return ctx, ctx.new_page()


def test_shaker_registers_editor_approves_member_joins_and_map_counts_one(browser, live_server, demo_data):
    day_url = "/en/events/days/ncz-day-compost/"

    # The shaker registers an edition in Nairobi.
    ctx, page = _new_page(browser, live_server)
    login(page, "citizen@civic.localhost", kernel_demo.DEMO_PASSWORD)
    page.goto(day_url)
    assert_accessible(page, "events-day")
    page.get_by_role("link", name="Run an edition in my city").click()
    page.get_by_role("combobox", name="City").select_option(label="Nairobi")
    page.get_by_role("textbox", name="Place", exact=False).first.fill("Kibera community garden")
    page.get_by_role("spinbutton", name="Capacity").fill("25")
    assert_accessible(page, "events-edition-form")
    page.get_by_role("button", name="Register the edition").click()
    assert page.get_by_text("An editor will review your edition soon").is_visible()
    assert_accessible(page, "events-edition-pending")
    ctx.close()
    edition = CityEdition.objects.get(event__city__slug="nairobi", day__slug="ncz-day-compost")
    assert edition.status == "pending"

    # The editor approves it from the day's progress page.
    ctx, page = _new_page(browser, live_server)
    login(page, "editor@civic.localhost", kernel_demo.DEMO_PASSWORD)
    page.goto(f"{day_url}progress/")
    assert_accessible(page, "events-day-progress")
    page.get_by_role("button", name="Approve the edition of Nairobi").click()
    assert page.get_by_text("The edition is approved.").is_visible()
    ctx.close()

    # A member joins it like an event.
    MemberFactory(email="zawadi@example.org", display_name="Zawadi", language="en")
    ctx, page = _new_page(browser, live_server)
    login(page, "zawadi@example.org", PASSWORD)
    page.goto(day_url)
    page.get_by_role("link", name="Nairobi").click()
    assert_accessible(page, "events-edition-detail")
    page.get_by_role("button", name="RSVP: I’m going").click()
    assert page.get_by_text("You are going. See you there!").is_visible()
    assert_accessible(page, "events-edition-joined")

    # The world map feed and the list beside the map show one participant in Nairobi.
    feed = page.request.get(f"{day_url}editions.geojson").json()
    nairobi = [f for f in feed["features"] if f["properties"]["title"] == "Nairobi"]
    assert [f["properties"]["participants"] for f in nairobi] == [1]
    page.goto(day_url)
    item = page.locator("li.edition", has_text="Nairobi")
    assert "1 participant" in item.inner_text()
    assert_accessible(page, "events-day-after")
    ctx.close()
