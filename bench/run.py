"""``make bench``: measure every main page the way users hit it, and record the run.

Starts the site under gunicorn as in production (DEBUG off, whitenoise, cached templates) on the bench
database, warms it, then for each page, from this separate process:
  - latency: median and p95 of N sequential requests on a keep-alive connection, and the time to first byte;
  - throughput: wrk with 8 concurrent connections asking as a browser does (gzip, French), the median of
    3 runs of 3 s (requests/s), as a ratio of the floor page;
  - SQL queries per page (the same request through Django's test client, queries captured).
Pages that need a session (My Civic, an official's CSV exports) are requested with one made here.

A run is recorded in ``bench/results/runs/<time>-<commit>.json`` (and ``latest.json``) with the machine's
load average before and after (after: once the run's own load has faded, up to 3 minutes), the commit and
every figure; ``bench/table.py`` rewrites the README table from it. A run whose 1-minute load average was
above 1 (before or after) is not recorded: figures taken
while other work shares the cores are not comparable. ``--force`` records it anyway, marked
"not recordable" in the file and in any table made from it (for development).
Usage: ``make bench`` (after ``make bench-seed SCALE=1``); ``make bench BENCH_ARGS="--force --only search"``.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings")
os.environ.setdefault("CIVIC_INSTANCE", "bench")
os.environ.setdefault("BENCH_ENDPOINTS", "true")  # the floor page, for count_queries() in this process
# gunicorn and this process sign sessions with the same key: the sessions made here log the bench's
# member and official in on the server too.
SECRET_KEY = "bench-" + "k" * 50
os.environ["DJANGO_SECRET_KEY"] = SECRET_KEY
RESULTS = ROOT / "bench" / "results"
PORT = int(os.environ.get("BENCH_PORT", "8199"))
# bench/seed/<module>.py whose pages() are measured, in this order.
MODULES = ["kernel", "initiatives", "volunteering", "crowdfunding", "participation", "events", "mycivic"]
MAX_LOAD = 1.0  # 1-minute load average above which a run is not recorded
# The run's own gunicorn and wrk raise the load average it reads at the end; that average decays with a
# one-minute time constant, so after SETTLE_SECONDS only what else ran is left (+5 % of the bench's own).
SETTLE_SECONDS = 180


def settled_load() -> tuple[float, float, float]:
    """The load average once the bench's own work has faded: the first reading at or under MAX_LOAD
    within SETTLE_SECONDS, else the last one (then something else was running: not recordable)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        load = os.getloadavg()
        if load[0] <= MAX_LOAD or time.monotonic() >= deadline:
            return load
        time.sleep(5)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--downloads", type=int, default=3, help="sequential requests of each CSV export")
    parser.add_argument("--duration", type=int, default=3, help="seconds of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per page (their median is kept)")
    parser.add_argument("--only", nargs="*", help="page names containing one of these words")
    parser.add_argument(
        "--force",
        action="store_true",
        help="record even if the load average is above 1, marked not recordable",
    )
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite the README table")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="anonymous page cache off (PAGE_CACHE_SECONDS=0): what rendering a page costs, as after a write",
    )
    args = parser.parse_args()

    load_before = os.getloadavg()
    if load_before[0] > MAX_LOAD and not args.force:
        sys.exit(
            f"Load average {load_before[0]:.2f} > {MAX_LOAD}: figures would not be comparable, so this run "
            "would not be recorded. Wait for a quiet machine (`uptime`), or add --force for a development run."
        )

    import django

    django.setup()
    from django.conf import settings

    from bench.context import Page
    from bench.server import configure_postgres

    configure_postgres()

    if shutil.which("wrk") is None:
        sys.exit("wrk is needed for throughput: apt-get install wrk")
    ctx = context_from_db()
    pages = [Page("floor: trivial template", "/bench/floor/", 0, "kernel")]
    explains = []
    for label in MODULES:
        module = importlib.import_module(f"bench.seed.{label}")
        pages += [replace(p, app=label) for p in module.pages(ctx)]
        if hasattr(module, "explain"):
            explains += [(f"{label}-{name}", qs) for name, qs in module.explain(ctx)]
    if args.only:
        pages = [p for p in pages if p.name.startswith("floor") or any(w in p.name for w in args.only)]
    sessions = {login: session_cookie(login) for login in {p.login for p in pages if p.login}}

    server = start_gunicorn(settings.DATABASE_URL, settings.REDIS_URL, cold=args.cold)
    try:
        rows = [measure(page, args, sessions.get(page.login, "")) for page in pages]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    load_after = settled_load()
    floor = rows[0]["rps"] or 1
    for row in rows:
        row["ratio"] = row["rps"] / floor if row["rps"] is not None else None
    write_explains(explains)
    run = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "recordable": max(load_before[0], load_after[0]) <= MAX_LOAD,
        "forced": args.force,
        "settings": {
            "requests": args.requests,
            "downloads": args.downloads,
            "duration_s": args.duration,
            "wrk_rounds": args.rounds,
            "page_cache": not args.cold,
        },
        "machine": machine(ctx),
        "pages": rows,
    }
    path = record(run)
    from bench import table

    print(table.render(run))
    print(f"\nRecorded in {path.relative_to(ROOT)}.")
    if not run["recordable"]:
        print(
            f"NOT RECORDABLE: load average {run['load_before'][0]} before, {run['load_after'][0]} after "
            f"(limit {MAX_LOAD}); the file and any table made from it say so."
        )
    if run["recordable"] and not args.no_readme and not args.only:
        table.update_readme(run)
        print("README.md: performance table rewritten from this run.")
    over = [r for r in rows if r["budget"] and r["p50"] > r["budget"]]
    print(f"{len(over)} page(s) over budget." if over else "Every page is within its budget.")
    return 0


