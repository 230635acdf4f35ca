"""``make bench``: measure every main page the way users hit it.

Starts the site under gunicorn as in production (DEBUG off, whitenoise, cached templates) on the bench
database, warms it, then for each page, from this separate process:
  - latency: median and p95 of 30 sequential requests on a keep-alive connection;
  - throughput: wrk with 8 concurrent connections for 5 s (requests/s), as a ratio of the floor page;
  - SQL queries per page (the same request through Django's test client, queries captured).
Prints a table and writes bench/results/latest.md; EXPLAIN ANALYZE of each app's main queries goes to
bench/results/explain/. Usage: ``make bench`` (after ``make bench-seed SCALE=0.1``).
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings")
os.environ.setdefault("CIVIC_INSTANCE", "bench")
RESULTS = ROOT / "bench" / "results"
PORT = int(os.environ.get("BENCH_PORT", "8199"))
APPS = ["initiatives", "volunteering", "crowdfunding", "participation", "events"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="page names containing one of these words")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from bench.context import Page

    if shutil.which("wrk") is None:
        sys.exit("wrk is needed for throughput: apt-get install wrk")
    ctx = context_from_db()
    pages = [
        Page("floor: trivial template", "/bench/floor/", 0, "kernel"),
        Page("home", "/fr/", 150, "kernel"),
        Page("member profile", f"/fr/me/members/{ctx.member_ids[0]}/", 100, "kernel"),
        Page("search everything 'jardin'", "/fr/search/?q=jardin", 150, "kernel"),
        Page("search everything, typo 'compst'", "/fr/search/?q=compst", 150, "kernel"),
    ]
    explains = []
    for label in APPS:
        try:
            module = importlib.import_module(f"{label}.bench")
        except ModuleNotFoundError:
            continue
        pages += [Page(p.name, p.path, p.budget_ms, label) for p in module.pages(ctx)]
        if hasattr(module, "explain"):
            explains += [(f"{label}-{name}", qs) for name, qs in module.explain(ctx)]
    if args.only:
        pages = [p for p in pages if p.app == "kernel" or any(w in p.name for w in args.only)]

    server = start_gunicorn(settings.DATABASE_URL, settings.REDIS_URL)
    try:
        rows = [measure(page, args.requests, args.duration) for page in pages]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    floor = rows[0]["rps"] or 1
    for row in rows:
        row["ratio"] = row["rps"] / floor
    write_explains(explains)
    table = render(rows)
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(header(ctx, args.requests, args.duration) + table + "\n")
    over = [r for r in rows if r["budget"] and r["p50"] > r["budget"]]
    print(f"\n{len(over)} page(s) over budget." if over else "\nEvery page is within its budget.")
    return 0


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


def start_gunicorn(database_url: str, redis_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "i18n_compile"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "civic.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    sys.exit("gunicorn did not start")


def measure(page, n: int, duration: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    for _ in range(3):  # warm caches and connections
        status = get(conn, page.path)[0]
    timings = []
    for _ in range(n):
        t0 = time.perf_counter()
        status, _ = get(conn, page.path)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{duration}s", "--latency", f"http://127.0.0.1:{PORT}{page.path}"],
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)) if "Requests/sec" in out else 0.0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "name": page.name,
        "path": page.path,
        "status": status,
        "p50": statistics.median(timings),
        "p95": timings[max(0, int(len(timings) * 0.95) - 1)],
        "rps": rps,
        "errors": int(non2xx.group(1)) if non2xx else 0,
        "queries": count_queries(page.path),
        "budget": page.budget_ms,
    }


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path, headers={"Accept-Language": "fr"})
    response = conn.getresponse()
    return response.status, response.read()


def count_queries(path: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        Client().get(path)
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


def render(rows) -> str:
    lines = [
        "| page | p50 ms | p95 ms | req/s (8 clients) | × floor | queries | budget ms | |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        flag = "" if not r["budget"] else ("OVER" if r["p50"] > r["budget"] else "ok")
        if r["status"] != 200 or r["errors"]:
            flag = f"HTTP {r['status']}" + (f", {r['errors']} errors" if r["errors"] else "")
        lines.append(
            f"| {r['name']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['rps']:.0f} | {r['ratio']:.2f} | {r['queries']} "
            f"| {r['budget'] or '—'} | {flag} |"
        )
    return "\n".join(lines)


def header(ctx, requests: int, duration: int) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM accounts_user")
        members = cursor.fetchone()[0]
    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `make bench` on {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, PostgreSQL {pg}; {members:,} members, {len(ctx.cities)} bench cities. "
        f"gunicorn 2 workers × 2 threads, DEBUG off; p50/p95 of {requests} sequential requests; "
        f"wrk -t2 -c8 -d{duration}s on the same machine.\n\n"
    )


if __name__ == "__main__":
    sys.exit(main())
