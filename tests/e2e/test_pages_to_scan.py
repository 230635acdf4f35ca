"""Issue 14 item 10: pages a person wants to scan. The home page without a position is one short row
per kind, each card with a picture (the item's photo, else its theme's drawing), about three screens
on a phone; screenshots of home, a list and a detail page in each language for people to look at."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from civic.core.images import make_thumbnail
from crowdfunding.models import ProjectPhoto
from initiatives.models import InitiativePhoto
from tests.crowdfunding.factories import ProjectFactory, open_campaign
from tests.e2e.browser import ARTIFACTS, assert_accessible
from tests.events.factories import EventFactory
from tests.factories import ThemeFactory
from tests.initiatives.factories import InitiativeFactory
from tests.participation.factories import CitySpaceFactory, ProposalFactory
from tests.volunteering.factories import MissionFactory, SlotFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = ARTIFACTS / "screenshots"
LONG = (
    "Every Saturday morning neighbours meet to sow, water and harvest together; no experience is needed, "
    "tools and gloves are lent, and children are welcome with an adult."
)


def _jpeg(colour: tuple[int, int, int], size=(1200, 800)) -> ContentFile:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return ContentFile(out.getvalue(), name="photo.jpg")


def _photo(model, owner_field: str, owner, colour, alt_field: str, alt: str) -> None:
    photo = model(**{owner_field: owner, alt_field: alt})
    photo.image.save("photo.jpg", _jpeg(colour), save=False)
    photo.thumbnail.save("thumb.jpg", make_thumbnail(photo.image.file), save=False)
    photo.save()


@pytest.fixture
def demo(city, org_a, alice):
    """Four of each kind, like the demo: initiatives and projects with photos, the rest with themes."""
    garden = ThemeFactory(
        slug="garden", name_fr="Jardins", name_en="Gardens", name_es="Huertos", icon="sprout"
    )
    recycling = ThemeFactory(
        slug="recycling", name_fr="Recyclage", name_en="Recycling", name_es="Reciclaje", icon="recycle"
    )
    CitySpaceFactory(city=city)
    missions = []
    for n in range(4):
        mission = MissionFactory(
            organization=org_a,
            title_fr=f"Arroser le jardin partagé n° {n + 1}",
            title_en=f"Water the shared garden no. {n + 1}",
            title_es=f"Regar el huerto compartido n.º {n + 1}",
            description_fr=LONG,
            description_en=LONG,
            description_es=LONG,
            lat=48.86 + n / 100,
            lng=2.34,
        )
        mission.themes.set([garden if n % 2 else recycling])
        SlotFactory(mission=mission, starts_at=timezone.now() + timedelta(days=3 + n))
        missions.append(mission)
        event = EventFactory(city=city, description_fr=LONG, description_en=LONG, description_es=LONG)
        event.themes.set([recycling])
        initiative = InitiativeFactory(
            city=city,
            title_en=f"Solidarity fridge {n + 1}",
            summary_en=LONG,
            featured=True,
            themes=[garden],
        )
        _photo(
            InitiativePhoto,
            "initiative",
            initiative,
            (40 + 50 * n, 120, 90),
            "alt",
            "A fridge in a street",
        )
        project = ProjectFactory(
            city=city, holder_member=alice, title_en=f"Compost bins {n + 1}", summary_en=LONG
        )
        project.themes.set([recycling])
        open_campaign(project)
        if n < 2:
            _photo(ProjectPhoto, "project", project, (200, 120 + 30 * n, 60), "alt", "Wooden compost bins")
        ProposalFactory(
            city=city, author=alice, theme=garden, title=f"More trees in street {n + 1}", text=LONG
        )
    return missions


def _load_lazy_images(page) -> None:
    """Scroll to the bottom and back so that lazy pictures are in the full-page screenshot."""
    page.evaluate(
        "async () => { for (let y = 0; y < document.body.scrollHeight; y += 600) {"
        " window.scrollTo(0, y); await new Promise(r => setTimeout(r, 50)); } window.scrollTo(0, 0); }"
    )
    page.wait_for_load_state("networkidle")


def _height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def test_home_page_on_a_phone_is_one_short_row_per_kind_with_pictures(phone, demo):
    phone.goto("/en/")

    headings = phone.locator(".kind-row h2").all_inner_texts()
    assert headings == ["Volunteer missions", "Events", "Projects to fund", "Proposals", "Initiatives"]
    for name, url in [("Volunteer missions", "/en/missions/"), ("Initiatives", "/en/initiatives/")]:
        link = phone.get_by_role("link", name=re.compile(rf"^See all\s*:\s*{name}$"))
        assert link.get_attribute("href") == url
    assert phone.locator(".kind-row .result:visible").count() == 15  # three cards a row on a phone
    height = _height(phone)
    assert height < 2600, f"the home page is {height} px high: it should be at most about three phone screens"

    images = phone.locator(".kind-row .result-picture img")
    assert images.count() == 6  # the four initiatives' photos and two projects' photos
    for i in range(images.count()):
        img = images.nth(i)
        assert img.get_attribute("width") and img.get_attribute("height")
        assert img.get_attribute("decoding") == "async"
        assert "400w" in img.get_attribute("srcset") and img.get_attribute("sizes")
        assert img.get_attribute("loading") == "lazy"
    assert images.first.get_attribute("alt") in ("A fridge in a street", "Wooden compost bins")
    drawn = phone.locator(".kind-row-mission .result-illustration svg").first.get_attribute("class")
    assert drawn in ("icon icon-sprout", "icon icon-recycle")
    assert_accessible(phone, "home-rows-en-phone")


def test_screenshots_of_home_a_list_and_a_detail_page_in_each_language(browser, live_server, demo):
    """Saved under test-artifacts/screenshots/ (CI keeps them) for people to look at."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    mission = demo[0]
    for width, height in [(390, 844), (1280, 900)]:
        ctx = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height})
        page = ctx.new_page()
        for lang in ("fr", "en", "es"):
            for name, path in [
                ("home", f"/{lang}/"),
                ("missions", f"/{lang}/missions/"),
                ("mission", f"/{lang}/missions/{mission.pk}/"),
            ]:
                response = page.goto(path)
                assert response.status == 200, path
                _load_lazy_images(page)
                shot = SCREENS / f"{name}-{lang}-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 0
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        ctx.close()