def record(run: dict) -> Path:
    """Write the run to results/runs/ and results/latest.json; returns the run's own file."""
    folder = RESULTS / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(run["measured_at"]).strftime("%Y%m%dT%H%M%SZ")
    suffix = ("-cold" if not run["settings"]["page_cache"] else "") + (
        "" if run["recordable"] else "-not-recordable"
    )
    path = folder / f"{stamp}-{run['commit']['sha'][:10]}{suffix}.json"
    text = json.dumps(run, indent=1, ensure_ascii=False) + "\n"
    path.write_text(text)
    (RESULTS / "latest.json").write_text(text)
    return path


def git_commit() -> dict:
    """The commit measured, and whether the working tree differed from it (then the figures are of
    uncommitted code)."""

    def git(*cmd: str) -> str:
        out = subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip()

    return {
        "sha": git("rev-parse", "HEAD") or "unknown",
        "subject": git("log", "-1", "--format=%s"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def context_from_db():
    import random

    from bench.context import BenchContext, CityRow
    from civic.accounts.models import User
    from civic.core.models import Theme
    from civic.organizations.models import Organization
    from civic.places.models import City

    ids = User.objects.filter(email__startswith="bench-").order_by("pk").values_list("pk", flat=True)
    first, last = ids.first(), ids.last()
    if first is None:
        sys.exit("No bench data: run `make bench-seed SCALE=0.1` first.")
    halls = dict(Organization.objects.filter(kind="public_body").values_list("city_id", "pk"))
    cities = [
        CityRow(
            c.pk,
            c.slug,
            c.name,
            c.latitude,
            c.longitude,
            c.default_language,
            str(c.timezone),
            halls.get(c.pk),
        )
        for c in City.objects.filter(slug__startswith="bench-").order_by("pk")
    ]
    return BenchContext(
        scale=0,
        rng=random.Random(7),
        cities=cities,
        member_ids=(first, last),
        theme_ids=list(Theme.objects.values_list("pk", flat=True)),
        organization_ids=list(
            Organization.objects.exclude(kind="public_body")
            .filter(slug__startswith="bench-")
            .values_list("pk", flat=True)
        ),
        progress=False,
    )


def session_cookie(login: str) -> str:
    """A ``Cookie`` header value logging ``login`` ("member", "official", "editor") in, made in this process
    (same database and secret key as the server)."""
    from django.conf import settings
    from django.test import Client

    from bench.seed import mycivic
    from civic.accounts.models import User

    if login == "member":
        user = User.objects.filter(email=mycivic.EMAIL).first()
        if user is None:
            sys.exit(f"No {mycivic.EMAIL}: run `make bench-seed SCALE=1 SEED_ARGS=--reset` again.")
    elif login == "official":
        user = official_of_biggest_city()
    elif login == "editor":
        user, _ = User.objects.get_or_create(
            email="bench-editor@example.org", defaults={"is_staff": True, "display_name": "Bench editor"}
        )
    else:
        raise ValueError(login)
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def official_of_biggest_city():
    """A member of the city hall of the city with the most proposals (created once, then reused)."""
    from django.db.models import Count

    from civic.accounts.models import User
    from civic.organizations.models import Membership, Organization
    from civic.places.models import City
    from participation.models import Proposal

    busiest = Proposal.objects.values("city_id").annotate(n=Count("id")).order_by("-n").first()
    city = City.objects.get(pk=busiest["city_id"])
    official, _ = User.objects.get_or_create(email="bench-official@example.org")
    Membership.objects.get_or_create(
        organization=Organization.objects.public_bodies_of(city).first(), user=official
    )
    return official


def start_gunicorn(database_url: str, redis_url: str, *, cold: bool = False) -> subprocess.Popen:
    from bench.server import start_gunicorn as start

    extra = {
        "BENCH_ENDPOINTS": "true",  # routes /bench/floor/, off on every other server
        # As deployed, anonymous pages come from the page cache after the first request; --cold measures
        # what each render costs (the first visitor after a write).
        "PAGE_CACHE_SECONDS": "0" if cold else os.environ.get("PAGE_CACHE_SECONDS", "60"),
    }
    return start(database_url, redis_url, port=PORT, secret_key=SECRET_KEY, extra_env=extra)


def measure(page, args, cookie: str) -> dict:
    n = {"page": args.requests, "feed": min(args.requests, 10), "export": args.downloads}[page.kind]
    headers = {"Accept-Language": "fr", **({"Cookie": cookie} if cookie else {})}
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    for _ in range(1 if page.kind == "export" else 3):  # warm caches and connections
        status = get(conn, page.path, headers)[0]
    timings, firsts, size = [], [], 0
    for _ in range(n):
        status, first_ms, total_ms, size = get(conn, page.path, headers)
        timings.append(total_ms)
        firsts.append(first_ms)
    timings.sort()
    firsts.sort()
    rps, errors = None, 0
    if page.kind != "export":  # a throughput run of 12 MB downloads would only measure the disk and network
        rps, errors = throughput(page.path, {**headers, **BROWSER_HEADERS}, args)
    return {
        "name": page.name,
        "path": page.path,
        "app": page.app,
        "kind": page.kind,
        "login": page.login,
        "status": status,
        "requests": n,
        "p50": round(statistics.median(timings), 1),
        "p95": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "first_byte_p50": round(statistics.median(firsts), 1),
        "bytes": size,
        "rps": rps,
        "errors": errors,
        "queries": count_queries(page.path, cookie) if page.kind != "export" else None,
        "budget": page.budget_ms,
    }


# What a browser sends with every page request (gzip: anonymous pages are kept compressed).
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br", "Accept-Language": "fr"}


def throughput(path: str, headers: dict, args) -> tuple[float, int]:
    """Requests per second with 8 connections (wrk), the median of ``args.rounds`` runs, and the
    number of non-2xx/3xx answers. The server listens with ``--reuse-port`` (bench/server.py): on one
    shared socket, the worker that woke first took all 8 keep-alive connections, and the same page
    measured 1,900 or 700 req/s from one run to the next. The median absorbs what is left."""
    wrk = ["wrk", "-t2", "-c8", f"-d{args.duration}s", "--timeout", "60s", "--latency"]
    for name, value in headers.items():
        wrk += ["-H", f"{name}: {value}"]
    # A first second unmeasured: the connections' first requests wait on a cold worker thread.
    subprocess.run([*wrk[:3], "-d1s", *wrk[4:], f"http://127.0.0.1:{PORT}{path}"], capture_output=True)
    rates, errors = [], 0
    for _ in range(args.rounds):
        out = subprocess.run([*wrk, f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True).stdout
        rates.append(
            float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)) if "Requests/sec" in out else 0.0
        )
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        errors += int(non2xx.group(1)) if non2xx else 0
    return statistics.median(rates), errors


def get(conn: http.client.HTTPConnection, path: str, headers: dict) -> tuple[int, float, float, int]:
    """Status, time to the first byte of the body (ms), total time (ms) and body size of one request."""
    t0 = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    first = response.read(1)
    first_ms = (time.perf_counter() - t0) * 1000
    size = len(first) + len(response.read())
    return response.status, first_ms, (time.perf_counter() - t0) * 1000, size


def count_queries(path: str, cookie: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    with CaptureQueriesContext(connection) as captured:
        client.get(path, headers={"accept-language": "fr"})
    return len(captured)


def write_explains(explains) -> None:
    from django.db import connection

    folder = RESULTS / "explain"
    folder.mkdir(parents=True, exist_ok=True)
    for name, qs in explains:
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        (folder / f"{name}.txt").write_text(f"-- {name}\n{sql}\n\n{plan}\n")


def machine(ctx) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM accounts_user")
        members = cursor.fetchone()[0]
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": pg,
        "members": members,
        "bench_cities": len(ctx.cities),
        "server": "gunicorn 2 workers × 2 threads, DEBUG off",
    }


if __name__ == "__main__":
    sys.exit(main())
