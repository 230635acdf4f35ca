import pytest

from tests.crowdfunding.factories import ProjectFactory, open_campaign


@pytest.fixture
def project(alice, city):
    return ProjectFactory(holder_member=alice, city=city)


@pytest.fixture
def campaign(project, alice):
    return open_campaign(project, by=alice)
