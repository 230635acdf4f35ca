"""Bench data and pages for events (see bench/README.md).

At scale 1: 50,000 events, one NCZ Day with 2,000 city editions, 1,000,000 RSVPs (about 19 per event,
within capacity), one or two themes per event.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

from django.utils import timezone

DAY_SLUG = "bench-ncz-day"
KINDS = ["workshop", "conference", "meetup", "creativity_workshop", "screening", "action"]


def generate(ctx) -> None:
    from events.models import CityEdition, MobilisationDay

    now = timezone.now()
    n_events = ctx.count(50_000, minimum=300)
    n_editions = ctx.count(2_000, minimum=40)
    n_rsvps = ctx.count(1_000_000, minimum=3000)
    per_event = max(1, n_rsvps // (n_events + n_editions))
    first_member, last_member = ctx.member_ids
    day_date = (now + timedelta(days=30)).date()

    day = MobilisationDay.objects.create(
        slug=DAY_SLUG,
        date=day_date,
        title_fr="Journée NCZ : bench",
        title_en="NCZ Day: bench",
        title_es="Día NCZ: bench",
        registration_opens=day_date - timedelta(days=60),
        registration_closes=day_date,
    )
    first_event = ctx.max_id("events_event") + 1
    plans = []  # (event id, city, lat, lng, capacity, going, starts_at, is_edition)
    for i in range(n_events + n_editions):
        is_edition = i >= n_events
        city = ctx.city()
        lat, lng = ctx.point_near(city, 5)
        if is_edition:
            starts = datetime.combine(day_date, time(10), tzinfo=zoneinfo.ZoneInfo(city.timezone))
        else:
            starts = now + timedelta(days=ctx.rng.uniform(-60, 120), hours=ctx.rng.randint(0, 23))
        capacity = ctx.rng.choice([None, None, 20, 30, 50, 100, 200])
        going = min(ctx.rng.randint(max(0, per_event - 8), per_event + 8), capacity or 10**6)
        plans.append((first_event + i, city, lat, lng, capacity, going, starts, is_edition))

    def event_rows():
        for pk, city, lat, lng, capacity, going, starts, is_edition in plans:
            titles = [ctx.title(lang) for lang in ("fr", "en", "es")]
            yield (
                pk,
                ctx.point_json(lat, lng),
                lat,
                lng,
                "",
                "",
                "action" if is_edition else ctx.rng.choice(KINDS),
                titles[0],
                titles[0],
                titles[1],
                titles[2],
                "",
                ctx.paragraph(city.language, 2),
                "Place " + city.name,
                False,
                "",
                starts,
                starts + timedelta(hours=2),
                capacity,
                [city.language],
                True,
                False,
                going,
                now,
                city.id,
            )

    ctx.copy(
        "events_event",
        [
            "id", "point", "latitude", "longitude", "link_url", "link_title", "kind", "title", "title_fr",
            "title_en", "title_es", "description", "description_fr", "place_name", "is_online", "online_url",
            "starts_at", "ends_at", "capacity", "languages", "is_published", "is_cancelled", "seats_taken",
            "created_at", "city_id",
        ],
        event_rows(),
        total=len(plans),
        desc="events",
    )  # fmt: skip
    ctx.reset_sequence("events_event")

    def theme_rows():
        for pk, *_rest in plans:
            for theme_id in ctx.rng.sample(ctx.theme_ids, ctx.rng.randint(1, 2)):
                yield (pk, theme_id)

    ctx.copy(
        "events_event_themes", ["event_id", "theme_id"], theme_rows(), total=len(plans) * 2, desc="themes"
    )

    def rsvp_rows():
        for pk, _city, _lat, _lng, _capacity, going, _starts, _edition in plans:
            for member_id in ctx.rng.sample(range(first_member, last_member + 1), going):
                yield ("going", 0, now, None, now, now, pk, member_id)

    ctx.copy(
        "events_rsvp",
        ["status", "guests", "queued_at", "attended", "created_at", "updated_at", "event_id", "member_id"],
        rsvp_rows(),
        total=sum(p[5] for p in plans),
        desc="rsvps",
    )

    editions = [p for p in plans if p[7]]
    ctx.copy(
        "events_cityedition",
        ["status", "reviewed_at", "created_at", "organiser_id", "event_id", "day_id"],
        (("approved", now, now, ctx.member(), p[0], day.pk) for p in editions),
        total=len(editions),
        desc="editions",
    )
    assert CityEdition.objects.filter(day=day).count() == len(editions)


def pages(ctx) -> list:
    from bench.context import Page

    city = ctx.cities[0]
    theme = "urban-agriculture"
    return [
        Page("events: list", "/fr/events/", 100),
        Page("events: list, city + theme", f"/fr/events/?city={city.slug}&theme={theme}", 100),
        Page("events: near me 10 km", f"/fr/events/?near=on&lat={city.lat}&lng={city.lng}&km=10", 100),
        Page("events: map feed, city", f"/fr/events/map.geojson?city={city.slug}", 100),
        Page("events: calendar", "/fr/events/calendar/", 100),
        Page("events: NCZ Day world map feed", f"/fr/events/days/{DAY_SLUG}/editions.geojson", 100),
        Page("events: NCZ Day page", f"/fr/events/days/{DAY_SLUG}/", 100),
        Page("events: list, page 50", "/fr/events/?page=50", 100),
        Page(
            "events: near me 10 km, page 50",
            f"/fr/events/?near=on&lat={city.lat}&lng={city.lng}&km=10&page=50",
            100,
        ),
        *_attendees_csv(),
    ]


def _attendees_csv() -> list:
    """The attendees CSV of the event with the most RSVPs, downloaded by an editor."""
    from django.db.models import Count

    from bench.context import Page
    from events.models import Event

    busiest = Event.objects.annotate(n=Count("rsvps")).order_by("-n").values_list("pk", flat=True).first()
    if busiest is None:
        return []
    return [
        Page(
            "events: attendees.csv of the busiest event (editor)",
            f"/fr/events/{busiest}/attendees.csv",
            0,
            login="editor",
            kind="export",
        )
    ]


def explain(ctx) -> list:
    from events.models import Event

    city = ctx.cities[0]
    return [
        ("list", Event.objects.published().upcoming().for_list()[:20]),
        ("near", Event.objects.published().upcoming().near(city.lat, city.lng, 10)[:20]),
        ("day-map", Event.objects.filter(edition__day__slug=DAY_SLUG, edition__status="approved")),
    ]
