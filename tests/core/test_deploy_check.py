import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "k8#Vq2!x" * 8


def _manage(*args: str, **env_vars: str) -> subprocess.CompletedProcess:
    """Run manage.py in a production-like environment: nothing the test harness sets, plus ``env_vars``.

    Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE; a developer's shell may export the DJANGO_* variables.
    """
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k != "DJANGO_ALLOW_ASYNC_UNSAFE" and not k.startswith("DJANGO_")
    }
    env = {
        **inherited,
        "SITE_URL": "https://civic.example.org",
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
        **env_vars,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=REAL_KEY,
        DJANGO_ALLOWED_HOSTS="civic.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        "change-me-to-50-random-characters",
        "django-insecure-" + "k8#Vq2!x" * 8,
        "x" * 60,
    ],
    ids=["unset", "empty", "short", "insecure-prefix", "one-character"],
)
def test_production_refuses_to_start_without_a_real_secret_key(key):
    env = {"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "civic.example.org"}
    if key is not None:
        env["DJANGO_SECRET_KEY"] = key
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage("check", DJANGO_DEBUG="false", DJANGO_SECRET_KEY=REAL_KEY)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must list the host names" in result.stderr


def test_check_deploy_names_the_development_key_when_no_key_is_set():
    # With DEBUG on the site starts on the public development key, and the deploy check says so.
    result = _manage("check", "--deploy", DJANGO_DEBUG="true")
    assert "security.W009" in result.stdout + result.stderr
