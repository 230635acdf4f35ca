"""Issue 8's scenario on a phone: a visitor grants geolocation, sees one mixed map and list of what is
around, and joins the nearest mission from the home page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.browser import assert_accessible
from tests.events.factories import EventFactory
from tests.factories import PASSWORD, MemberFactory
from tests.initiatives.factories import InitiativeFactory
from tests.volunteering.factories import MissionFactory, SlotFactory
from volunteering.models import Participation

pytestmark = pytest.mark.django_db(transaction=True)

HERE = {"latitude": 48.8606, "longitude": 2.3376}


def test_visitor_sees_a_mixed_map_and_list_and_joins_the_nearest_mission(browser, live_server, city, org_a):
    near = MissionFactory(organization=org_a, title_en="Water the vegetable garden", lat=48.8616, lng=2.3376)
    SlotFactory(mission=near, capacity=3, starts_at=timezone.now() + timedelta(days=3))
    farther = MissionFactory(organization=org_a, title_en="Sort the food bank", lat=48.8806, lng=2.3376)
    SlotFactory(mission=farther, capacity=3, starts_at=timezone.now() + timedelta(days=3))
    EventFactory(
        city=city, title_en="Compost meetup", point={"type": "Point", "coordinates": [2.3386, 48.8656]}
    )
    InitiativeFactory(city=city, title_en="Solidarity fridge", lat=48.8706, lng=2.3376)
    member = MemberFactory(email="dana@example.org", display_name="Dana")

    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation=HERE,
        permissions=["geolocation"],
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto("/en/")
    assert_accessible(page, "act-near-me-start")

    page.get_by_role("button", name="Use my position").click()
    page.wait_for_url(re.compile(r"lat=48\.86"))
    titles = page.locator(".result-title").all_inner_texts()
    assert titles[:4] == [
        "Water the vegetable garden",
        "Compost meetup",
        "Solidarity fridge",
        "Sort the food bank",
    ]
    kinds = page.locator(".result .kind").all_inner_texts()
    assert {k.lower() for k in kinds} == {"volunteer missions", "events", "initiatives"}
    page.locator(".map .leaflet-marker-icon").first.wait_for()
    assert page.locator(".map .leaflet-marker-icon").count() == 4  # the map shows the same results
    assert_accessible(page, "act-near-me-results-phone")

    # The nearest mission's primary action, then the visitor logs in and lands back on the mission.
    page.locator(".result-mission").first.get_by_role("link", name=re.compile("^Join")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Water the vegetable garden"
    page.get_by_role("button", name=re.compile("I participate")).first.click()
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("networkidle")
    confirm = page.get_by_role("button", name=re.compile("I participate|Confirm"))
    if confirm.count():
        confirm.first.click()
        page.wait_for_load_state("networkidle")

    assert Participation.objects.filter(slot__mission=near, member=member, status="confirmed").exists()
    context.close()
