"""The catalogue's provider for civic.core.discovery (kind "initiative", action "Read").

Each call is one query for the rows plus one for their themes, whatever ``limit`` is.
"""

from __future__ import annotations

from django.utils.translation import gettext

from civic.core.discovery import DiscoveryItem, DiscoveryQuery
from initiatives.models import Initiative


class InitiativeProvider:
    kind = "initiative"

    def _base(self, query: DiscoveryQuery):
        qs = Initiative.objects.published().select_related("city").prefetch_related("themes")
        if query.theme_ids:
            qs = qs.filter(themes__in=query.theme_ids).distinct()
        return qs

    def _item(self, initiative: Initiative) -> DiscoveryItem:
        url = initiative.get_absolute_url()
        return DiscoveryItem(
            kind=self.kind,
            pk=initiative.pk,
            title=initiative.title,
            url=url,
            summary=initiative.summary,
            latitude=initiative.latitude,
            longitude=initiative.longitude,
            distance_m=getattr(initiative, "distance_m", None),
            when=initiative.published_at,
            city_name=initiative.city.name,
            theme_ids=tuple(t.pk for t in initiative.themes.all()),
            action_label=gettext("Read"),
            action_url=url,
            rank=float(getattr(initiative, "rank", 0.0) or 0.0),
            extra={"replication_count": initiative.replication_count, "featured": initiative.featured},
        )

    def near(self, query: DiscoveryQuery) -> list[DiscoveryItem]:
        qs = self._base(query)
        if query.lat is not None and query.lng is not None:
            qs = qs.near(query.lat, query.lng, query.km)
            if query.theme_ids:  # distinct() needs the ordering column selected: re-order here
                qs = qs.order_by("distance_m", "pk")
        else:
            qs = qs.order_by("-featured", "-published_at", "-pk")
        return [self._item(i) for i in qs[: query.limit]]

    def search(self, text: str, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        if not (text or "").strip():
            return []
        qs = self._base(query).search(text, ranked=True)
        if query.lat is not None and query.lng is not None:
            qs = qs.near(query.lat, query.lng, query.km)
        qs = qs.order_by("-rank", "-published_at", "-pk")
        return [self._item(i) for i in qs[: query.limit]]
