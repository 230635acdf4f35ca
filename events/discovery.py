"""The "event" provider for the home page, the global search and the digest (civic.core.discovery)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from civic.core.discovery import DiscoveryItem, DiscoveryQuery
from events.models import Event


def _item(event: Event, rank: float = 0.0) -> DiscoveryItem:
    return DiscoveryItem(
        kind="event",
        pk=event.pk,
        title=event.title,
        url=event.get_absolute_url(),
        summary=(event.description or "")[:200],
        latitude=event.latitude,
        longitude=event.longitude,
        distance_m=getattr(event, "distance_m", None),
        when=event.starts_at,
        city_name=event.city.name,
        theme_ids=tuple(t.pk for t in event.themes.all()),
        action_label=_("RSVP"),
        action_url=event.get_absolute_url(),
        rank=float(getattr(event, "rank", 0.0) or 0.0),
        extra={"kind": event.kind, "seats_left": event.seats_left},
    )


class EventProvider:
    """Upcoming, published, not cancelled events. Two queries per call (events, themes)."""

    def _base(self, query: DiscoveryQuery):
        qs = Event.objects.published().filter(is_cancelled=False).upcoming()
        if query.theme_ids:
            qs = qs.filter(themes__in=query.theme_ids).distinct()
        if query.starts_after:
            qs = qs.filter(starts_at__gte=query.starts_after)
        if query.starts_before:
            qs = qs.filter(starts_at__lt=query.starts_before)
        if query.weekends_only:
            qs = qs.filter(starts_at__week_day__in=[1, 7])
        return qs.select_related("city").prefetch_related("themes")

    def near(self, query: DiscoveryQuery) -> list[DiscoveryItem]:
        qs = self._base(query)
        if query.lat is not None and query.lng is not None:
            qs = qs.near(query.lat, query.lng, query.km)
        return [_item(e) for e in qs[: query.limit]]

    def search(self, text: str, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        qs = self._base(query).search(text)
        return [_item(e, getattr(e, "rank", 0.0)) for e in qs[: query.limit]]
