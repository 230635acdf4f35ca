"""A citizen publishes a proposal, two neighbours support it past the threshold, the city's
official answers it from the dashboard queue, and the author reads the answer."""

import re

import pytest
from playwright.sync_api import expect

from participation.models import Proposal
from tests.e2e.browser import assert_accessible, login
from tests.factories import PASSWORD
from tests.participation.factories import CitySpaceFactory, NeighbourhoodFactory

pytestmark = pytest.mark.django_db(transaction=True)


def new_page(browser, live_server, width=1280):
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    ctx.set_default_timeout(15000)
    return ctx, ctx.new_page()


def test_proposal_goes_from_citizen_to_answer(browser, live_server, city, theme, alice, bob, charlie, olga):
    CitySpaceFactory(city=city, support_threshold=2)
    NeighbourhoodFactory(city=city, name_fr="Belleville", name_en="Belleville")

    # Alice publishes a proposal (phone-sized screen).
    ctx, page = new_page(browser, live_server, width=390)
    login(page, alice.email, PASSWORD)
    page.goto("/en/cities/paris/")
    assert_accessible(page, "participation-space")
    page.get_by_role("link", name="Publish a proposal").click()
    page.get_by_label("Title").fill("Shade for the school playground")
    page.get_by_label("Your proposal").fill("Plant **trees** in the playground of the rue des Lilas school.")
    page.get_by_label("Theme").select_option(label=theme.name_en)
    page.get_by_label("Neighbourhood").select_option(label="Belleville")
    assert_accessible(page, "participation-proposal-form")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shade for the school playground")
    assert_accessible(page, "participation-proposal-published")
    proposal_url = page.url
    ctx.close()

    # Bob and Charlie support it: the second support reaches the threshold of 2.
    for member in (bob, charlie):
        ctx, page = new_page(browser, live_server)
        login(page, member.email, PASSWORD)
        page.goto(proposal_url)
        page.get_by_role("button", name="Support this proposal").click()
        expect(page.get_by_role("button", name="Withdraw my support")).to_be_visible()
        assert_accessible(page, f"participation-supported-{member.display_name.lower()}")
        ctx.close()
    proposal = Proposal.objects.get()
    assert proposal.supports_count == 2 and proposal.threshold_reached_at is not None

    # Olga, the official, finds it in her queue and accepts it.
    ctx, page = new_page(browser, live_server)
    login(page, olga.email, PASSWORD)
    page.goto("/en/cities/paris/dashboard/")
    queue = page.locator("#answer-queue")
    expect(queue).to_contain_text("Shade for the school playground")
    assert_accessible(page, "participation-dashboard")
    queue.get_by_role("link", name=re.compile("Answer")).click()
    page.get_by_label("Status").select_option("accepted")
    page.get_by_label("Public answer").fill("Yes: we will plant six trees this autumn.")
    page.get_by_label("Estimated cost (optional)").fill("4800")
    assert_accessible(page, "participation-answer-form")
    page.get_by_role("button", name="Publish the answer").click()
    expect(page.locator("#answer-queue")).to_have_count(0)
    ctx.close()

    # Alice reads the answer on her proposal.
    ctx, page = new_page(browser, live_server)
    login(page, alice.email, PASSWORD)
    page.goto(proposal_url)
    answer = page.get_by_role("region", name="Answer from Mairie")
    expect(answer).to_contain_text("Yes: we will plant six trees this autumn.")
    expect(answer).to_contain_text("Accepted")
    assert_accessible(page, "participation-answer-seen")
    ctx.close()


def test_other_participation_pages_pass_axe(browser, live_server, city, theme, alice, bob, olga, city_hall):
    from participation import services

    CitySpaceFactory(city=city, support_threshold=2)
    proposal = services.proposal_create(
        author=alice, city=city, title="A bench by the fountain", text="Please.", theme=theme
    )
    services.comment_create(proposal=proposal, author=alice, text="Who agrees?")
    call = services.call_create(
        city=city,
        organization=city_hall,
        by=olga,
        title="Workshop on the new park",
        description="Come **draw**.",
    )

    # Bob, on a phone in French: comments, replies, flags and answers a call.
    ctx, page = new_page(browser, live_server, width=390)
    login(page, bob.email, PASSWORD)
    page.goto(f"/fr/cities/paris/proposals/{proposal.pk}/")
    page.get_by_label("Votre commentaire").fill("Bonne idée !")
    page.get_by_role("button", name="Commenter").click()
    expect(page.get_by_text("Bonne idée !")).to_be_visible()
    assert_accessible(page, "participation-comments-fr-phone")
    page.get_by_role("link", name="Signaler cette proposition").click()
    assert_accessible(page, "participation-flag-form")
    page.get_by_label("Hors sujet").check()
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_text("Merci\u00a0: les modérateurs vont examiner ce contenu.")).to_be_visible()
    page.goto(f"/fr/cities/paris/calls/{call.pk}/")
    assert_accessible(page, "participation-call")
    page.get_by_label("J'accepte de partager mon nom et mon e-mail avec l'organisateur").check()
    page.get_by_role("button", name="Je participe").click()
    expect(page.get_by_text("Vous avez répondu à cet appel. Merci\u202f!")).to_be_visible()
    ctx.close()

    # Olga's dashboard pages, and the embeddable widget.
    ctx, page = new_page(browser, live_server)
    login(page, olga.email, PASSWORD)
    page.goto("/en/cities/paris/dashboard/")
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()
    expect(page.get_by_text("1 report")).to_be_visible()
    page.get_by_role("link", name="Calls for participation").click()
    assert_accessible(page, "participation-dashboard-calls")
    page.get_by_role("link", name=re.compile("^1")).click()
    expect(page.get_by_role("cell", name=bob.email)).to_be_visible()
    assert_accessible(page, "participation-call-responses")
    page.goto("/en/cities/paris/dashboard/settings/")
    page.get_by_label("Name in English").fill("Old Town")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("The neighbourhood is added.")).to_be_visible()
    assert_accessible(page, "participation-dashboard-settings")
    page.goto("/es/cities/paris/embed/?sort=newest")
    expect(page.get_by_role("link", name="A bench by the fountain")).to_be_visible()
    assert_accessible(page, "participation-embed-es")
    ctx.close()
