"""A spotter submits an initiative with a photo, an editor publishes it, and a visitor finds it by
searching in another language. axe runs on every page visited."""

import io

import pytest

from civic.places.geo import point
from tests.e2e.browser import assert_accessible, login
from tests.factories import PASSWORD, CityFactory, EditorFactory, MemberFactory, ThemeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), (40, 150, 90)).save(out, format="PNG")
    return out.getvalue()


def test_spotter_submits_editor_publishes_visitor_finds_it_in_another_language(
    browser, live_server, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    city = CityFactory(slug="lyon", name_fr="Lyon", name_en="Lyon", name_es="Lyon", lat=45.76, lng=4.84)
    city.point = point(45.76, 4.84)
    city.save()
    ThemeFactory(slug="bees", name_fr="Abeilles", name_en="Bees", name_es="Abejas")
    MemberFactory(email="sam@example.org", display_name="Sam", is_spotter=True, language="en")
    EditorFactory(email="edith@example.org", display_name="Edith")

    def new_page():
        ctx = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
        ctx.set_default_timeout(15000)
        return ctx, ctx.new_page()

    # The spotter submits, in English, with a photo.
    ctx, page = new_page()
    login(page, "sam@example.org", PASSWORD)
    page.goto("/en/initiatives/")
    assert_accessible(page, "initiatives-list-en")
    page.get_by_role("link", name="Submit an initiative").click()
    assert_accessible(page, "initiatives-form-en")
    page.get_by_label("Title").fill("Rooftop beehives of the Croix-Rousse")
    page.get_by_label("Summary").fill("Six hives on a school roof, kept by neighbours.")
    page.get_by_label("City").select_option(label="Lyon")
    page.get_by_label("Latitude").fill("45.7745")
    page.get_by_label("Longitude").fill("4.8302")
    page.get_by_label("Bees").check()
    page.get_by_label("Photo", exact=True).set_input_files(
        files=[{"name": "hives.png", "mimeType": "image/png", "buffer": _png_bytes()}]
    )
    page.get_by_label("Description of the photo").fill("Three white hives on a roof")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("heading", level=1, name="Rooftop beehives of the Croix-Rousse").wait_for()
    assert page.get_by_role("img", name="Three white hives on a roof").is_visible()
    assert_accessible(page, "initiatives-draft-en")
    page.get_by_role("button", name="Send to the editors").click()
    page.get_by_text("Sent to the editors").wait_for()
    ctx.close()

    # The editor publishes it from the review queue.
    ctx, page = new_page()
    login(page, "edith@example.org", PASSWORD)
    page.goto("/en/initiatives/review/")
    assert_accessible(page, "initiatives-review-queue")
    page.get_by_role("link", name="Rooftop beehives of the Croix-Rousse").click()
    assert_accessible(page, "initiatives-review-form")
    page.get_by_label("Publish").check()
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("Published.").wait_for()
    ctx.close()

    # A visitor reading in Spanish finds it with an English word and opens it.
    ctx, page = new_page()
    page.goto("/es/initiatives/")
    main = page.get_by_role("main")
    main.get_by_label("Buscar", exact=True).fill("beehive")
    main.get_by_role("button", name="Buscar", exact=True).click()
    page.get_by_role("link", name="Rooftop beehives of the Croix-Rousse").click()
    assert page.get_by_role("note").is_visible()  # shown in another language
    assert page.locator("iframe").count() == 0
    assert_accessible(page, "initiatives-detail-es")
    ctx.close()
