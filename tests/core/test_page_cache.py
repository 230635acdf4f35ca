"""Anonymous pages come from the page cache (civic.core.pagecache) until a write changes them.

The tests commit for real (``transaction=True``): versions are bumped after commit, as in
production. ``X-Page-Cache`` says whether the page came from the cache.
"""

from __future__ import annotations

import gzip
import re

import pytest
from django.test import Client

from civic.core.pagecache import versions
from civic.places.models import City
from participation import services as participation_services
from tests.admin_forms import change_form_data
from tests.events.factories import DayFactory
from tests.factories import MemberFactory
from tests.participation.factories import CitySpaceFactory, ProposalFactory
from tests.volunteering.factories import MissionFactory, SlotFactory
from volunteering import services as volunteering_services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def mission(org_a):
    mission = MissionFactory(
        organization=org_a, title_fr="Jardin partagé", title_en="Shared garden", title_es="Huerto compartido"
    )
    SlotFactory(mission=mission, capacity=5)
    return mission


@pytest.fixture
def proposal(city):
    CitySpaceFactory(city=city)
    return ProposalFactory(city=city, title="More benches on the square")


def _get(client: Client, url: str, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def test_an_anonymous_visitor_gets_the_cached_page(mission, django_assert_max_num_queries):
    url = f"/fr/missions/{mission.pk}/"
    first = _get(Client(), url)

    with django_assert_max_num_queries(1):  # the versions of the page's tags, nothing else
        again = _get(Client(), url)

    assert first["X-Page-Cache"] == "miss"
    assert again["X-Page-Cache"] == "hit"
    assert "Jardin partagé" in again.content.decode()
    assert "Cookie" in again["Vary"]


def test_lists_detail_pages_home_and_ncz_days_are_cached(mission, proposal, city):
    DayFactory(slug="compost-day")
    urls = [
        "/fr/",
        "/fr/missions/",
        "/fr/missions/?remote=on",
        "/fr/events/",
        "/fr/events/calendar/",
        "/fr/projects/",
        "/fr/initiatives/",
        "/en/cities/",
        f"/en/cities/{city.slug}/",
        f"/en/cities/{city.slug}/proposals/{proposal.pk}/",
        "/fr/events/days/",
        "/fr/events/days/compost-day/",
        f"/fr/data/missions.geojson?city={city.slug}",
    ]
    for url in urls:
        _get(Client(), url)
        assert _get(Client(), url)["X-Page-Cache"] == "hit", url


def test_a_service_write_shows_on_the_next_anonymous_request(proposal, olga):
    url = f"/en/cities/{proposal.city.slug}/proposals/{proposal.pk}/"
    _get(Client(), url)
    assert _get(Client(), url)["X-Page-Cache"] == "hit"

    participation_services.proposal_answer(
        proposal=proposal, official=olga, status="accepted", text="We will install twelve benches."
    )

    page = _get(Client(), url)
    assert page["X-Page-Cache"] == "miss"
    assert "We will install twelve benches." in page.content.decode()


def test_a_join_changes_the_places_left_on_the_mission_page(mission, bob):
    url = f"/en/missions/{mission.pk}/"
    assert "5 places left" in _get(Client(), url).content.decode()

    volunteering_services.participation_create(slot=mission.slots.get(), member=bob)

    assert "4 places left" in _get(Client(), url).content.decode()


def test_a_slot_changes_its_missions_page_and_lists_and_a_participation_only_its_page(mission, bob):
    tags = [f"mission:{mission.pk}", "mission", f"mission:{mission.pk + 1}"]
    first = versions(tags)

    slot = SlotFactory(mission=mission, capacity=3)
    second = versions(tags)
    volunteering_services.participation_create(slot=slot, member=bob)
    third = versions(tags)

    assert second[f"mission:{mission.pk}"] > first[f"mission:{mission.pk}"]
    assert second["mission"] > first["mission"]
    assert third[f"mission:{mission.pk}"] > second[f"mission:{mission.pk}"]
    assert third["mission"] == second["mission"]
    assert first[f"mission:{mission.pk + 1}"] == third[f"mission:{mission.pk + 1}"]


def test_a_list_shows_a_mission_closed_by_its_organisation(mission, alice_in_a):
    url = "/fr/missions/"
    assert "Jardin partagé" in _get(Client(), url).content.decode()

    volunteering_services.mission_close(mission=mission, by=alice_in_a)

    assert "Jardin partagé" not in _get(Client(), url).content.decode()


def test_an_admin_edit_shows_on_the_next_anonymous_request(mission, alice_in_a):
    url = f"/fr/missions/{mission.pk}/"
    _get(Client(), url)
    admin = Client()
    admin.force_login(alice_in_a)
    change_url = f"/admin/volunteering/mission/{mission.pk}/change/"
    data = change_form_data(admin, change_url, title_fr="Jardin des Lilas")

    assert admin.post(change_url, data).status_code == 302

    page = _get(Client(), url).content.decode()
    assert "Jardin des Lilas" in page
    assert "Jardin partagé" not in page
    assert "Jardin des Lilas" in _get(Client(), "/fr/missions/").content.decode()


def test_a_city_renamed_in_the_admin_changes_every_page(mission, edith):
    url = f"/fr/missions/{mission.pk}/"
    _get(Client(), url)

    city = City.objects.get(pk=mission.city_id)
    city.name_fr = "Lutèce"
    city.save()

    assert "Lutèce" in _get(Client(), url).content.decode()


def test_each_language_has_its_own_copy(mission):
    titles = {"fr": "Jardin partagé", "en": "Shared garden", "es": "Huerto compartido"}
    for lang in titles:
        _get(Client(), f"/{lang}/missions/{mission.pk}/")
    for lang, title in titles.items():
        page = _get(Client(), f"/{lang}/missions/{mission.pk}/")
        assert page["X-Page-Cache"] == "hit"
        html = page.content.decode()
        assert f'<html lang="{lang}">' in html
        assert title in html
        assert all(other not in html for other in titles.values() if other != title)


def test_a_member_never_gets_the_anonymous_copy(mission):
    url = f"/en/missions/{mission.pk}/"
    _get(Client(), url)
    assert _get(Client(), url)["X-Page-Cache"] == "hit"
    client = Client()
    client.force_login(MemberFactory(email="mina@example.org", display_name="Mina"))

    page = _get(client, url)

    assert "X-Page-Cache" not in page
    assert "Log out" in page.content.decode()
    assert "private" in page["Cache-Control"]
    # and the member's page was not stored for the next anonymous visitor
    anonymous = _get(Client(), url)
    assert "Log out" not in anonymous.content.decode()


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(mission):
    """Signing out leaves "You have signed out." for the next page: it is not cached for others."""
    url = "/en/missions/"
    _get(Client(), url)
    client = Client()
    client.force_login(MemberFactory(email="mina@example.org"))
    client.post("/en/accounts/logout/")

    page = _get(client, url)

    assert "You have signed out." in page.content.decode()
    assert "X-Page-Cache" not in page
    assert "You have signed out." not in _get(Client(), url).content.decode()


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_csrf_tokens_are_never_shared_between_visitors(mission, settings):
    """The mission page's "I participate" form carries a token: each visitor gets their own, one
    their own cookie validates, and the page is private to HTTP caches."""
    url = f"/en/missions/{mission.pk}/"
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_1 = _get(first, url)
    page_2 = _get(second, url)

    assert page_2["X-Page-Cache"] == "hit"
    token_1 = TOKEN.search(page_1.content.decode()).group(1)
    token_2 = TOKEN.search(page_2.content.decode()).group(1)
    assert token_1 != token_2
    assert first.cookies[settings.CSRF_COOKIE_NAME].value != second.cookies[settings.CSRF_COOKIE_NAME].value
    assert "private" in page_2["Cache-Control"]
    assert "ETag" not in page_2
    # The second visitor's token works with their cookie: the join form reaches the login redirect,
    # not the CSRF failure page.
    join = second.post(f"/en/missions/slots/{mission.slots.get().pk}/join/", {"csrfmiddlewaretoken": token_2})
    assert join.status_code == 302
    # and it is worthless to anyone else: with the first visitor's cookie it is refused.
    stolen = Client(enforce_csrf_checks=True)
    stolen.cookies[settings.CSRF_COOKIE_NAME] = first.cookies[settings.CSRF_COOKIE_NAME].value
    assert (
        stolen.post(
            f"/en/missions/slots/{mission.slots.get().pk}/join/", {"csrfmiddlewaretoken": token_2}
        ).status_code
        == 403
    )


def test_an_unchanged_page_answers_304_to_a_browser_that_has_it(proposal):
    url = f"/en/cities/{proposal.city.slug}/"
    page = _get(Client(), url)
    assert "public" in page["Cache-Control"]

    again = Client().get(url, headers={"if-none-match": page["ETag"]})

    assert again.status_code == 304
    assert again.content == b""


def test_a_cached_page_revalidated_after_a_write_is_sent_again(proposal, olga):
    url = f"/en/cities/{proposal.city.slug}/"
    etag = _get(Client(), url)["ETag"]

    participation_services.proposal_answer(proposal=proposal, official=olga, status="accepted", text="Yes.")

    assert Client().get(url, headers={"if-none-match": etag}).status_code == 200


def test_a_rolled_back_write_leaves_the_cached_page_in_place(mission):
    from django.db import transaction

    url = f"/fr/missions/{mission.pk}/"
    _get(Client(), url)
    with pytest.raises(RuntimeError), transaction.atomic():
        mission.title_fr = "Jamais enregistré"
        mission.save()
        raise RuntimeError

    page = _get(Client(), url)
    assert page["X-Page-Cache"] == "hit"
    assert "Jamais enregistré" not in page.content.decode()


def test_a_phone_that_accepts_gzip_gets_the_cached_page_compressed(proposal):
    url = f"/en/cities/{proposal.city.slug}/"
    plain = _get(Client(), url)  # renders and stores the page

    zipped = _get(Client(), url, accept_encoding="gzip, deflate, br")

    assert zipped["X-Page-Cache"] == "hit"
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) * 3 < len(plain.content)
    # Its validator still saves the download when the page has not changed.
    assert zipped["ETag"].startswith("W/")
    again = Client().get(url, headers={"if-none-match": zipped["ETag"], "accept-encoding": "gzip"})
    assert again.status_code == 304


