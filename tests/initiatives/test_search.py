"""An initiative is found by its current words however they were written: the admin, a bulk update."""

import pytest
from django.urls import reverse
from django.utils import translation

from initiatives.models import Initiative
from tests.initiatives.factories import InitiativeFactory
from tests.search_checks import admin_save, found_pks, search_page

pytestmark = pytest.mark.django_db


def _public_url(initiative) -> str:
    with translation.override("en"):
        return initiative.get_absolute_url()


def test_an_editors_admin_edit_makes_the_initiative_found_by_its_new_title_only(client, edith, theme):
    initiative = InitiativeFactory(title_fr="Frigo solidaire", themes=[theme])
    client.force_login(edith)

    admin_save(
        client,
        reverse("admin:initiatives_initiative_change", args=[initiative.pk]),
        title_fr="Grainothèque du quartier",
    )

    assert found_pks(Initiative.objects.published(), "grainotheque") == [initiative.pk]
    assert found_pks(Initiative.objects.published(), "grainoteque") == [initiative.pk]  # a typo
    assert found_pks(Initiative.objects.published(), "frigo") == []
    assert _public_url(initiative) in search_page(client, "grainothèque")
    assert _public_url(initiative) not in search_page(client, "frigo")


def test_a_bulk_update_makes_the_initiative_found_by_its_new_title(client):
    initiative = InitiativeFactory(title_fr="Frigo solidaire")

    Initiative.objects.filter(pk=initiative.pk).update(title_fr="Grainothèque du quartier")

    assert found_pks(Initiative.objects.all(), "grainoteque") == [initiative.pk]
    assert found_pks(Initiative.objects.all(), "frigo") == []
    assert _public_url(initiative) in search_page(client, "grainoteque")
