"""People are chosen, not listed: the admin's member pickers offer only the people an organisation
already works with (its members; for events, also its events' attendees), by name, never by email.

Alice runs association A with Dora; Ann came to one of A's events; Bob runs association B;
Charlie has nothing to do with either; Edith (editor) may pick anyone.
"""

import pytest

from tests.events.factories import EventFactory, RSVPFactory
from tests.factories import MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PICKERS = {
    "event organisers": ("events", "event", "organisers"),
    "project holder": ("crowdfunding", "project", "holder_member"),
}


@pytest.fixture
def people(alice_in_a, bob_in_b, charlie, edith, org_a):
    dora = MemberFactory(email="dora@example.org", display_name="Dora")
    MembershipFactory(user=dora, organization=org_a)
    ann = MemberFactory(email="ann@example.org", display_name="Ann")
    RSVPFactory(event=EventFactory(organization=org_a), member=ann)
    return {
        "alice": alice_in_a,
        "bob": bob_in_b,
        "charlie": charlie,
        "edith": edith,
        "dora": dora,
        "ann": ann,
    }


def _offered(client, picker: str, term: str = "") -> tuple[int, list[str], str]:
    app_label, model_name, field_name = PICKERS[picker]
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    if response.status_code != 200:
        return response.status_code, [], ""
    return 200, sorted(r["text"] for r in response.json()["results"]), response.content.decode()


@pytest.mark.parametrize(
    ("picker", "who", "expected"),
    [
        ("event organisers", "alice", ["Alice", "Ann", "Dora"]),
        ("event organisers", "bob", ["Bob"]),
        ("event organisers", "edith", ["Alice", "Ann", "Bob", "Charlie", "Dora", "Edith"]),
        ("project holder", "alice", ["Alice", "Dora"]),
        ("project holder", "bob", ["Bob"]),
        ("project holder", "edith", ["Alice", "Ann", "Bob", "Charlie", "Dora", "Edith"]),
    ],
)
def test_pickers_offer_only_the_people_the_organisation_works_with(client, people, picker, who, expected):
    client.force_login(people[who])

    status, names, body = _offered(client, picker)

    assert status == 200
    assert [n for n in names if n in people_names(people)] == expected
    assert "@" not in body  # names only


def people_names(people) -> set[str]:
    return {p.display_name for p in people.values()}


@pytest.mark.parametrize("picker", list(PICKERS))
def test_a_member_without_organisation_may_not_search_people(client, people, picker):
    client.force_login(people["charlie"])
    assert _offered(client, picker)[0] == 302  # to the admin login, like every admin page


@pytest.mark.parametrize("picker", list(PICKERS))
def test_an_association_cannot_probe_email_addresses(client, people, picker):
    client.force_login(people["alice"])
    assert _offered(client, picker, term="dora@example")[1] == []
    assert _offered(client, picker, term="dor")[1] == ["Dora"]


def test_the_event_form_lists_nobody_and_refuses_an_organiser_from_outside(client, people, org_a):
    from events.models import Event

    client.force_login(people["alice"])
    page = client.get("/admin/events/event/add/").content.decode()
    assert "Charlie" not in page and "Dora" not in page  # an autocomplete, not a list of everyone
    assert 'data-field-name="organisers"' in page

    response = client.post(
        "/admin/events/event/add/",
        {"organization": org_a.pk, "organisers": [people["charlie"].pk], "title_fr": "Fête"},
    )

    assert response.status_code == 200
    assert "organisers" in response.context["adminform"].form.errors
    assert not Event.objects.filter(title_fr="Fête").exists()


def test_the_project_form_refuses_a_holder_from_outside(client, people, org_a):
    client.force_login(people["alice"])

    response = client.post("/admin/crowdfunding/project/add/", {"holder_member": people["charlie"].pk})

    assert "holder_member" in response.context["adminform"].form.errors
