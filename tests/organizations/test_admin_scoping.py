"""Organisation members use the admin for their own organisation only; others' records answer 404."""

import pytest

pytestmark = pytest.mark.django_db


def test_bob_of_organisation_b_gets_404_on_organisation_a(client, alice_in_a, bob_in_b, org_a):
    client.force_login(bob_in_b)
    assert client.get(f"/admin/organizations/organization/{org_a.pk}/change/").status_code == 404
    assert (
        client.post(f"/admin/organizations/organization/{org_a.pk}/change/", {"name": "Hacked"}).status_code
        == 404
    )
    assert client.get(f"/admin/organizations/organization/{org_a.pk}/delete/").status_code == 404
    org_a.refresh_from_db()
    assert org_a.name == "Association A"


def test_alice_sees_and_edits_only_her_organisation(client, alice_in_a, org_a, org_b):
    client.force_login(alice_in_a)

    listing = client.get("/admin/organizations/organization/").content.decode()
    assert "Association A" in listing
    assert "Association B" not in listing
    assert client.get(f"/admin/organizations/organization/{org_a.pk}/change/").status_code == 200


def test_members_cannot_reach_platform_data_but_editors_can(client, alice_in_a, edith, city):
    client.force_login(alice_in_a)
    assert client.get(f"/admin/places/city/{city.pk}/change/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403

    client.force_login(edith)
    assert client.get(f"/admin/places/city/{city.pk}/change/").status_code == 200
    assert client.get("/admin/organizations/organization/").status_code == 200


def test_a_member_without_organisation_cannot_enter_the_admin(client, charlie):
    client.force_login(charlie)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_official_belongs_to_the_city_hall(olga, city, city_hall):
    from civic.organizations.rules import is_official_of, official_city_ids

    assert is_official_of(olga, city)
    assert official_city_ids(olga) == {city.pk}


def test_editor_edits_a_city_with_the_point_picker(client, edith, city):
    client.force_login(edith)
    page = client.get(f"/admin/places/city/{city.pk}/change/").content.decode()
    assert 'name="point_lat"' in page and 'name="point_lng"' in page

    data = {
        "slug": "paris",
        "name_fr": "Paris",
        "name_en": "Paris",
        "name_es": "París",
        "country": "FR",
        "timezone": "Europe/Paris",
        "default_language": "fr",
        "point_lat": "48.86",
        "point_lng": "2.34",
        "is_active": "on",
    }
    response = client.post(f"/admin/places/city/{city.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    city.refresh_from_db()
    assert (city.latitude, city.longitude) == (48.86, 2.34)


def test_the_admin_point_picker_loads_its_map_script(client, edith, city):
    client.force_login(edith)
    page = client.get(f"/admin/places/city/{city.pk}/change/").content.decode()
    assert "/static/js/civic.js" in page and "/static/leaflet/leaflet.js" in page
    assert 'value="48.8566"' in page  # coordinates shown rounded, without float noise


def test_admin_login_sends_association_members_through_the_site_login_and_back(client, alice_in_a):
    from tests.factories import PASSWORD

    response = client.get("/admin/login/?next=/admin/volunteering/mission/")
    assert response.status_code == 302
    login_url = response["Location"]
    assert (
        login_url.startswith("/fr/accounts/login/")
        and "next=%2Fadmin%2Fvolunteering%2Fmission%2F" in login_url
    )

    response = client.post(login_url, {"login": alice_in_a.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/volunteering/mission/"
    assert client.get("/admin/volunteering/mission/").status_code == 200


def test_admin_login_tells_a_member_without_organisation_instead_of_looping(client, charlie):
    client.force_login(charlie)
    assert client.get("/admin/login/?next=/admin/").status_code == 403
