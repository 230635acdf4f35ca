"""Bench data for volunteering: 200,000 missions over the bench cities, three slots each (past and
upcoming), 1,000,000 participations at scale 1; and the pages the issue gives budgets for.

Each slot's capacity and volunteers are drawn from a generator seeded with the slot id, so the slot
rows (with their denormalised ``confirmed_count``) and the participation rows agree without keeping
anything in memory.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bench.context import BenchContext, Page

SLOTS_PER_MISSION = 3
HOURS = (9, 14, 18)


def _slot_draw(slot_id: int, member_ids: tuple[int, int], per_slot: float):
    """(capacity, [member ids]) for a slot; same answer every call."""
    rs = random.Random(slot_id * 7919)
    capacity = rs.randint(3, 12)
    # round(), not int(): flooring lost half a volunteer per slot (728,881 participations for 1,000,000).
    n = min(round(rs.expovariate(1 / per_slot)), 30, member_ids[1] - member_ids[0] + 1)
    members = rs.sample(range(member_ids[0], member_ids[1] + 1), n)
    return capacity, members


def generate(ctx: BenchContext) -> None:
    from civic.organizations.models import Organization

    n_missions = ctx.count(200_000)
    n_participations = ctx.count(1_000_000)
    per_slot = n_participations / (n_missions * SLOTS_PER_MISSION)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    orgs_by_city: dict[int, list[int]] = {}
    for org_id, city_id in Organization.objects.filter(pk__in=ctx.organization_ids).values_list(
        "pk", "city_id"
    ):
        orgs_by_city.setdefault(city_id, []).append(org_id)
    first_mission = ctx.max_id("volunteering_mission") + 1
    first_slot = ctx.max_id("volunteering_slot") + 1
    first_theme_row = ctx.max_id("volunteering_mission_themes") + 1
    first_participation = ctx.max_id("volunteering_participation") + 1
    themes_of: list[tuple[int, ...]] = []

    def missions():
        for i in range(n_missions):
            city = ctx.city()
            lat, lng = ctx.point_near(city)
            org = ctx.rng.choice(orgs_by_city.get(city.id) or ctx.organization_ids)
            titles = {lang: ctx.title(lang) for lang in ("fr", "en", "es")}
            texts = {lang: ctx.paragraph(lang) for lang in ("fr", "en", "es")}
            status = "published" if ctx.rng.random() < 0.9 else ctx.rng.choice(["draft", "closed"])
            themes_of.append(tuple(ctx.rng.sample(ctx.theme_ids, ctx.rng.randint(1, 2))))
            yield (
                first_mission + i,
                org,
                city.id,
                titles[city.language],
                titles["fr"],
                titles["en"],
                titles["es"],
                texts[city.language],
                texts["fr"],
                texts["en"],
                texts["es"],
                "",
                "",
                city.name,
                ctx.rng.random() < 0.1,
                ctx.rng.random() < 0.6,
                ctx.rng.random() < 0.4,
                status,
                now if status != "draft" else None,
                now,
                now,
                ctx.point_json(lat, lng),
                lat,
                lng,
            )

    ctx.copy(
        "volunteering_mission",
        [
            "id",
            "organization_id",
            "city_id",
            "title",
            "title_fr",
            "title_en",
            "title_es",
            "description",
            "description_fr",
            "description_en",
            "description_es",
            "skills",
            "what_to_bring",
            "address",
            "remote_possible",
            "beginner_friendly",
            "reduced_mobility_accessible",
            "status",
            "published_at",
            "created_at",
            "updated_at",
            "point",
            "latitude",
            "longitude",
        ],
        missions(),
        total=n_missions,
        desc="missions",
    )
    ctx.reset_sequence("volunteering_mission")

    def theme_rows():
        row_id = first_theme_row
        for i, theme_ids in enumerate(themes_of):
            for theme_id in theme_ids:
                yield (row_id, first_mission + i, theme_id)
                row_id += 1

    ctx.copy(
        "volunteering_mission_themes",
        ["id", "mission_id", "theme_id"],
        theme_rows(),
        total=sum(len(t) for t in themes_of),
        desc="mission themes",
    )
    ctx.reset_sequence("volunteering_mission_themes")

    def starts(slot_id: int) -> datetime:
        rs = random.Random(slot_id * 104729)
        day = now.replace(hour=0) + timedelta(days=rs.randint(-60, 60))
        return day.replace(hour=HOURS[rs.randrange(3)])

    def slots():
        for i in range(n_missions * SLOTS_PER_MISSION):
            slot_id = first_slot + i
            capacity, members = _slot_draw(slot_id, ctx.member_ids, per_slot)
            start = starts(slot_id)
            yield (
                slot_id,
                first_mission + i // SLOTS_PER_MISSION,
                start,
                start + timedelta(hours=3),
                capacity,
                min(len(members), capacity) if start > now else 0,
            )

    ctx.copy(
        "volunteering_slot",
        ["id", "mission_id", "starts_at", "ends_at", "capacity", "confirmed_count"],
        slots(),
        total=n_missions * SLOTS_PER_MISSION,
        desc="slots",
    )
    ctx.reset_sequence("volunteering_slot")

    def participations():
        pk = first_participation
        for i in range(n_missions * SLOTS_PER_MISSION):
            slot_id = first_slot + i
            capacity, members = _slot_draw(slot_id, ctx.member_ids, per_slot)
            start = starts(slot_id)
            past = start <= now
            for rank, member_id in enumerate(members):
                if past:
                    attended = rank < capacity and (slot_id + rank) % 5 != 0
                    status, position, hours = ("attended", None, 3) if attended else ("absent", None, 0)
                elif rank < capacity:
                    status, position, hours = "confirmed", None, None
                else:
                    status, position, hours = "waiting", rank - capacity + 1, None
                yield (pk, slot_id, member_id, status, position, rank % 2 == 0, hours, now, now)
                pk += 1

    ctx.copy(
        "volunteering_participation",
        [
            "id",
            "slot_id",
            "member_id",
            "status",
            "position",
            "share_contact",
            "hours",
            "created_at",
            "updated_at",
        ],
        participations(),
        total=n_participations,
        desc="participations",
    )
    ctx.reset_sequence("volunteering_participation")


def _paris(ctx: BenchContext):
    return ctx.cities[0]


def pages(ctx: BenchContext) -> list[Page]:
    city = _paris(ctx)
    theme = ctx.theme_ids[0]
    box = f"{city.lng - 0.08:.4f},{city.lat - 0.05:.4f},{city.lng + 0.08:.4f},{city.lat + 0.05:.4f}"
    return [
        Page(
            "volunteering: near me, 2 filters",
            f"/fr/missions/?lat={city.lat:.5f}&lng={city.lng:.5f}&km=5&themes={theme}&availability=weekend_morning",
            100,
        ),
        Page(
            "volunteering: near me, no filter",
            f"/fr/missions/?lat={city.lat:.5f}&lng={city.lng:.5f}&km=10",
            100,
        ),
        Page("volunteering: map GeoJSON, visible area", f"/fr/missions/map.geojson?bbox={box}", 150),
        Page(
            "volunteering: near me, 2 filters, page 50",
            f"/fr/missions/?lat={city.lat:.5f}&lng={city.lng:.5f}&km=5&themes={theme}&availability=weekend_morning&page=50",
            100,
        ),
        Page(
            "volunteering: near me, no filter, page 50",
            f"/fr/missions/?lat={city.lat:.5f}&lng={city.lng:.5f}&km=10&page=50",
            100,
        ),
    ]


def explain(ctx: BenchContext):
    from civic.places.geo import distance_km
    from volunteering.models import Mission

    city = _paris(ctx)
    return [
        (
            "near-me-2-filters",
            Mission.objects.matching(
                lat=city.lat,
                lng=city.lng,
                km=5,
                theme_ids=[ctx.theme_ids[0]],
                availability=["weekend_morning"],
            ).for_list()[:20],
        ),
        (
            "map-feed",
            Mission.objects.matching()
            .near(city.lat, city.lng, distance_km(city.lat, city.lng, city.lat + 0.05, city.lng + 0.08))
            .values("pk", "title", "latitude", "longitude", "next_slot_at", "places_left")[:500],
        ),
    ]
