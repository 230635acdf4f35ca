"""The "mission" provider for civic.core.discovery (home page, global search, digest)."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from civic.core.discovery import ActivityItem, DiscoveryItem, DiscoveryQuery, Kind, feature_rows, newest_first
from civic.core.search import best_first, corrected_query
from volunteering.models import ACTIVE_STATUSES, Mission, Participation

KIND = Kind(
    key="mission",
    label=gettext_lazy("Volunteer missions"),
    icon="hand-heart",
    order=10,
    index_url="volunteering:index",
    menu_label=gettext_lazy("Missions"),
    menu_order=20,
    intro=gettext_lazy("Give a hand to an association near you, when you are free."),
    open_data="missions",
)


def _availability(query: DiscoveryQuery) -> tuple[str, ...]:
    if query.weekends_only:
        return ("weekend_morning", "weekend_afternoon", "weekend_evening")
    return ()


def _base(query: DiscoveryQuery, availability=()):
    qs = Mission.objects.published()
    if query.city_id:
        qs = qs.filter(city_id=query.city_id)
    qs = (
        qs.for_themes(query.theme_ids)
        .with_next_slot(
            availability=availability or _availability(query),
            date_from=query.starts_after.date() if query.starts_after else None,
            date_to=query.starts_before.date() if query.starts_before else None,
            only_matching=True,
        )
        .prefetch_related("city", "themes")
    )
    return qs


def _item(mission: Mission, reason: str = "") -> DiscoveryItem:
    return KIND.item(  # missions have no photo: their card shows their first theme's drawing
        mission,
        summary=mission.description,
        when=mission.next_slot_at,
        action_label=_("Join"),
        action_url=f"#slot-{mission.next_slot_id}" if mission.next_slot_id else "",
        reason=reason,
        extra={"places_left": mission.places_left, "organization_id": mission.organization_id},
    )


class MissionProvider:
    """At most four queries per call (missions, their cities, their themes, and the member's or
    followed members' participations where relevant), whatever ``limit`` is."""

    kind = KIND

    def near_queryset(self, query: DiscoveryQuery):
        qs = _base(query)
        if query.lat is not None and query.lng is not None:
            return qs.near(query.lat, query.lng, query.km)
        return qs.order_by("-pk")

    def near(self, query: DiscoveryQuery) -> list[DiscoveryItem]:
        return [_item(m) for m in self.near_queryset(query)[: query.limit]]

    def search(self, text: str, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        text = (text or "").strip()
        if not text:
            return []
        matching = corrected_query(text)
        if matching is None:
            return []
        qs = best_first(_base(query), matching)
        if query.lat is not None and query.lng is not None:
            qs = qs.with_distance(query.lat, query.lng)
        return [_item(m) for m in qs[: query.limit]]

    def featured(self, *, limit: int) -> list[DiscoveryItem]:
        """The newest published missions that still have an upcoming slot."""
        return [_item(m) for m in _base(DiscoveryQuery()).order_by("-pk")[:limit]]

    def for_member(self, member, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        """Missions near the member on their interests, with a slot when they are free, that they do
        not take part in yet; nearest first."""
        interests = {t.pk: t.name for t in member.interests.all()}
        lat, lng = query.lat, query.lng
        if lat is None and member.has_point:
            lat, lng = member.latitude, member.longitude
        if not interests or lat is None:
            return []
        taken = Participation.objects.filter(member=member, status__in=ACTIVE_STATUSES).values(
            "slot__mission_id"
        )
        qs = (
            _base(
                DiscoveryQuery(theme_ids=tuple(interests), city_id=query.city_id), tuple(member.availability)
            )
            .exclude(pk__in=taken)
            .near(lat, lng, query.km)
        )
        items = []
        for mission in qs[: query.limit]:
            theme = next((interests[t.pk] for t in mission.themes.all() if t.pk in interests), "")
            items.append(_item(mission, reason=_("Matches your interest in %(theme)s") % {"theme": theme}))
        return items

    def activity(self, member_ids, *, limit: int) -> list[ActivityItem]:
        """Followed members who joined a published mission, newest first."""
        joined = list(
            Participation.objects.joined_by(member_ids)
            .select_related("member")
            .annotate(mission_id=F("slot__mission_id"))
            .order_by(newest_first("created_at"))[:limit]
        )
        missions = {
            m.pk: m
            for m in Mission.objects.filter(pk__in={p.mission_id for p in joined})
            .with_next_slot()
            .select_related("city")
            .prefetch_related("themes")
        }
        return [
            ActivityItem.by(
                p.member, pgettext("activity", "joined"), _item(missions[p.mission_id]), p.created_at
            )
            for p in joined
            if p.mission_id in missions
        ]

    def activity_dates(self, member_ids) -> list:
        """The actions ``activity()`` may list, dated (``at``) and marked ``public`` when it lists them."""
        return [Participation.objects.joined_by_dated(member_ids)]

    def digest(self, member, *, since) -> list[DiscoveryItem]:
        """Missions published in the member's city since ``since`` that still have an upcoming slot."""
        if not member.home_city_id:
            return []
        qs = _base(DiscoveryQuery(city_id=member.home_city_id)).filter(published_at__gte=since)
        return [_item(m) for m in qs.order_by("-published_at", "-pk")[:10]]

    def features(
        self, *, city_id=None, bbox=None, limit: int = 1000, before: int | None = None
    ) -> list[DiscoveryItem]:
        """Located published missions with an upcoming slot, for the open-data GeoJSON feeds."""
        qs = feature_rows(_base(DiscoveryQuery()), city_id=city_id, bbox=bbox, before=before)
        return [_item(m) for m in qs.order_by("-pk")[:limit]]
