"""The "event" provider for the home page, search, suggestions, follow feed, digest and open data
(civic.core.discovery). Every method costs a fixed number of queries (events, then their themes)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civic.core.discovery import (
    ActivityItem,
    DiscoveryItem,
    DiscoveryQuery,
    Kind,
    feature_rows,
    first_photo,
    hand_cover,
    newest_first,
)
from civic.core.search import best_first, corrected_query
from events.models import RSVP, Event, ReportPhoto

KIND = Kind(
    key="event",
    label=gettext_lazy("Events"),
    icon="users",
    order=20,
    index_url="events:index",
    menu_label=gettext_lazy("Events"),
    menu_order=50,
    intro=gettext_lazy("Workshops, meetups and NCZ Days around the world."),
    open_data="events",
)


def _item(event: Event, reason: str = "") -> DiscoveryItem:
    return KIND.item(
        event,
        summary=event.description,
        when=event.starts_at,
        action_label=_("RSVP"),
        reason=reason,
        extra={"kind": event.kind, "seats_left": event.seats_left},
    )


def _cover(event: str = "pk", series: str = "series_id") -> dict:
    """A photo of the event's report or, for an upcoming occurrence, of the latest report of its
    series: what the last time looked like is the best picture of the next one."""
    photos = ReportPhoto.objects.filter(
        Q(report__event=OuterRef(event)) | Q(report__event__series=OuterRef(series))
    ).order_by("-report__event__starts_at", "pk")
    return first_photo(photos)


class EventProvider:
    """Upcoming, published, not cancelled events."""

    kind = KIND

    def _public(self):
        return Event.objects.published().filter(is_cancelled=False).upcoming()

    def _base(self, query: DiscoveryQuery, *, nearest_first: bool = False):
        """``nearest_first``: the caller orders with ``near()``; the city is then prefetched (one
        more query) instead of joined, since a join makes PostgreSQL read every event of the radius
        and sort them (3,492 around Paris at scale 1, 280 ms) instead of following the GiST index
        nearest-first and stopping at the LIMIT (1 ms)."""
        qs = self._public().for_themes(query.theme_ids)
        if query.city_id:
            qs = qs.filter(city_id=query.city_id)
        if query.starts_after:
            qs = qs.filter(starts_at__gte=query.starts_after)
        if query.starts_before:
            qs = qs.filter(starts_at__lt=query.starts_before)
        if query.weekends_only:
            qs = qs.filter(starts_at__week_day__in=[1, 7])
        city = qs.prefetch_related("city") if nearest_first else qs.select_related("city")
        return city.prefetch_related("themes").annotate(**_cover())

    def near_queryset(self, query: DiscoveryQuery):
        qs = self._base(query, nearest_first=query.has_point)
        return qs.near(query.lat, query.lng, query.km) if query.has_point else qs

    def near(self, query: DiscoveryQuery) -> list[DiscoveryItem]:
        return [_item(e) for e in self.near_queryset(query)[: query.limit]]

    def search(self, text: str, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        matching = corrected_query(text)
        if matching is None:
            return []
        qs = best_first(self._base(query), matching)
        if query.has_point:  # equal relevance is then broken by distance
            qs = qs.with_distance(query.lat, query.lng)
        return [_item(e) for e in qs[: query.limit]]

    def featured(self, *, limit: int) -> list[DiscoveryItem]:
        """The soonest NCZ Day editions and events."""
        qs = (
            self._public()
            .select_related("city")
            .prefetch_related("themes")
            .annotate(**_cover())
            .order_by("starts_at", "pk")
        )
        return [_item(e) for e in qs[:limit]]

    def for_member(self, member, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        """Upcoming events on the member's interests they have not answered yet, near them when possible."""
        interests = {t.pk: t.name for t in member.interests.all()}
        if not interests:
            return []
        qs = self._base(query).for_themes(list(interests)).exclude(rsvps__member=member)
        lat, lng = (query.lat, query.lng) if query.has_point else (member.latitude, member.longitude)
        if lat is not None and lng is not None:
            qs = qs.near(lat, lng, query.km)
        items = []
        for event in qs[: query.limit]:
            names = [interests[t.pk] for t in event.themes.all() if t.pk in interests]
            items.append(_item(event, reason=_("Matches your interest in %(theme)s") % {"theme": names[0]}))
        return items

    def activity(self, member_ids, *, limit: int) -> list[ActivityItem]:
        rsvps = (
            RSVP.objects.going_by(member_ids)
            .select_related("member", "event", "event__city")
            .prefetch_related("event__themes")
            .annotate(**_cover("event_id", "event__series_id"))
            .order_by(newest_first("created_at"))[:limit]
        )
        for r in rsvps:
            hand_cover(r, to=r.event)
        return [ActivityItem.by(r.member, _("is going to"), _item(r.event), r.created_at) for r in rsvps]

    def activity_dates(self, member_ids) -> list:
        """The actions ``activity()`` may list, dated (``at``) and marked ``public`` when it lists them."""
        return [RSVP.objects.going_by_dated(member_ids)]

    def digest(self, member, *, since: datetime) -> list[DiscoveryItem]:
        theme_ids = tuple(member.interests.values_list("pk", flat=True))
        qs = self._base(DiscoveryQuery(theme_ids=theme_ids)).filter(created_at__gte=since)
        if member.latitude is not None:
            qs = qs.near(member.latitude, member.longitude, 50)
        return [_item(e) for e in qs[:10]]

    def features(
        self, *, city_id=None, bbox=None, limit: int = 1000, before: int | None = None
    ) -> list[DiscoveryItem]:
        """Located upcoming public events, newest first, for the open-data GeoJSON feeds."""
        qs = feature_rows(self._public(), city_id=city_id, bbox=bbox, before=before).order_by("-pk")
        return [
            _item(e)
            for e in qs.select_related("city").prefetch_related("themes").annotate(**_cover())[:limit]
        ]
