"""A project from idea to funded, in the browser: Alice posts an idea, Bob gives feedback, Alice
opens a campaign with a time need, Bob and Charlie pledge (offline), Charlie offers time, the
deadline passes (the end task runs), the campaign is funded and both backers get a receipt."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from crowdfunding.models import Campaign, Pledge, Project
from crowdfunding.tasks import close_due_campaigns
from tests.e2e.browser import assert_accessible, login
from tests.factories import PASSWORD, CityFactory, MemberFactory, ThemeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _page_for(browser, live_server, email):
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    ctx.set_default_timeout(15000)
    page = ctx.new_page()
    login(page, email, PASSWORD)
    return ctx, page


def _fits_the_phone(page) -> bool:
    """Nothing sticks out sideways on a 390 px screen."""
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_idea_gets_feedback_then_a_funded_campaign_with_receipts(browser, live_server):
    CityFactory(slug="paris", name_fr="Paris", name_en="Paris", name_es="París")
    ThemeFactory(slug="street", name_en="Street furniture")
    for name in ("alice", "bob", "charlie"):
        MemberFactory(email=f"{name}@example.org", display_name=name.capitalize(), language="en")
    alice_ctx, alice = _page_for(browser, live_server, "alice@example.org")

    # Alice posts an idea.
    alice.goto("/en/projects/")
    assert_accessible(alice, "cf-list")
    alice.get_by_role("link", name="Share a project").click()
    alice.get_by_label("Title").fill("Benches for Voltaire square")
    alice.get_by_label("In one sentence").fill("Six wooden benches built with the neighbours.")
    alice.get_by_label("Description").fill("We **need** benches.")
    alice.get_by_label("City").select_option(label="Paris")
    assert_accessible(alice, "cf-project-form")
    alice.get_by_role("button", name="Publish the project").click()
    alice.get_by_role("heading", level=1, name="Benches for Voltaire square").wait_for()
    project = Project.objects.get()
    assert_accessible(alice, "cf-project-idea")

    # Bob gives feedback.
    bob_ctx, bob = _page_for(browser, live_server, "bob@example.org")
    bob.goto(f"/en/projects/{project.pk}/")
    bob.get_by_label("Question").check()
    bob.get_by_label("Your feedback").fill("Will they be accessible to wheelchairs?")
    bob.get_by_role("button", name="Send feedback").click()
    bob.get_by_text("Thank you for your feedback.").wait_for()
    assert_accessible(bob, "cf-project-feedback")

    # Alice opens a campaign and asks for time.
    alice.goto(f"/en/projects/{project.pk}/")
    assert alice.get_by_text("Will they be accessible to wheelchairs?").is_visible()
    alice.get_by_role("link", name="Open a campaign").click()
    alice.get_by_label("Goal (€)").fill("100")
    alice.get_by_label("Deadline").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    assert_accessible(alice, "cf-campaign-form")
    alice.get_by_role("button", name="Open the campaign").click()
    alice.get_by_role("link", name="Add a time need").click()
    alice.get_by_label("What people will do").fill("Build the benches")
    alice.get_by_label("People wanted").fill("4")
    alice.get_by_label("Date").fill((timezone.localdate() + timedelta(days=40)).isoformat())
    assert_accessible(alice, "cf-time-need-form")
    alice.get_by_role("button", name="Add the time need").click()
    assert_accessible(alice, "cf-campaign-open")

    # Bob and Charlie pledge offline; Charlie offers time.
    bob.goto(f"/en/projects/{project.pk}/")
    bob.get_by_role("link", name="Pledge", exact=True).click()
    bob.get_by_label("Amount (€)").fill("60")
    bob.get_by_label("Message to the holder").fill("Go for it!")
    assert_accessible(bob, "cf-pledge-form")
    bob.get_by_role("button", name="Confirm my pledge").click()
    bob.get_by_text(re.compile("Your pledge of 60")).wait_for()

    charlie_ctx, charlie = _page_for(browser, live_server, "charlie@example.org")
    charlie.goto(f"/en/projects/{project.pk}/")
    charlie.get_by_role("link", name="Pledge", exact=True).click()
    charlie.get_by_label("Amount (€)").fill("45,50")
    charlie.get_by_role("button", name="Confirm my pledge").click()
    charlie.get_by_role("link", name=re.compile("Offer my time")).click()
    assert_accessible(charlie, "cf-time-offer-form")
    charlie.get_by_role("button", name="Offer my time").click()
    charlie.get_by_text("You are in!").wait_for()
    assert _fits_the_phone(charlie)
    assert charlie.get_by_text("1 of 4 people").is_visible()
    assert_accessible(charlie, "cf-campaign-backed")

    # The deadline passes; the end task runs (as beat would).
    Campaign.objects.update(deadline=timezone.now() - timedelta(minutes=1))
    mail.outbox.clear()
    assert close_due_campaigns() == 1
    assert close_due_campaigns() == 0

    campaign = Campaign.objects.get()
    assert campaign.status == "funded" and campaign.final_raised_cents == 10550
    receipts = [m for m in mail.outbox if m.subject.startswith("Receipt for your pledge")]
    assert sorted(m.to[0] for m in receipts) == ["bob@example.org", "charlie@example.org"]
    assert "Receipt no." in receipts[0].body

    bob.goto("/en/me/notifications/")
    bob.get_by_text(re.compile("Receipt for your pledge")).first.wait_for()
    assert_accessible(bob, "cf-receipt-inbox")
    bob.goto(f"/en/projects/{project.pk}/")
    assert bob.get_by_text("Funded!").is_visible()

    # Alice marks Bob's payment received, then the project completed.
    alice.goto(f"/en/projects/{project.pk}/")
    alice.get_by_role("link", name="Pledges and payments").click()
    assert_accessible(alice, "cf-pledge-manage")
    assert _fits_the_phone(alice)
    bob_pledge = Pledge.objects.get(backer__email="bob@example.org")
    alice.get_by_role("button", name=f"Money received — No. {bob_pledge.pk}").click()
    alice.get_by_text("Payment marked as received").wait_for()
    bob_pledge.refresh_from_db()
    assert bob_pledge.status == "collected"
    alice.goto(f"/en/projects/{project.pk}/")
    alice.get_by_role("button", name="Mark as completed").click()
    alice.get_by_text("Stage updated.").wait_for()
    assert_accessible(alice, "cf-project-completed")
    for ctx in (alice_ctx, bob_ctx, charlie_ctx):
        ctx.close()
