"""A proposal is found by its current words however they were written: the admin, a bulk update,
a bulk insert."""

import pytest
from django.urls import reverse
from django.utils import translation

from participation.models import Proposal
from tests.participation.factories import ProposalFactory
from tests.search_checks import admin_save, found_pks, search_page

pytestmark = pytest.mark.django_db


def test_an_editors_admin_edit_makes_the_proposal_found_by_its_new_title_only(client, edith, space, theme):
    proposal = ProposalFactory(city=space.city, theme=theme, title="Fontaines à eau", text="Dans les parcs.")
    client.force_login(edith)

    admin_save(
        client, reverse("admin:participation_proposal_change", args=[proposal.pk]), title="Bancs ombragés"
    )

    assert found_pks(Proposal.objects.visible(), "ombrages") == [proposal.pk]
    assert found_pks(Proposal.objects.visible(), "ombrges") == [proposal.pk]  # a typo
    assert found_pks(Proposal.objects.visible(), "fontaines") == []
    with translation.override("en"):
        url = proposal.get_absolute_url()
    assert url in search_page(client, "ombragés")
    assert url not in search_page(client, "fontaines")


def test_a_bulk_update_makes_the_proposal_found_by_its_new_title(client, space, theme):
    proposal = ProposalFactory(city=space.city, theme=theme, title="Fontaines à eau", text="Dans les parcs.")

    Proposal.objects.filter(pk=proposal.pk).update(title="Bancs ombragés")

    assert found_pks(Proposal.objects.all(), "ombrges") == [proposal.pk]
    assert found_pks(Proposal.objects.all(), "fontaines") == []
    with translation.override("en"):
        assert proposal.get_absolute_url() in search_page(client, "ombrages")


def test_proposals_inserted_in_bulk_are_found_and_correct_typos(space, theme, alice):
    Proposal.objects.bulk_create(
        [
            Proposal(city=space.city, author=alice, theme=theme, title=title, text="Texte.", language="fr")
            for title in ("Composteur collectif", "Boîte à livres")
        ]
    )

    assert len(found_pks(Proposal.objects.all(), "composteur")) == 1
    assert len(found_pks(Proposal.objects.all(), "compsteur")) == 1  # its title words joined the vocabulary
    assert len(found_pks(Proposal.objects.all(), "boite livres")) == 1
