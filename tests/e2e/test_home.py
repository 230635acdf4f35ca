import pytest

from tests.e2e.browser import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("lang", "heading", "nav_name", "nav_label"),
    [
        ("fr", "Que puis-je faire près de chez moi\u202f?", "Principale", "Missions"),
        ("en", "What can I do near me?", "Main", "Missions"),
        ("es", "¿Qué puedo hacer cerca de mí?", "Principal", "Misiones"),
    ],
)
def test_home_page_reads_in_each_language_and_passes_axe(page, lang, heading, nav_name, nav_label):
    page.goto(f"/{lang}/")

    assert page.locator("html").get_attribute("lang") == lang
    assert page.get_by_role("heading", level=1).inner_text() == heading
    nav = page.get_by_role("navigation", name=nav_name)
    assert nav.get_by_role("link", name=nav_label, exact=True).is_visible()
    assert_accessible(page, f"home-{lang}")


def test_language_switcher_keeps_the_page(page):
    page.goto("/fr/missions/")
    page.get_by_role("navigation", name="Langue").get_by_role("link", name="ES", exact=True).click()

    assert page.url.endswith("/es/missions/")
    assert page.locator("html").get_attribute("lang") == "es"


def test_home_page_on_a_phone_opens_the_menu_with_the_keyboard(phone):
    phone.goto("/en/")
    menu_link = phone.locator("#site-menu").get_by_role("link", name="Initiatives", exact=True)
    assert not menu_link.is_visible()

    toggle = phone.get_by_role("button", name="Menu")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    phone.keyboard.press("Enter")

    assert toggle.get_attribute("aria-expanded") == "true"
    assert menu_link.is_visible()
    assert_accessible(phone, "home-en-phone-menu")
