"""A visitor near a mission finds it with the browser's position, joins through sign-up, and sees it
in "My engagements"; then the association confirms the attendance in admin."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.e2e.browser import assert_accessible, login, screenshot
from tests.factories import PASSWORD, MemberFactory, MembershipFactory, ThemeFactory
from tests.volunteering.factories import MissionFactory, SlotFactory
from volunteering.models import Participation, Slot

pytestmark = pytest.mark.django_db(transaction=True)

HERE = {"latitude": 48.8606, "longitude": 2.3376}


@pytest.fixture
def mission(org_a):
    theme = ThemeFactory(slug="garden", name_en="Urban agriculture")
    mission = MissionFactory(
        organization=org_a,
        title_fr="Arroser le potager",
        title_en="Water the vegetable garden",
        lat=HERE["latitude"] + 0.01,
        lng=HERE["longitude"],
        themes=[theme],
        address="12 rue des Jardins, Paris",
    )
    SlotFactory(mission=mission, capacity=4, starts_at=timezone.now() + timedelta(days=2))
    return mission


def test_visitor_finds_a_mission_near_joins_through_sign_up_and_the_association_confirms(
    browser, live_server, mission, org_a
):
    association_member = MemberFactory(email="ali@example.org", display_name="Ali")
    MembershipFactory(user=association_member, organization=org_a)
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        geolocation=HERE,
        permissions=["geolocation"],
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # Find: "Near me" asks the browser's position (granted) and searches around it.
    page.goto("/en/missions/")
    assert_accessible(page, "volunteering-search")
    page.get_by_role("button", name="Near me").click()
    page.wait_for_url(re.compile(r"lat=48\.86"))
    result = page.get_by_role("link", name="Water the vegetable garden")
    assert result.is_visible()
    assert "1.1 km away" in page.locator(".mission-card").first.inner_text()
    assert_accessible(page, "volunteering-search-near")

    # Read, then "I participate" as a visitor: off to log in / sign up, with the way back kept.
    result.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Water the vegetable garden"
    assert_accessible(page, "volunteering-mission")
    page.get_by_role("button", name=re.compile("I participate")).first.click()
    assert "/accounts/login/" in page.url and "next=" in page.url
    page.get_by_role("link", name=re.compile("sign up", re.I)).first.click()
    assert_accessible(page, "volunteering-signup")
    page.get_by_label("Email").fill("dana@example.org")
    page.locator("[name=password1]").fill(PASSWORD)
    page.locator("[name=password2]").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page, "volunteering-verify-email")

    # Verify the email address with the link from the email, in the same browser.
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state("networkidle")
    # Confirming logs the new member in and brings them back to where "I participate" was clicked.
    assert page.url.endswith(f"/missions/slots/{mission.slots.get().pk}/join/")
    assert_accessible(page, "volunteering-join-confirm")
    page.get_by_label(re.compile("Share my email")).check()
    page.get_by_role("button", name="I participate").click()

    # Back on the mission, with the participation done.
    assert page.url.split("#")[0].endswith(f"/missions/{mission.pk}/")
    assert page.get_by_text("You take part.").is_visible()
    assert_accessible(page, "volunteering-joined")
    participation = Participation.objects.get(member__email="dana@example.org")
    assert participation.status == "confirmed" and participation.share_contact

    page.goto("/en/missions/mine/")
    assert page.get_by_role("link", name="Water the vegetable garden").is_visible()
    assert_accessible(page, "volunteering-mine")
    context.close()

    # The slot took place; the association confirms the attendance in admin.
    start = timezone.now() - timedelta(hours=4)
    Slot.objects.filter(mission=mission).update(starts_at=start, ends_at=start + timedelta(hours=2))
    admin_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    admin = admin_context.new_page()
    login(admin, "ali@example.org", PASSWORD)
    admin.goto("/admin/volunteering/participation/")
    row = admin.locator("#result_list tbody tr", has_text="dana@example.org")
    assert row.count() == 1
    row.locator("input[name=_selected_action]").check()
    admin.locator("select[name=action]").select_option("mark_attended")
    admin.locator("button[name=index], .actions button").first.click()
    admin.wait_for_load_state("networkidle")
    screenshot(admin, "volunteering-admin-attended")
    participation.refresh_from_db()
    assert participation.status == "attended" and participation.hours == 2
    admin_context.close()
    assert not errors, errors
