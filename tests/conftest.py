"""Shared fixtures. Tests run on real PostgreSQL and Redis: the embedded servers under var/ (or
DATABASE_URL / REDIS_URL when set), started by settings exactly as for ``make run``.

People in tests: Alice owns things, Bob belongs to another organisation, Charlie must never see
Alice's things; Edith is an editor; Olga is a city official.
"""

import os

import pytest
from django.core.cache import cache
from django.utils import translation

from civic import embedded
from civic.celery import app as celery_app
from civic.core import broker, pagecache
from civic.core import cache as resilient_cache
from tests.factories import (
    CityFactory,
    EditorFactory,
    MemberFactory,
    MembershipFactory,
    OrganizationFactory,
    ThemeFactory,
)


@pytest.fixture(autouse=True, scope="session")
def _embedded_servers():
    """Settings started the embedded servers (unless DATABASE_URL/REDIS_URL are set). At the end, stop
    Redis if this session started it (PostgreSQL stops by itself when its last client process exits)."""
    yield
    embedded.stop_redis_if_started_here(os.environ.get("CIVIC_INSTANCE", "test"))


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Unit tests run tasks in-process; tests/notifications drive a real worker instead."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    # Each test starts in English, whatever language the previous one's last request or override
    # left active in this thread (Django keeps it): reverse() and messages do not depend on order.
    translation.activate("en")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()  # rate limits and login throttles must not leak between tests
    pagecache.forget_versions()  # nor the page versions an earlier test's database had
    resilient_cache.reset()  # nor a Redis or broker outage seen by an earlier test
    broker.reset()
    yield


@pytest.fixture
def city(db):
    return CityFactory(
        slug="paris", name_fr="Paris", name_en="Paris", name_es="París", lat=48.8566, lng=2.3522
    )


@pytest.fixture
def theme(db):
    return ThemeFactory()


@pytest.fixture
def alice(db):
    return MemberFactory(email="alice@example.org", display_name="Alice")


@pytest.fixture
def bob(db):
    return MemberFactory(email="bob@example.org", display_name="Bob")


@pytest.fixture
def charlie(db):
    return MemberFactory(email="charlie@example.org", display_name="Charlie")


@pytest.fixture
def edith(db):
    return EditorFactory(email="edith@example.org", display_name="Edith")


@pytest.fixture
def org_a(db, city):
    return OrganizationFactory(name="Association A", slug="association-a", city=city)


@pytest.fixture
def org_b(db, city):
    return OrganizationFactory(name="Association B", slug="association-b", city=city)


@pytest.fixture
def alice_in_a(alice, org_a):
    MembershipFactory(user=alice, organization=org_a)
    return alice


@pytest.fixture
def bob_in_b(bob, org_b):
    MembershipFactory(user=bob, organization=org_b)
    return bob


@pytest.fixture
def city_hall(db, city):
    return OrganizationFactory(name="Mairie", slug="mairie", city=city, kind="public_body")


@pytest.fixture
def olga(db, city_hall):
    """A city official: member of the city's public-body organisation."""
    user = MemberFactory(email="olga@example.org", display_name="Olga")
    MembershipFactory(user=user, organization=city_hall)
    return user
