"""A project is found by its current words however they were written: the admin, a bulk update."""

import pytest
from django.urls import reverse
from django.utils import translation

from crowdfunding.models import Project
from tests.crowdfunding.factories import ProjectFactory, open_campaign
from tests.search_checks import admin_save, found_pks, search_page

pytestmark = pytest.mark.django_db


def _public_url(project) -> str:
    with translation.override("en"):
        return project.get_absolute_url()


@pytest.fixture
def project(alice_in_a, org_a, city):
    """Association A's project, being funded (so that the global search lists it)."""
    project = ProjectFactory(
        holder_member=None, holder_organization=org_a, city=city, title_fr="Fresque du lavoir", title_en=""
    )
    open_campaign(project, by=alice_in_a)
    return project


def test_a_members_admin_edit_makes_the_project_found_by_its_new_title_only(client, alice_in_a, project):
    client.force_login(alice_in_a)

    admin_save(
        client,
        reverse("admin:crowdfunding_project_change", args=[project.pk]),
        title_fr="Bancs du square Voltaire",
    )

    assert found_pks(Project.objects.public(), "voltaire") == [project.pk]
    assert found_pks(Project.objects.public(), "voltare") == [project.pk]  # a typo
    assert found_pks(Project.objects.public(), "fresque") == []
    assert _public_url(project) in search_page(client, "voltaire")
    assert _public_url(project) not in search_page(client, "fresque")


def test_the_admin_finds_a_project_by_its_new_title_without_accents(client, alice_in_a, project):
    client.force_login(alice_in_a)
    admin_save(
        client, reverse("admin:crowdfunding_project_change", args=[project.pk]), title_fr="Bancs de l'Été"
    )

    changelist = client.get(reverse("admin:crowdfunding_project_changelist"), {"q": "ete"}).content.decode()

    assert reverse("admin:crowdfunding_project_change", args=[project.pk]) in changelist


def test_a_bulk_update_makes_the_project_found_by_its_new_title(client, project):
    Project.objects.filter(pk=project.pk).update(title_fr="Bancs du square Voltaire")

    assert found_pks(Project.objects.all(), "voltare") == [project.pk]
    assert found_pks(Project.objects.all(), "fresque") == []
    assert _public_url(project) in search_page(client, "voltaire")
