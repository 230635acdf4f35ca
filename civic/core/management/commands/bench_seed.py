"""``manage.py bench_seed --scale S``: a realistic, reproducible, city-sized platform for bench/.

At scale 1: 200 cities, 1,000,000 members, then each app's ``bench/seed/<app>.py`` adds its rows (missions,
initiatives, proposals, projects, events… with the sizes of the issues). Rows are written with PostgreSQL COPY.
Run it on the bench instance (``make bench-seed`` sets CIVIC_INSTANCE=bench) or on DATABASE_URL.
"""

import importlib
import random
import time

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from bench.context import BenchContext, CityRow
from civic.core import demo

# Metropolises that anchor the 200 cities (name, country, timezone, lat, lng, language).
METROS = [
    ("Paris", "FR", "Europe/Paris", 48.8566, 2.3522, "fr"),
    ("Lyon", "FR", "Europe/Paris", 45.764, 4.8357, "fr"),
    ("Marseille", "FR", "Europe/Paris", 43.2965, 5.3698, "fr"),
    ("Lille", "FR", "Europe/Paris", 50.6292, 3.0573, "fr"),
    ("Bordeaux", "FR", "Europe/Paris", 44.8378, -0.5792, "fr"),
    ("Nantes", "FR", "Europe/Paris", 47.2184, -1.5536, "fr"),
    ("Bruxelles", "BE", "Europe/Brussels", 50.8503, 4.3517, "fr"),
    ("Genève", "CH", "Europe/Zurich", 46.2044, 6.1432, "fr"),
    ("Montréal", "CA", "America/Toronto", 45.5019, -73.5674, "fr"),
    ("Dakar", "SN", "Africa/Dakar", 14.7167, -17.4677, "fr"),
    ("Madrid", "ES", "Europe/Madrid", 40.4168, -3.7038, "es"),
    ("Barcelona", "ES", "Europe/Madrid", 41.3874, 2.1686, "es"),
    ("Sevilla", "ES", "Europe/Madrid", 37.3891, -5.9845, "es"),
    ("México", "MX", "America/Mexico_City", 19.4326, -99.1332, "es"),
    ("Bogotá", "CO", "America/Bogota", 4.711, -74.0721, "es"),
    ("Buenos Aires", "AR", "America/Argentina/Buenos_Aires", -34.6037, -58.3816, "es"),
    ("Lima", "PE", "America/Lima", -12.0464, -77.0428, "es"),
    ("Santiago", "CL", "America/Santiago", -33.4489, -70.6693, "es"),
    ("Rio de Janeiro", "BR", "America/Sao_Paulo", -22.9068, -43.1729, "es"),
    ("London", "GB", "Europe/London", 51.5072, -0.1276, "en"),
    ("Manchester", "GB", "Europe/London", 53.4808, -2.2426, "en"),
    ("Dublin", "IE", "Europe/Dublin", 53.3498, -6.2603, "en"),
    ("New York", "US", "America/New_York", 40.7128, -74.006, "en"),
    ("Charleston", "US", "America/New_York", 32.7765, -79.9311, "en"),
    ("Chicago", "US", "America/Chicago", 41.8781, -87.6298, "en"),
    ("San Francisco", "US", "America/Los_Angeles", 37.7749, -122.4194, "en"),
    ("Toronto", "CA", "America/Toronto", 43.6532, -79.3832, "en"),
    ("Stockholm", "SE", "Europe/Stockholm", 59.3293, 18.0686, "en"),
    ("Berlin", "DE", "Europe/Berlin", 52.52, 13.405, "en"),
    ("Istanbul", "TR", "Europe/Istanbul", 41.0082, 28.9784, "en"),
    ("Nairobi", "KE", "Africa/Nairobi", -1.2921, 36.8219, "en"),
    ("Lagos", "NG", "Africa/Lagos", 6.5244, 3.3792, "en"),
    ("Cape Town", "ZA", "Africa/Johannesburg", -33.9249, 18.4241, "en"),
    ("Mumbai", "IN", "Asia/Kolkata", 19.076, 72.8777, "en"),
    ("Manila", "PH", "Asia/Manila", 14.5995, 120.9842, "en"),
    ("Singapore", "SG", "Asia/Singapore", 1.3521, 103.8198, "en"),
    ("Tokyo", "JP", "Asia/Tokyo", 35.6762, 139.6503, "en"),
    ("Sydney", "AU", "Australia/Sydney", -33.8688, 151.2093, "en"),
    ("Melbourne", "AU", "Australia/Melbourne", -37.8136, 144.9631, "en"),
    ("Auckland", "NZ", "Pacific/Auckland", -36.8485, 174.7633, "en"),
]
FIRST = "Alice Bob Camille Dana Eli Fatou Gabriel Hana Ines Jonas Karim Lea Marta Noah Olga Pablo Quentin Rosa Sami Tomas Uma Victor Wen Yara Zoe".split()
LAST = "Martin Garcia Smith Nguyen Diallo Rossi Silva Kaya Novak Haddad Lopez Dubois Andersson Santos Okafor Tanaka".split()
AVAILABILITY = [
    "weekday_morning",
    "weekday_afternoon",
    "weekday_evening",
    "weekend_morning",
    "weekend_afternoon",
    "weekend_evening",
]
APPS = ["initiatives", "volunteering", "crowdfunding", "participation", "events"]
# After the apps: seeds that take part in what they wrote (bench/seed/mycivic.py joins missions and events).
AFTER_APPS = ["mycivic"]


