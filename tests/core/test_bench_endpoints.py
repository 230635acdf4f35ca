"""The bench's floor page exists only on the server that ``make bench`` launches."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-production-like-secret-" + "x1y2z3" * 10,
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
}


def _floor_page_is_routed(env: dict) -> bool:
    """Whether /bench/floor/ resolves in a fresh interpreter loading the settings from ``env`` (not under
    pytest). Resolving, not requesting: a production error page needs collected static files."""
    code = (
        "import django; django.setup(); from django.urls import Resolver404, resolve\n"
        "try:\n    resolve('/bench/floor/'); print('routed')\nexcept Resolver404:\n    print('missing')"
    )
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civic.settings",
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
    }
    full_env.pop("BENCH_ENDPOINTS", None)
    full_env.update(env)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1] == "routed"


def test_production_settings_do_not_route_the_bench_floor_page():
    assert not _floor_page_is_routed(PRODUCTION_ENV)


def test_the_bench_server_routes_its_floor_page():
    assert _floor_page_is_routed({**PRODUCTION_ENV, "BENCH_ENDPOINTS": "true"})


def test_the_floor_page_answers_404_without_bench_endpoints(client):
    assert client.get("/bench/floor/").status_code == 404
