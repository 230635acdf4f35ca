"""Theme icons are vendored SVG drawings (static/icons/lucide/), not emoji: the same on every
machine, and hidden from screen readers so that labels read as the theme's name only."""

import importlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from civic.core.demo import THEMES
from civic.core.icons import ICONS_DIR, available_icons, icon_svg
from tests.factories import ThemeFactory

EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")


def test_every_demo_theme_has_a_vendored_drawing():
    for slug, icon, *_names in THEMES:
        assert icon in available_icons(), slug


def test_the_vendored_set_keeps_its_licence_and_version():
    assert "ISC License" in (ICONS_DIR / "LICENSE").read_text()
    assert re.fullmatch(r"\d+\.\d+\.\d+", (ICONS_DIR / "VERSION").read_text().strip())


def test_an_icon_is_inline_svg_hidden_from_assistive_technology():
    html = Template("{% load civic %}<span>{% icon 'sprout' %} Urban agriculture</span>").render(Context())
    assert html.startswith('<span><svg class="icon icon-sprout" aria-hidden="true" focusable="false" ')
    assert 'stroke="currentColor"' in html
    assert "<!--" not in html and 'width="24"' not in html
    assert html.endswith("</svg> Urban agriculture</span>")


@pytest.mark.parametrize("name", ["", "no-such-icon", "🌱", "../LICENSE", "sprout.svg"])
def test_a_blank_or_unknown_icon_draws_nothing(name):
    assert icon_svg(name) == ""


@pytest.mark.django_db
def test_a_theme_icon_must_name_a_vendored_drawing():
    theme = ThemeFactory(icon="sprout")
    theme.full_clean()
    theme.icon = "🌱"
    with pytest.raises(ValidationError) as error:
        theme.full_clean()
    assert "icon" in error.value.message_dict


def test_the_migration_turns_the_demo_emoji_into_drawing_names():
    migration = importlib.import_module("civic.core.migrations.0005_theme_icon_names")
    assert migration.icon_name_for("🌱") == "sprout"
    assert migration.icon_name_for("❤\ufe0f") == "heart-pulse"  # with the emoji presentation selector
    assert migration.icon_name_for("recycle") == "recycle"
    assert migration.icon_name_for("🦄") == ""  # no drawing for it: left for an editor to choose
    for _slug, icon, *_names in THEMES:
        assert icon in migration.EMOJI_TO_NAME.values()


@pytest.mark.django_db
def test_mission_filters_label_each_interest_with_its_name_and_a_hidden_drawing(client):
    ThemeFactory(slug="urban-agriculture", icon="sprout", name_en="Urban agriculture")
    with translation.override("en"):
        response = client.get(reverse("volunteering:index"))
    html = response.content.decode()
    label = re.search(r'<label for="id_themes_\d+">(.*?)</label>', html, re.S).group(1)
    assert label.startswith('<svg class="icon icon-sprout" aria-hidden="true" focusable="false"')
    # What a screen reader reads: the label without its aria-hidden drawing.
    assert re.sub(r"<svg.*?</svg>", "", label, flags=re.S).strip() == "Urban agriculture"
    assert not EMOJI.search(html)


@pytest.mark.django_db
def test_an_editor_picks_a_theme_icon_from_the_vendored_drawings(client, edith):
    theme = ThemeFactory(slug="recycling", icon="sprout", name_fr="Recyclage", name_en="Recycling")
    client.force_login(edith)
    url = reverse("admin:core_theme_change", args=[theme.pk])
    page = client.get(url).content.decode()
    assert re.search(r'<select name="icon"[^>]*>', page)
    assert '<option value="recycle">recycle</option>' in page

    form = {"slug": "recycling", "name_fr": "Recyclage", "name_en": "Recycling", "name_es": "Reciclaje"}
    response = client.post(url, {**form, "icon": "recycle", "position": 0, "is_active": "on"})
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.icon == "recycle"
    response = client.post(url, {**form, "icon": "🌱", "position": 0, "is_active": "on"})
    assert response.status_code == 200  # refused: not one of the choices
    theme.refresh_from_db()
    assert theme.icon == "recycle"
