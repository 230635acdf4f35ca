import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _settings_in_subprocess(env: dict, expr: str):
    """Load civic.settings in a fresh interpreter with ``env`` and evaluate ``expr`` on it."""
    code = f"import json, civic.settings as s; print(json.dumps({expr}, default=str))"
    full_env = {
        **os.environ,
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_settings_are_read_from_the_environment():
    values = _settings_in_subprocess(
        {
            "DJANGO_ALLOWED_HOSTS": "civic.example.org,www.civic.example.org",
            "SITE_URL": "https://civic.example.org",
            "AXES_FAILURE_LIMIT": "7",
            "EMAIL_URL": "smtp+tls://u:p@mail.example.org:587",
        },
        "[s.ALLOWED_HOSTS, s.SITE_URL, s.AXES_FAILURE_LIMIT, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS]",
    )
    assert values == [
        ["civic.example.org", "www.civic.example.org"],
        "https://civic.example.org",
        7,
        "mail.example.org",
        587,
        True,
    ]


def test_facebook_login_is_configured_only_when_both_keys_are_set():
    without = _settings_in_subprocess({}, "s.SOCIALACCOUNT_PROVIDERS['facebook']['APPS']")
    with_keys = _settings_in_subprocess(
        {"FACEBOOK_CLIENT_ID": "123", "FACEBOOK_SECRET": "s3cret"},
        "s.SOCIALACCOUNT_PROVIDERS['facebook']['APPS'][0]['client_id']",
    )
    assert without == []
    assert with_keys == "123"


@pytest.mark.django_db
def test_the_database_is_postgresql_with_the_geo_and_search_extensions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT public.immutable_unaccent('École Évry')")
        unaccented = cursor.fetchone()[0]
    assert connection.vendor == "postgresql"
    assert {"cube", "earthdistance", "pg_trgm", "unaccent"} <= extensions
    assert unaccented == "Ecole Evry"


def test_the_cache_is_redis():
    cache.set("civic:probe", {"ok": 1}, 10)
    assert cache.get("civic:probe") == {"ok": 1}
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
