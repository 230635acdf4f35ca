"""Bench data for participation spaces (see bench/README.md and bench/context.py).

At scale 1: the first (biggest) city's space holds 100,000 proposals and about 5,000,000 supports, as
in the issue; the other cities share 20,000 more proposals with fewer supports.
"""

from __future__ import annotations

import datetime

from bench.context import BenchContext, Page

THRESHOLD = 100
STATUSES = ["under_study", "accepted", "rejected", "in_progress", "done"]


def _support_count(ctx: BenchContext, big: bool) -> int:
    # Log-normal: most proposals have a few supports, a few have thousands (mean ≈ 50 in the big city).
    mu = 3.4 if big else 1.8
    return min(int(ctx.rng.lognormvariate(mu, 1.0)), 5000)


def generate(ctx: BenchContext) -> None:
    from django.db import connection
    from django.utils import timezone

    from civic.core.search import search_vector
    from participation.models import CitySpace, Neighbourhood, Proposal

    rng = ctx.rng
    now = timezone.now()
    big = ctx.cities[0]
    CitySpace.objects.bulk_create(
        [
            CitySpace(city_id=c.id, support_threshold=THRESHOLD, intro_fr="", intro_en="", intro_es="")
            for c in ctx.cities
        ],
        ignore_conflicts=True,
    )
    hoods: dict[int, list[int]] = {}
    for c in ctx.cities:
        n = 20 if c.id == big.id else 3
        created = Neighbourhood.objects.bulk_create(
            [
                Neighbourhood(city_id=c.id, name=f"Quartier {i + 1}", name_fr=f"Quartier {i + 1}")
                for i in range(n)
            ]
        )
        hoods[c.id] = [h.pk for h in created]

    n_big = ctx.count(100_000, minimum=100)
    n_other = ctx.count(20_000, minimum=20)
    total = n_big + n_other
    first_id = ctx.max_id("participation_proposal") + 1
    members = range(ctx.member_ids[0], ctx.member_ids[1] + 1)
    plan = []  # (id, city, created_at, supports, comments)
    for i in range(total):
        city = big if i < n_big else ctx.city()
        created = now - datetime.timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))
        supports = min(_support_count(ctx, city.id == big.id), len(members))
        plan.append((first_id + i, city, created, supports, rng.choice([0, 0, 0, 1, 2, 3])))

    answers = []

    def proposal_rows():
        for pid, city, created, supports, comments in plan:
            lang = city.language if city.language in ("fr", "en", "es") else "en"
            located = rng.random() < 0.6
            lat, lng = ctx.point_near(city) if located else (None, None)
            status = "open" if rng.random() < 0.85 else rng.choice(STATUSES)
            answered = None
            if status != "open":
                answered = min(now, created + datetime.timedelta(days=rng.randint(3, 90)))
                answers.append((pid, city.public_body_id, status, answered))
            yield (
                pid,
                ctx.point_json(lat, lng) if located else None,
                lat,
                lng,
                city.id,
                ctx.member(),
                ctx.title(lang),
                ctx.paragraph(lang),
                lang,
                rng.choice(ctx.theme_ids),
                rng.choice(hoods[city.id]) if rng.random() < 0.7 else None,
                "",
                "",
                "",
                status,
                supports,
                comments,
                created if supports >= THRESHOLD else None,
                answered,
                rng.random() < 0.005,
                False,
                "",
                None,
                None,
                None,
                created,
                created,
            )

    columns = [f.column for f in Proposal._meta.concrete_fields]
    ctx.copy("participation_proposal", columns, proposal_rows(), total=total, desc="proposals")
    ctx.reset_sequence("participation_proposal")

    def support_rows():
        for pid, _city, created, supports, _comments in plan:
            for member in rng.sample(members, supports):
                when = min(now, created + datetime.timedelta(minutes=rng.randint(0, 90 * 24 * 60)))
                yield (pid, member, when)

    n_supports = sum(p[3] for p in plan)
    ctx.copy(
        "participation_support",
        ["proposal_id", "member_id", "created_at"],
        support_rows(),
        total=n_supports,
        desc="supports",
    )

    def comment_rows():
        for pid, city, created, _supports, comments in plan:
            lang = city.language if city.language in ("fr", "en", "es") else "en"
            for k in range(comments):
                yield (
                    pid,
                    ctx.member(),
                    None,
                    ctx.paragraph(lang, 1),
                    False,
                    False,
                    False,
                    "",
                    created + datetime.timedelta(hours=k + 1),
                )

    ctx.copy(
        "participation_comment",
        [
            "proposal_id",
            "author_id",
            "parent_id",
            "text",
            "is_deleted",
            "is_hidden",
            "review_pending",
            "moderation_reason",
            "created_at",
        ],
        comment_rows(),
        total=sum(p[4] for p in plan),
        desc="comments",
    )
    ctx.copy(
        "participation_answer",
        ["proposal_id", "organization_id", "status", "text", "created_at", "updated_at"],
        (
            (pid, org, status, "Merci, nous étudions votre proposition.", when, when)
            for pid, org, status, when in answers
        ),
        total=len(answers),
        desc="answers",
    )
    Proposal.objects.filter(pk__gte=first_id).update(
        search_vector=search_vector(("title", "A"), ("text", "B"))
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE participation_proposal; ANALYZE participation_support")


def rebuild_counters() -> None:
    """Participants and supports per day of every city with proposals (COPY bypassed the services)."""
    from civic.places.models import City
    from participation.models import Proposal
    from participation.services import stats_rebuild

    for city in City.objects.filter(pk__in=Proposal.objects.values("city_id").distinct()):
        stats_rebuild(city=city)


def _big_city_facts(ctx: BenchContext) -> tuple[str, int, int]:
    from participation.models import Proposal

    big = ctx.cities[0]
    top = (
        Proposal.objects.filter(city_id=big.id, is_hidden=False)
        .order_by("-supports_count")
        .values_list("pk", flat=True)
        .first()
    )
    theme = ctx.theme_ids[0] if ctx.theme_ids else 1
    return big.slug, top or 1, theme


def pages(ctx: BenchContext) -> list[Page]:
    slug, top, theme = _big_city_facts(ctx)
    base = f"/fr/cities/{slug}/"
    return [
        Page("participation: space, most supported (100k proposals)", base, 100),
        Page("participation: space, newest + theme", f"{base}?sort=newest&theme={theme}", 100),
        Page("participation: space, most discussed + status", f"{base}?sort=discussed&status=open", 100),
        Page("participation: space, answered", f"{base}?sort=answered", 100),
        Page("participation: space, search", f"{base}?q=jardin+compost", 200),
        Page("participation: proposal detail (most supported)", f"{base}proposals/{top}/", 100),
        Page("participation: embed widget", f"{base}embed/?sort=supported", 100),
        Page("participation: map feed", f"{base}proposals.geojson", 150),
        Page("participation: space, most supported, page 50", f"{base}?page=50", 100),
        Page(
            "participation: space, newest + theme, page 50", f"{base}?sort=newest&theme={theme}&page=50", 100
        ),
        Page("participation: dashboard (official)", f"{base}dashboard/", 300, login="official"),
        *(
            Page(
                f"participation: {what}.csv (official)",
                f"{base}dashboard/export/{what}.csv",
                0,
                login="official",
                kind="export",
            )
            for what in ("proposals", "answers", "supports")
        ),
    ]


def explain(ctx: BenchContext):
    from participation.models import Proposal

    big = ctx.cities[0]
    qs = Proposal.objects.visible().filter(city_id=big.id).for_list()
    return [
        ("space-most-supported", qs.sorted_by("supported")[:20]),
        ("space-newest-theme", qs.filter(theme_id=ctx.theme_ids[0]).sorted_by("newest")[:20]),
        (
            "dashboard-queue",
            Proposal.objects.filter(city_id=big.id)
            .awaiting_answer()
            .order_by("threshold_reached_at", "id")[:50],
        ),
    ]


def dashboard_timings(repeat: int = 20) -> dict:
    """The dashboard needs an official's session, which ``make bench`` does not have: measure it here.

    ``CIVIC_INSTANCE=bench .venv/bin/python -c "import django; django.setup(); from bench.seed.participation import
    dashboard_timings; print(dashboard_timings())"`` prints the first (cold: stats computed) and the median
    (warm: stats cached for ``participation.stats.STATS_TTL``) latencies in ms, through Django's test client.
    """
    import statistics
    import time

    from django.core.cache import cache
    from django.db.models import Count
    from django.test import Client

    from civic.accounts.models import User
    from civic.organizations.models import Membership, Organization
    from participation.models import CitySpace, Proposal

    busiest = Proposal.objects.values("city_id").annotate(n=Count("id")).order_by("-n").first()
    city_id = busiest["city_id"]
    space = CitySpace.objects.select_related("city").get(city_id=city_id)
    hall = Organization.objects.public_bodies_of(space.city).first()
    official, _ = User.objects.get_or_create(email="bench-official@example.org")
    Membership.objects.get_or_create(organization=hall, user=official)
    client = Client(HTTP_HOST="localhost")
    client.force_login(official)
    url = f"/fr/cities/{space.city.slug}/dashboard/"
    for key in ("figures", "charts", "topics"):
        cache.delete(f"participation:{key}:{city_id}")
    timings = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        response = client.get(url, secure=True)
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    return {"cold_ms": round(timings[0]), "warm_median_ms": round(statistics.median(timings[1:]))}
