"""The anonymous page cache across a real Redis outage: pages keep being right while Redis is down,
and a write made during the outage is not hidden by the copy Redis kept once it is back."""

from __future__ import annotations

import pytest
from django.test import Client

from participation import services as participation_services
from tests.faults.conftest import RedisSwitch
from volunteering import services as volunteering_services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def _page(url: str):
    response = Client().get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def test_a_write_during_a_redis_outage_shows_before_and_after_redis_is_back(
    world, olga, bob, celery_publishes
):
    proposal_url = f"/en/cities/{world.space.city.slug}/proposals/{world.proposal.pk}/"
    mission_url = f"/en/missions/{world.mission.pk}/"
    for url in (proposal_url, mission_url, "/en/missions/"):
        _page(url)
        assert _page(url)["X-Page-Cache"] == "hit"
    redis = RedisSwitch()
    redis.stop()
    try:
        participation_services.proposal_answer(
            proposal=world.proposal, official=olga, status="accepted", text="Twelve benches in spring."
        )
        volunteering_services.participation_create(slot=world.slot, member=bob)

        during = _page(proposal_url)
        assert "Twelve benches in spring." in during.content.decode()
        assert "9 places left" in _page(mission_url).content.decode()
        assert "Shared garden" in _page("/en/missions/").content.decode()
    finally:
        redis.start()

    # Redis still holds the pages cached before the outage; their keys are not current any more.
    after = _page(proposal_url)
    assert after["X-Page-Cache"] == "miss"
    assert "Twelve benches in spring." in after.content.decode()
    assert "9 places left" in _page(mission_url).content.decode()
    assert _page(proposal_url)["X-Page-Cache"] == "hit"
