"""Fault fixtures: the test session's embedded Redis really stopped and PostgreSQL really restarted.

Nothing is mocked: with Redis stopped, the cache, Celery's broker and allauth's throttles meet a
missing socket exactly as production meets a dead server. Celery publishes for real here (the
session makes it eager), so a write really tries the broker and falls back on the outbox.

The world: the city of Paris has a participation space (threshold 3) and Olga as its official;
Alice (of Association A) owns a mission, an initiative (she spots it), a project with an open
campaign and an event; Bob and Charlie are citizens.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import pytest

from civic import embedded
from civic.celery import app as celery_app
from civic.core import broker
from civic.core import cache as resilient_cache
from participation import services as participation_services
from tests.crowdfunding.factories import ProjectFactory, open_campaign
from tests.events.factories import EventFactory
from tests.factories import MemberFactory, ThemeFactory
from tests.initiatives.factories import InitiativeFactory
from tests.participation.factories import CitySpaceFactory
from tests.volunteering.factories import MissionFactory, SlotFactory

INSTANCE = os.environ.get("CIVIC_INSTANCE", "test")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Each member hashes a password; PBKDF2's real cost is not what these tests measure."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def celery_publishes():
    """Tasks go to the broker, as in production (the session runs them in-process)."""
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = True


class RedisSwitch:
    """The test instance's embedded Redis server, stopped and started for real."""

    def stop(self) -> None:
        embedded.stop_redis(INSTANCE)
        deadline = time.monotonic() + 10
        while embedded._redis_answers(self.url) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not embedded._redis_answers(self.url), "the test Redis did not stop"

    def start(self) -> None:
        embedded.redis_url(INSTANCE)
        resilient_cache.reset()  # forget the outage now rather than after RETRY_AFTER seconds
        broker.reset()

    @property
    def url(self) -> str:
        return f"unix://{embedded.VAR_DIR / f'{INSTANCE}-redis' / 'redis.sock'}"


@pytest.fixture
def redis_down(celery_publishes):
    """Redis stopped for the test; started again afterwards whatever happens, so later tests find it."""
    switch = RedisSwitch()
    switch.stop()
    try:
        yield switch
    finally:
        switch.start()


@dataclass
class World:
    space: object
    proposal: object
    mission: object
    slot: object
    initiative: object
    project: object
    campaign: object
    event: object


@pytest.fixture
def world(city, alice_in_a, org_a, olga) -> World:
    theme = ThemeFactory(slug="environment", name_en="Environment", name_fr="Environnement")
    space = CitySpaceFactory(city=city, support_threshold=3)
    proposal = participation_services.proposal_create(
        author=alice_in_a, city=city, title="More benches on the square", text="We need benches.", theme=theme
    )
    mission = MissionFactory(organization=org_a, title_fr="Jardin partagé", title_en="Shared garden")
    slot = SlotFactory(mission=mission, capacity=10)
    spotter = MemberFactory(email="sally@example.org", display_name="Sally", is_spotter=True)
    initiative = InitiativeFactory(city=city, spotter=spotter, title_fr="Composteur de quartier")
    project = ProjectFactory(holder_member=alice_in_a, city=city)
    campaign = open_campaign(project, by=alice_in_a)
    event = EventFactory(city=city, title_fr="Rencontre du jardin", title_en="Garden meetup")
    return World(space, proposal, mission, slot, initiative, project, campaign, event)
