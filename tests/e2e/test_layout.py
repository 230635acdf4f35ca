"""Readable on a 390 px phone: nothing jumps after load (the menu is closed by CSS, not by a script),
nothing scrolls sideways (tables scroll in their own box), and filter targets are at least 24 px."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from civic.core import demo as kernel_demo
from civic.core.models import Theme
from participation import services as participation_services
from tests.e2e.browser import assert_accessible, login, screenshot
from tests.events.factories import EventFactory
from tests.factories import PASSWORD
from tests.initiatives.factories import InitiativeFactory
from tests.participation.factories import CitySpaceFactory, ProposalFactory
from tests.volunteering.factories import MissionFactory, SlotFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}

# Installed before any page script: sums the layout shifts not caused by input, as Lighthouse's CLS
# does for a page load (one session window is enough for pages this short-lived).
CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) { if (!e.hadRecentInput) window.__cls += e.value; });
}).observe({ type: "layout-shift", buffered: true });
"""


@pytest.fixture
def content(city, org_a, alice, bob, charlie, olga):
    """The demo's 14 themes (their real names, long in French and Spanish) and one of each thing."""
    kernel_demo.seed()
    themes = list(Theme.objects.active())
    mission = MissionFactory(
        organization=org_a,
        title_fr="Arroser le potager partagé de la rue des Lilas",
        title_en="Water the shared vegetable garden of the rue des Lilas",
        themes=themes[:3],
        address="12 rue des Lilas, Paris",
    )
    SlotFactory(mission=mission, capacity=4, starts_at=timezone.now() + timedelta(days=2))
    event = EventFactory(city=city, title_en="Neighbourhood repair café and seed swap", themes=themes[2:5])
    InitiativeFactory(city=city, title_fr="Un compost collectif au pied des immeubles", themes=themes[:2])
    CitySpaceFactory(city=city, support_threshold=1)
    proposal = ProposalFactory(
        city=city, author=alice, title="Shade for the school playground", theme=themes[0]
    )
    participation_services.proposal_support(proposal=proposal, member=bob)
    flagged = ProposalFactory(
        city=city, author=alice, title="A flagged proposal about parking", theme=themes[1]
    )
    participation_services.flag_create(proposal=flagged, member=charlie, reason="off_topic")
    return {"event": event, "proposal": proposal}


def phone_page(browser, live_server, *, measure_cls=False):
    ctx = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(15000)
    if measure_cls:
        ctx.add_init_script(CLS_OBSERVER)
        # On a phone network the page is drawn before its scripts arrive (Lighthouse saw 0.37 at 390 px
        # while a local server answers so fast that scripts run before the first paint): hold every
        # script back so that whatever a script changes in the layout counts as a shift.
        ctx.route("**/*.js", _late)
    return ctx, ctx.new_page()


def _late(route):
    time.sleep(0.4)
    route.continue_()


def cumulative_layout_shift(page, url: str) -> float:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # late shifts (maps, fonts) still count
    return page.evaluate("window.__cls")


