"""Lighthouse on a phone: home, a mission, a proposal and the city dashboard, in each language.

Usage::

    make lighthouse                       # npm installs bench/lighthouse/ once, then runs this script
    .venv/bin/python bench/lighthouse.py --languages en
    .venv/bin/python bench/lighthouse.py --base http://127.0.0.1:8000   # against a server already running

By default the script serves ``make run``'s database (the demo content, seeded if missing) with gunicorn
as in production (``bench/server.py``: DEBUG off, whitenoise's compressed static files), because phones
meet that server, not ``runserver``; ``--base`` measures another server instead.

For each page: Lighthouse's default phone emulation (Moto G-class screen, 4x CPU slowdown, slow 4G),
Debian's ``chromium`` headless; the accessibility and SEO scores, CLS and LCP. The dashboard is opened
as the demo city official: the script makes a session for them in ``make run``'s database and hands
its cookie to Lighthouse. Results go to ``bench/results/lighthouse.json`` and a Markdown table is
printed (README "Performance → Phones"). Targets: accessibility 100, SEO ≥ 95 (every-reader issue), CLS < 0.05
everywhere and LCP < 1.0 s on home, a mission and a proposal (speed issue).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "bench" / "results" / "lighthouse.json"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)


PORT = int(os.environ.get("LIGHTHOUSE_PORT", "8198"))
# The server this script starts and the sessions it makes share the key (the official's session).
SECRET_KEY = "lighthouse-" + "k" * 50


def _django(own_server: bool):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings")
    os.environ.setdefault("CIVIC_INSTANCE", "dev")
    if own_server:
        os.environ["DJANGO_SECRET_KEY"] = SECRET_KEY
    import django

    django.setup()


def _serve():
    """gunicorn on the demo database, seeded first when it has no mission yet."""
    from django.conf import settings
    from django.core.management import call_command

    from bench.server import start_gunicorn
    from volunteering.models import Mission

    call_command("migrate", "--noinput", verbosity=0)
    if not Mission.objects.exists():
        call_command("seed_demo")
    return start_gunicorn(
        settings.DATABASE_URL,
        settings.REDIS_URL,
        port=PORT,
        secret_key=SECRET_KEY,
        extra_env={"SERVE_MEDIA": "true"},  # the demo's photos, as S3 or a web server would serve them
    )


def pages(languages: list[str]) -> tuple[list[tuple[str, str, bool]], str]:
    """(name, path, as the official) for each page and language, and the official's session cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from participation.models import CitySpace, Proposal
    from volunteering.models import Mission

    mission = Mission.objects.published().order_by("pk").first()
    # The demo official's city: its dashboard, and that city's most supported proposal.
    official = (
        get_user_model().objects.filter(memberships__organization__kind="public_body").order_by("pk").first()
    )
    city_id = (
        official.memberships.filter(organization__kind="public_body")
        .values_list("organization__city_id", flat=True)
        .first()
        if official
        else None
    )
    space = CitySpace.objects.select_related("city").filter(city_id=city_id).first()
    proposal = Proposal.objects.visible().filter(city_id=city_id).order_by("-supports_count").first()
    cookie = ""
    if official is not None:
        session = SessionStore()
        session[SESSION_KEY] = str(official.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = official.get_session_auth_hash()
        session.create()
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    found = []
    for lang in languages:
        found.append((f"home {lang}", f"/{lang}/", False))
        if mission:
            found.append((f"mission {lang}", f"/{lang}/missions/{mission.pk}/", False))
        if proposal:
            path = f"/{lang}/cities/{proposal.city.slug}/proposals/{proposal.pk}/"
            found.append((f"proposal {lang}", path, False))
        if space and official:
            found.append((f"dashboard {lang}", f"/{lang}/cities/{space.city.slug}/dashboard/", True))
    return found, cookie


def _warm(url: str, cookie: str | None) -> None:
    """A served page is warm (templates compiled, catalogues read, cached copy made): request it first,
    as the visitors before this one did."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    for _ in range(3):
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()


def lighthouse(url: str, cookie: str | None) -> dict:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        command = [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--only-categories=performance,accessibility,seo",
            f"--chrome-flags={CHROME_FLAGS} --user-data-dir={tmp}/profile",
        ]
        if cookie:
            command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
        # Lighthouse sometimes loses the trace (NO_NAVSTART): try once more before giving up.
        for attempt in (1, 2):
            done = subprocess.run(command, env={**os.environ, "CHROME_PATH": chromium}, timeout=300)
            if done.returncode == 0:
                break
            if attempt == 2:
                done.check_returncode()
        report = json.loads(out.read_text())
    audits, categories = report["audits"], report["categories"]
    failed = [
        ref["id"]
        for name in ("accessibility", "seo")
        for ref in categories[name]["auditRefs"]
        if ref["weight"] and audits[ref["id"]]["score"] not in (1, None)
    ]
    return {
        "url": report["finalDisplayedUrl"],
        "accessibility": round(categories["accessibility"]["score"] * 100),
        "seo": round(categories["seo"]["score"] * 100),
        "performance": round(categories["performance"]["score"] * 100),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "failed_audits": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="a server already running (default: start gunicorn on the demo data)")
    parser.add_argument("--languages", default="fr,en,es")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: `make lighthouse` installs it (npm ci in bench/lighthouse/).")
    _django(own_server=not args.base)
    server = None if args.base else _serve()
    base = (args.base or f"http://127.0.0.1:{PORT}").rstrip("/")
    found, cookie = pages(args.languages.split(","))
    rows = []
    try:
        for name, path, as_official in found:
            _warm(base + path, cookie if as_official else None)
            result = lighthouse(base + path, cookie if as_official else None)
            rows.append({"page": name, **result})
            sys.stderr.write(f"{name}: {result}\n")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "load": os.getloadavg(),
                "server": args.base or "gunicorn 2 workers × 2 threads, DEBUG off (bench/server.py)",
                "pages": rows,
            },
            indent=2,
        )
        + "\n"
    )
    sys.stdout.write("| page | accessibility | SEO | CLS | LCP ms | performance |\n")
    sys.stdout.write("| --- | ---: | ---: | ---: | ---: | ---: |\n")
    for row in rows:
        sys.stdout.write(
            f"| {row['page']} | {row['accessibility']} | {row['seo']} | {row['cls']} | {row['lcp_ms']} "
            f"| {row['performance']} |\n"
        )
    misses = [
        row["page"]
        for row in rows
        if row["accessibility"] < 100
        or row["seo"] < 95
        or row["cls"] >= 0.05
        or (row["lcp_ms"] >= 1000 and not row["page"].startswith("dashboard"))
    ]
    if misses:
        sys.exit(
            "Below target (accessibility 100, SEO ≥ 95, CLS < 0.05, LCP < 1.0 s on home, mission and proposal): "
            + ", ".join(misses)
        )


if __name__ == "__main__":
    main()
