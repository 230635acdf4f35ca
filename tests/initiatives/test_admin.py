import pytest

from tests.initiatives.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def test_editor_edits_every_language_and_the_featured_flag_in_admin(client, edith):
    initiative = InitiativeFactory(title_fr="Frigo solidaire", title_en="")
    client.force_login(edith)

    page = client.get(f"/admin/initiatives/initiative/{initiative.pk}/change/").content.decode()
    assert 'name="title_fr"' in page and 'name="title_en"' in page and 'name="title_es"' in page
    assert 'name="featured"' in page

    changelist = client.get("/admin/initiatives/initiative/").content.decode()
    assert "Frigo solidaire" in changelist


def test_an_organisation_member_does_not_see_initiatives_in_admin(client, alice_in_a):
    initiative = InitiativeFactory(title_fr="Frigo solidaire")
    client.force_login(alice_in_a)

    response = client.get(f"/admin/initiatives/initiative/{initiative.pk}/change/")
    assert response.status_code in (403, 404)
    assert "Frigo solidaire" not in response.content.decode()
    assert client.get("/admin/initiatives/initiative/").status_code == 403


def test_admin_translation_edit_updates_search(client, edith):
    from initiatives.models import Initiative

    initiative = InitiativeFactory(title_fr="Frigo solidaire", title_es="")
    initiative.title_es = "Nevera solidaria"
    initiative.save()

    assert list(Initiative.objects.search("nevera")) == [initiative]
