import pytest

from tests.initiatives.factories import ReporterFactory, SpotterFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2's real cost (about a second per member on this machine) is not what these tests test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def spotter_alice(db):
    return SpotterFactory(email="alice@example.org", display_name="Alice")


@pytest.fixture
def reporter_bob(db):
    return ReporterFactory(email="bob@example.org", display_name="Bob")