# The first line of text of a checkbox's label, and how many lines it takes.
TEXT_BOX = """(input) => {
  const label = document.querySelector(`label[for="${input.id}"]`);
  const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT, (n) => n.textContent.trim() ? 1 : 3);
  const range = document.createRange();
  const first = walker.nextNode();
  let last = first, node;
  while ((node = walker.nextNode())) last = node;
  range.setStart(first, 0);
  range.setEnd(last, last.textContent.length);
  const rects = [...range.getClientRects()].filter((r) => r.width > 0);
  const tops = new Set(rects.map((r) => Math.round(r.top)));
  return { text: label.textContent.trim(), left: rects[0].left, middle: rects[0].top + rects[0].height / 2, lines: tops.size };
}"""


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("url", ["/en/", "/en/missions/", "/fr/initiatives/"])
def test_pages_do_not_jump_after_loading_on_a_phone(browser, live_server, content, url):
    ctx, page = phone_page(browser, live_server, measure_cls=True)
    cls = cumulative_layout_shift(page, url)
    assert cls < 0.05, f"{url}: CLS {cls:.3f}"
    # The menu starts closed and its toggle opens it.
    toggle = page.locator(".menu-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#site-menu")).to_be_hidden()
    toggle.click()
    expect(page.locator("#site-menu")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#site-menu")).to_be_hidden()
    expect(toggle).to_be_focused()
    ctx.close()


def test_without_javascript_the_phone_menu_is_open_and_has_no_dead_toggle(browser, live_server, content):
    ctx = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    page = ctx.new_page()
    page.goto("/en/")
    expect(page.locator("#site-menu").get_by_role("link", name="Missions", exact=True)).to_be_visible()
    expect(page.locator(".menu-toggle")).to_be_hidden()
    ctx.close()


def test_nothing_scrolls_sideways_on_a_phone(browser, live_server, content, olga):
    ctx, page = phone_page(browser, live_server)
    pages = {
        "home": "/en/",
        "event": content["event"].get_absolute_url().replace("/fr/", "/en/", 1),
        "proposal": f"/en/cities/paris/proposals/{content['proposal'].pk}/",
        "initiatives": "/fr/initiatives/",
    }
    for name, url in pages.items():
        page.goto(url)
        assert page_width(page) <= PHONE["width"], f"{name} ({url}) is {page_width(page)} px wide"
    page.goto("/en/")
    screenshot(page, "layout-home-390")

    # The missions list with its filters open, in French (the longest labels).
    page.goto("/fr/missions/")
    page.get_by_text("Plus de filtres").click()
    expect(page.get_by_role("group", name="Centres d'intérêt")).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    screenshot(page, "layout-missions-filters-390")
    assert_accessible(page)

    # The city dashboard of an official: tables scroll inside named, focusable boxes.
    login(page, olga.email, PASSWORD)
    page.goto("/en/cities/paris/dashboard/")
    expect(page.get_by_role("button", name="Hide")).to_be_visible()
    assert page_width(page) <= PHONE["width"], f"dashboard is {page_width(page)} px wide"
    boxes = page.locator(".table-scroll")
    assert boxes.count() >= 4
    for i in range(boxes.count()):
        box = boxes.nth(i)
        assert box.get_attribute("role") == "region" and box.get_attribute("tabindex") == "0"
        assert box.get_attribute("aria-label") or box.get_attribute("aria-labelledby")
    queue = page.get_by_role("region", name="Awaiting your answer")
    expect(queue.get_by_role("link", name="Shade for the school playground", exact=True)).to_be_visible()
    screenshot(page, "layout-dashboard-390")
    assert_accessible(page)
    ctx.close()


@pytest.mark.parametrize(
    ("url", "form", "at_least"),
    [
        ("/fr/missions/", ".mission-search", 14 + 6 + 3),  # themes, availability, remote/beginner/accessible
        ("/fr/", ".discover-form", 14 + 5),  # themes, kinds of things
    ],
)
def test_filter_checkboxes_sit_beside_their_labels_with_24_px_targets(
    browser, live_server, content, url, form, at_least
):
    ctx, page = phone_page(browser, live_server)
    page.goto(url)
    page.locator(f"{form} summary").click()
    checkboxes = page.locator(f"{form} input[type=checkbox]")
    assert checkboxes.count() >= at_least
    for checkbox in checkboxes.all():
        box = checkbox.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, checkbox.get_attribute("id")
        # Where the label's first line of text is drawn (a label may wrap its checkbox, as Django's
        # widget does, or follow it, as the missions' groups do).
        text = checkbox.evaluate(TEXT_BOX)
        assert text["left"] >= box["x"] + box["width"], text  # right of its checkbox...
        assert abs(text["middle"] - (box["y"] + box["height"] / 2)) < 12, text  # ...on the same line
        assert text["lines"] <= 2, text  # not one word per line
    for link in page.locator(f"{form} a").all():
        assert link.bounding_box()["height"] >= 24, link.inner_text()
    assert page_width(page) <= PHONE["width"]
    screenshot(page, f"layout-filters-{form.strip('.')}-390")
    ctx.close()
