import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Factories hash a password per member; PBKDF2 would make the 50-member race test crawl."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