def test_a_member_page_is_gzipped_too(mission, bob):
    client = Client()
    client.force_login(bob)

    page = client.get(f"/en/missions/{mission.pk}/", headers={"accept-encoding": "gzip"})

    assert page["Content-Encoding"] == "gzip"
    assert "Shared garden" in gzip.decompress(page.content).decode()


def test_robots_txt_keeps_crawlers_out_of_personal_pages():
    response = Client().get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.content.decode()
    assert "Disallow: /*/me/" in response.content.decode()


def test_a_member_page_is_cached_and_shows_a_new_follower_and_a_new_name(alice, bob):
    from civic.accounts import services as account_services

    url = f"/en/me/members/{bob.pk}/"
    assert "0 followers" in _get(Client(), url).content.decode()
    assert _get(Client(), url)["X-Page-Cache"] == "hit"

    account_services.follow_create(follower=alice, followed=bob)
    assert "1 follower" in _get(Client(), url).content.decode()

    account_services.profile_update(member=bob, data={"display_name": "Robert"})
    page = _get(Client(), url).content.decode()
    assert "Robert" in page and "1 follower" in page

    account_services.follow_delete(follower=alice, followed=bob)
    assert "0 followers" in _get(Client(), url).content.decode()


def test_a_member_sees_the_follow_button_not_the_anonymous_copy(alice, bob):
    url = f"/en/me/members/{bob.pk}/"
    _get(Client(), url)
    member = Client()
    member.force_login(alice)

    page = _get(member, url)

    assert "X-Page-Cache" not in page
    assert "Follow" in page.content.decode()


