"""An association picks an event organiser by typing a name: only its own people are offered,
and the admin's autocomplete runs under the site's CSP (no inline style, no inline script)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import login
from tests.events.factories import EventFactory, RSVPFactory
from tests.factories import PASSWORD, MemberFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_association_types_a_name_and_is_offered_only_its_people(page, city):
    org = OrganizationFactory(name="Jardins", slug="jardins", city=city)
    alice = MemberFactory(email="ali@example.org", display_name="Alice")
    MembershipFactory(user=alice, organization=org)
    RSVPFactory(event=EventFactory(organization=org, city=city), member=MemberFactory(display_name="Anna"))
    MemberFactory(display_name="Annabelle")  # a platform member Jardins never worked with

    login(page, "ali@example.org", PASSWORD)
    page.goto("/admin/events/event/add/")
    page.locator(".field-organisers .select2-selection").click()
    page.locator(".select2-search__field").fill("Ann")

    # Retries until the answer to "Ann" replaced "Searching…": Annabelle is never offered.
    expect(page.locator(".select2-results__option")).to_have_text(["Anna"])
