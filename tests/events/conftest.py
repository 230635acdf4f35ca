import pytest

from tests.factories import CityFactory, MemberFactory


@pytest.fixture
def shaker(db):
    return MemberFactory(email="sam@example.org", display_name="Sam", is_shaker=True)


@pytest.fixture
def new_york(db):
    return CityFactory(
        slug="new-york",
        name_fr="New York",
        country="US",
        timezone="America/New_York",
        lat=40.7128,
        lng=-74.006,
    )
