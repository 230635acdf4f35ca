"""Participation fixtures. The space of Paris has a threshold of 3; Olga is its official (from the
kernel's conftest); Oscar is the official of another city (Lyon); Ursula has not verified her email."""

import pytest
from django.utils import translation

from participation import services
from tests.factories import CityFactory, MemberFactory, MembershipFactory, OrganizationFactory
from tests.participation.factories import CitySpaceFactory, ProposalFactory


@pytest.fixture(autouse=True)
def _english():
    """Tests read English: URLs reversed here get the /en/ prefix, messages are in English."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Factories hash a password per member; the fast hasher keeps 30-row tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def space(city):
    return CitySpaceFactory(city=city, support_threshold=3)


@pytest.fixture
def other_city(db):
    return CityFactory(slug="lyon", name_fr="Lyon", name_en="Lyon", name_es="Lyon", lat=45.76, lng=4.83)


@pytest.fixture
def other_space(other_city):
    return CitySpaceFactory(city=other_city, support_threshold=3)


@pytest.fixture
def oscar(other_city):
    """Official of Lyon, a stranger to Paris."""
    user = MemberFactory(email="oscar@example.org", display_name="Oscar")
    MembershipFactory(
        user=user, organization=OrganizationFactory(slug="mairie-lyon", city=other_city, kind="public_body")
    )
    return user


@pytest.fixture
def ursula(db):
    return MemberFactory(email="ursula@example.org", display_name="Ursula", verified=False)


@pytest.fixture
def proposal(space, alice, theme):
    return services.proposal_create(
        author=alice,
        city=space.city,
        title="More benches on the square",
        text="We need benches.",
        theme=theme,
    )


@pytest.fixture
def make_proposals(space, theme):
    def make(n, **kwargs):
        return ProposalFactory.create_batch(n, city=space.city, theme=theme, **kwargs)

    return make
