import pytest

from tests.crowdfunding.factories import ProjectFactory, open_campaign


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hundreds of members are created here; PBKDF2 would make that take minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english():
    """Tests read messages and reverse URLs in English (/en/…); French is tested explicitly."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def project(alice, city):
    return ProjectFactory(holder_member=alice, city=city)


@pytest.fixture
def campaign(project, alice):
    return open_campaign(project, by=alice)
