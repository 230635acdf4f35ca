"""Text shown in another language than the page's is marked with ``lang`` (WCAG 3.1.2): a screen
reader then reads it with the right voice, a browser hyphenates it with the right rules."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from civic.core.l10n import language_of
from participation import services as participation
from tests.factories import OrganizationFactory
from tests.participation.factories import CitySpaceFactory, ProposalFactory
from tests.volunteering.factories import MissionFactory

pytestmark = pytest.mark.django_db


def _in(lang: str, name: str, *args) -> str:
    with translation.override(lang):
        return reverse(name, args=args)


def _tag_around(html: str, text: str) -> str:
    """The opening tag of the element of the page's body whose content starts with ``text``."""
    body = html[html.index("<body") :]
    match = re.search(r"<(\w+)([^>]*)>\s*(?:<p>)?" + re.escape(text), body)
    assert match, text
    return match.group(0)


def test_a_proposal_written_in_spanish_is_marked_spanish_on_a_french_page(client, city):
    space = CitySpaceFactory(city=city)
    proposal = ProposalFactory(
        city=city, language="es", title="Más árboles en la calle", text="Plantar árboles."
    )

    html = client.get(_in("fr", "participation:proposal", city.slug, proposal.pk)).content.decode()

    assert 'lang="es"' in _tag_around(html, "Más árboles en la calle")
    assert 'lang="es"' in _tag_around(html, "Plantar árboles.")
    listing = client.get(_in("fr", "participation:space", space.city.slug)).content.decode()
    assert 'lang="es"' in _tag_around(listing, "Más árboles en la calle")


def test_a_proposal_in_the_page_language_has_no_lang_of_its_own(client, city):
    CitySpaceFactory(city=city)
    proposal = ProposalFactory(city=city, language="fr", title="Plus d’arbres")

    html = client.get(_in("fr", "participation:proposal", city.slug, proposal.pk)).content.decode()

    assert "lang=" not in _tag_around(html, "Plus d’arbres")


def test_a_mission_with_only_an_english_title_is_marked_english_on_french_pages(client, city):
    mission = MissionFactory(
        organization=OrganizationFactory(city=city), title_fr="", title_en="Sort food parcels", title_es=""
    )

    html = client.get(_in("fr", "volunteering:mission_detail", mission.pk)).content.decode()
    assert 'lang="en"' in _tag_around(html, "Sort food parcels")
    # On the English page the same title needs no mark.
    html = client.get(_in("en", "volunteering:mission_detail", mission.pk)).content.decode()
    assert "lang=" not in _tag_around(html, "Sort food parcels")


def test_language_of_follows_the_fallback_order(city):
    mission = MissionFactory(
        organization=OrganizationFactory(city=city), title_fr="", title_en="Hello", title_es="Hola"
    )

    with translation.override("es"):
        assert language_of(mission, "title") == "es"
    with translation.override("fr"):
        # fr is empty; the fallback order (fr, en, es) gives English before Spanish.
        assert language_of(mission, "title") == "en"


def test_a_call_for_participation_keeps_the_language_it_was_written_in(client, city, city_hall, olga):
    CitySpaceFactory(city=city)
    with translation.override("en"):
        call = participation.call_create(
            city=city, organization=city_hall, by=olga, title="Workshop on the new park", description="Come."
        )

    assert call.language == "en"
    html = client.get(_in("fr", "participation:call", city.slug, call.pk)).content.decode()
    assert 'lang="en"' in _tag_around(html, "Workshop on the new park")