class Command(BaseCommand):
    help = "Fill the database with a reproducible, city-sized platform (see bench/README.md)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.1)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="empty the database first")
        parser.add_argument("--only", nargs="*", default=None, help="feature apps to generate (default: all)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, scale, seed, reset, only, no_progress, **options):
        if not 0 < scale <= 2:
            raise CommandError("--scale must be in (0, 2]")
        from civic.accounts.models import User

        if User.objects.filter(email="bench-1@example.org").exists():
            if not reset:
                raise CommandError("The database already holds bench data; add --reset to start again.")
        if reset:
            self.stdout.write("Emptying the database…")
            call_command("flush", interactive=False, verbosity=0)
        started = time.monotonic()
        demo.seed(self.stdout)  # themes, demo cities and logins (so the demo logins work on the bench too)
        ctx = self._kernel(scale, random.Random(seed), progress=not no_progress)
        for label in only if only is not None else APPS + AFTER_APPS:
            if label not in AFTER_APPS and not apps.is_installed(label):
                continue
            try:
                module = importlib.import_module(f"bench.seed.{label}")
            except ModuleNotFoundError as exc:
                if exc.name == f"bench.seed.{label}":
                    self.stdout.write(f"  {label}: no bench/seed module yet, skipped")
                    continue
                raise
            t0 = time.monotonic()
            with transaction.atomic():
                module.generate(ctx)
            self.stdout.write(f"  {label}: generated in {time.monotonic() - t0:.0f} s")
        with connection.cursor() as cursor:
            # As autovacuum would on a live server: statistics for the planner, and visibility maps
            # so that index-only scans do not visit the freshly written heap.
            cursor.execute("VACUUM (ANALYZE)")
        self.stdout.write(
            self.style.SUCCESS(f"Bench data at scale {scale} ready in {time.monotonic() - started:.0f} s.")
        )

    @transaction.atomic
    def _kernel(self, scale: float, rng: random.Random, progress: bool) -> BenchContext:
        from civic.core.models import Theme
        from civic.places.models import City

        # 200 cities: the metropolises, then satellites around them.
        cities = []
        existing = {c.slug: c for c in City.objects.all()}
        next_id = max([c.pk for c in existing.values()] or [0]) + 1
        rows = []
        for i in range(200):
            name, country, tz, lat, lng, lang = METROS[i % len(METROS)]
            n = i // len(METROS)
            slug = f"bench-{i}"
            if n:
                lat, lng, name = lat + rng.uniform(-0.6, 0.6), lng + rng.uniform(-0.6, 0.6), f"{name} {n + 1}"
            rows.append(
                (
                    next_id + i,
                    slug,
                    name,
                    name,
                    name,
                    name,
                    country,
                    tz,
                    lang,
                    True,
                    BenchContext.point_json(lat, lng),
                    lat,
                    lng,
                )
            )
            cities.append(CityRow(next_id + i, slug, name, lat, lng, lang, tz))
        ctx = BenchContext(
            scale=scale,
            rng=rng,
            cities=cities,
            member_ids=(0, 0),
            theme_ids=[],
            organization_ids=[],
            progress=progress,
        )
        ctx.copy(
            "places_city",
            [
                "id",
                "slug",
                "name",
                "name_fr",
                "name_en",
                "name_es",
                "country",
                "timezone",
                "default_language",
                "is_active",
                "point",
                "latitude",
                "longitude",
            ],
            rows,
            total=len(rows),
            desc="cities",
        )
        ctx.reset_sequence("places_city")
        ctx.theme_ids = list(Theme.objects.values_list("pk", flat=True))

        # Organisations: a city hall per city, associations in proportion to the scale.
        first_org = ctx.max_id("organizations_organization") + 1
        n_assoc = ctx.count(20_000, minimum=200)
        kinds = ["association"] * 6 + ["collective"] * 2 + ["social_enterprise", "company"]

        def org_rows():
            for i in range(len(cities) + n_assoc):
                city = cities[i] if i < len(cities) else ctx.city()
                lat, lng = ctx.point_near(city, 4)
                is_hall = i < len(cities)
                yield (
                    first_org + i,
                    f"bench-org-{i}",
                    f"Mairie {city.name}" if is_hall else f"Collectif {i}",
                    "public_body" if is_hall else rng.choice(kinds),
                    city.id,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    True,
                    "2026-01-01T00:00:00Z",
                    BenchContext.point_json(lat, lng),
                    lat,
                    lng,
                )

        ctx.copy(
            "organizations_organization",
            [
                "id",
                "slug",
                "name",
                "kind",
                "city_id",
                "description",
                "description_fr",
                "description_en",
                "description_es",
                "website",
                "email",
                "is_active",
                "created_at",
                "point",
                "latitude",
                "longitude",
            ],
            org_rows(),
            total=len(cities) + n_assoc,
            desc="organisations",
        )
        ctx.reset_sequence("organizations_organization")
        ctx.cities = [
            CityRow(**{**c.__dict__, "public_body_id": first_org + i}) for i, c in enumerate(cities)
        ]
        ctx.organization_ids = list(range(first_org + len(cities), first_org + len(cities) + n_assoc))

        # Members: one password hash for all (hashing a million passwords would take hours).
        n_members = ctx.count(1_000_000, minimum=1000)
        first = ctx.max_id("accounts_user") + 1
        password = make_password("bench-password-2026")

        def member_rows():
            for i in range(n_members):
                city = ctx.city()
                lat, lng = ctx.point_near(city, 8)
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                email = f"bench-{i + 1}@example.org"
                avail = sorted(rng.sample(AVAILABILITY, rng.randint(0, 3)))
                yield (
                    first + i,
                    password,
                    False,
                    "",
                    "",
                    email,
                    False,
                    True,
                    "2026-01-01T00:00:00Z",
                    BenchContext.point_json(lat, lng),
                    lat,
                    lng,
                    name,
                    "",
                    "",
                    city.id,
                    avail,
                    city.language,
                    rng.random() < 0.05,
                    rng.random() < 0.03,
                    rng.random() < 0.02,
                    False,
                    rng.random() < 0.3,  # weekly digest
                )

        ctx.copy(
            "accounts_user",
            [
                "id",
                "password",
                "is_superuser",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "point",
                "latitude",
                "longitude",
                "display_name",
                "avatar",
                "bio",
                "home_city_id",
                "availability",
                "language",
                "is_spotter",
                "is_reporter",
                "is_shaker",
                "is_former",
                "weekly_digest",
            ],
            member_rows(),
            total=n_members,
            desc="members",
        )
        ctx.reset_sequence("accounts_user")
        ctx.member_ids = (first, first + n_members - 1)

        def interest_rows():
            for member_id in range(first, first + n_members):
                for theme_id in rng.sample(ctx.theme_ids, rng.randint(1, 3)):
                    yield (member_id, theme_id)

        ctx.copy(
            "accounts_user_interests",
            ["user_id", "theme_id"],
            interest_rows(),
            total=n_members * 2,
            desc="interests",
        )
        return ctx