def test_the_embed_widget_is_cached_and_stays_framable(proposal):
    url = f"/en/cities/{proposal.city.slug}/embed/"
    assert _get(Client(), url)["X-Page-Cache"] == "miss"

    again = _get(Client(), url)

    assert again["X-Page-Cache"] == "hit"
    assert "More benches on the square" in again.content.decode()
    assert "X-Frame-Options" not in again
    assert "frame-ancestors *" in again["Content-Security-Policy"]


def test_a_write_by_another_process_shows_within_a_second(proposal, monkeypatch):
    import time

    from django.db import connection

    from civic.core import pagecache

    monkeypatch.setattr(pagecache, "VERSIONS_SECONDS", 0.3)
    url = f"/en/cities/{proposal.city.slug}/proposals/{proposal.pk}/"
    _get(Client(), url)
    assert _get(Client(), url)["X-Page-Cache"] == "hit"
    # Another process answers a proposal: its rows and its bump, none of this process's memory.
    type(proposal).objects.filter(pk=proposal.pk).update(title="Benches and trees")
    with connection.cursor() as cursor:
        cursor.execute(pagecache.BUMP_SQL, [[f"proposal:{proposal.pk}"]])

    time.sleep(0.4)
    page = _get(Client(), url)

    assert page["X-Page-Cache"] == "miss"
    assert "Benches and trees" in page.content.decode()
