import re

import pytest
from django.core import mail

from civic.accounts.models import User
from tests.e2e.browser import assert_accessible
from tests.factories import PASSWORD, CityFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_signs_up_verifies_logs_in_and_edits_the_profile(page):
    CityFactory(slug="lyon", name_fr="Lyon", name_en="Lyon", name_es="Lyon", lat=45.76, lng=4.83)
    page.goto("/en/accounts/login/")
    assert_accessible(page, "login-en")
    page.goto("/en/accounts/signup/")
    assert_accessible(page, "signup-en")
    page.get_by_label("Email").fill("erin@example.org")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/confirm-email/")
    assert_accessible(page, "verification-sent-en")

    confirm = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    page.goto(confirm)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state("networkidle")
    # Confirming in the browser that signed up logs the member in.
    assert page.get_by_role("button", name="Log out").count() == 1

    page.goto("/en/me/profile/")
    assert_accessible(page, "profile-en")
    page.get_by_label("Display name").fill("Erin")
    page.get_by_label("Home city").select_option(label="Lyon")
    page.get_by_label("Latitude").fill("45.76")
    page.get_by_label("Longitude").fill("4.83")
    page.get_by_label("Weekends, morning").check()
    page.get_by_role("button", name="Save my profile").click()

    assert page.get_by_text("Your profile is saved.").is_visible()
    erin = User.objects.get(email="erin@example.org")
    assert (erin.display_name, erin.home_city.slug, erin.latitude) == ("Erin", "lyon", 45.76)
    assert erin.availability == ["weekend_morning"]
