import pytest

from tests.initiatives.factories import ReporterFactory, SpotterFactory


@pytest.fixture
def spotter_alice(db):
    return SpotterFactory(email="alice@example.org", display_name="Alice")


@pytest.fixture
def reporter_bob(db):
    return ReporterFactory(email="bob@example.org", display_name="Bob")
