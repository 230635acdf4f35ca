"""My Civic's heaviest member: one who follows 1,000 active members and took part 200 times.

Runs after the feature apps (it joins their missions, events and proposals). The member logs in as
``EMAIL`` with the bench password; ``bench/run.py`` measures My Civic in that member's session. The sizes do
not depend on the scale: a busy member looks the same in a small city and a big one (fewer rows exist to
take part in at small scales, so the counts may then be lower).
"""

from __future__ import annotations

from bench.context import BenchContext, Page

EMAIL = "bench-mycivic@example.org"
FOLLOWS = 1000
MISSIONS, EVENTS, SUPPORTS = 120, 50, 30  # 200 times in all


def generate(ctx: BenchContext) -> None:
    from django.db import connection

    from civic.accounts.models import User

    city = ctx.cities[0]  # the biggest city (Paris): where the most is going on
    lat, lng = ctx.point_near(city, 2)
    member = User.objects.create_user(
        email=EMAIL,
        password="bench-password-2026",
        display_name="Maya Follows",
        home_city_id=city.id,
        point={"type": "Point", "coordinates": [lng, lat]},
        availability=["weekday_evening", "weekend_morning", "weekend_afternoon"],
        language=city.language,
    )
    member.interests.set(ctx.theme_ids[:3])
    with connection.cursor() as cursor:
        # The 1,000 members who joined a mission most recently: each has something to show.
        cursor.execute(
            """
            INSERT INTO accounts_follow (follower_id, followed_id, created_at)
            SELECT %(me)s, member_id, now() FROM (
                SELECT p.member_id, max(p.created_at) AS last
                FROM volunteering_participation p
                WHERE p.status IN ('confirmed', 'attended') AND p.member_id <> %(me)s
                GROUP BY p.member_id ORDER BY last DESC, p.member_id LIMIT %(n)s
            ) AS active
            """,
            {"me": member.pk, "n": FOLLOWS},
        )
        # One slot with room in each of 120 published missions of the city, counters kept right.
        cursor.execute(
            """
            WITH chosen AS (
                SELECT DISTINCT ON (s.mission_id) s.id
                FROM volunteering_slot s JOIN volunteering_mission m ON m.id = s.mission_id
                WHERE m.city_id = %(city)s AND m.status = 'published' AND s.confirmed_count < s.capacity
                ORDER BY s.mission_id, s.starts_at LIMIT %(n)s
            ), joined AS (
                INSERT INTO volunteering_participation
                    (slot_id, member_id, status, position, share_contact, hours, created_at, updated_at)
                SELECT id, %(me)s, 'confirmed', NULL, false, NULL, now(), now() FROM chosen
                RETURNING slot_id
            )
            UPDATE volunteering_slot SET confirmed_count = confirmed_count + 1
            WHERE id IN (SELECT slot_id FROM joined)
            """,
            {"me": member.pk, "city": city.id, "n": MISSIONS},
        )
        cursor.execute(
            """
            WITH chosen AS (
                SELECT e.id FROM events_event e
                WHERE e.city_id = %(city)s AND e.is_published AND e.ends_at > now()
                  AND (e.capacity IS NULL OR e.seats_taken < e.capacity)
                ORDER BY e.starts_at, e.id LIMIT %(n)s
            ), going AS (
                INSERT INTO events_rsvp
                    (event_id, member_id, status, guests, queued_at, attended, created_at, updated_at)
                SELECT id, %(me)s, 'going', 0, now(), NULL, now(), now() FROM chosen
                RETURNING event_id
            )
            UPDATE events_event SET seats_taken = seats_taken + 1 WHERE id IN (SELECT event_id FROM going)
            """,
            {"me": member.pk, "city": city.id, "n": EVENTS},
        )
        cursor.execute(
            """
            WITH chosen AS (
                SELECT p.id FROM participation_proposal p
                WHERE p.city_id = %(city)s AND NOT p.is_hidden
                ORDER BY p.created_at DESC, p.id LIMIT %(n)s
            ), supported AS (
                INSERT INTO participation_support (proposal_id, member_id, created_at)
                SELECT id, %(me)s, now() FROM chosen
                RETURNING proposal_id
            )
            UPDATE participation_proposal SET supports_count = supports_count + 1
            WHERE id IN (SELECT proposal_id FROM supported)
            """,
            {"me": member.pk, "city": city.id, "n": SUPPORTS},
        )


def pages(ctx: BenchContext) -> list[Page]:
    """Measured in the member's session (``bench/run.py`` logs in as ``EMAIL`` for pages marked ``member``)."""
    return [Page("My Civic: follows 1,000, took part 200 times", "/fr/me/", 100, login="member")]
