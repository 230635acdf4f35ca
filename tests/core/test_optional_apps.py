"""A feature app that is not installed simply disappears: home, search, open data, the digest and the
other apps' pages keep working. Each app is removed in a fresh pytest process (settings are read
once per process) running tests/core/scenario_without_<app>.py on a database migrated without it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("app", ["crowdfunding", "events"])
def test_the_site_works_without_an_app(app):
    env = {
        **os.environ,
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
        "DATABASE_TEST_NAME": f"test_civic_without_{app}",
        "CIVIC_WITHOUT_APPS": app,
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            f"tests/core/scenario_without_{app}.py",
            "--ds=tests.settings_without_app",
            "--create-db",
            "-q",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout, result.stdout[-2000:]
