"""The "mission" provider for civic.core.discovery (home page, global search, digest)."""

from __future__ import annotations

from django.contrib.postgres.search import SearchRank, TrigramSimilarity
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils.translation import gettext as _

from civic.core.discovery import DiscoveryItem, DiscoveryQuery
from civic.core.search import search_query
from volunteering.models import Mission

TRIGRAM_THRESHOLD = 0.3


def _availability(query: DiscoveryQuery) -> tuple[str, ...]:
    if query.weekends_only:
        return ("weekend_morning", "weekend_afternoon", "weekend_evening")
    return ()


def _base(query: DiscoveryQuery):
    qs = (
        Mission.objects.published()
        .for_themes(query.theme_ids)
        .with_next_slot(
            availability=_availability(query),
            date_from=query.starts_after.date() if query.starts_after else None,
            date_to=query.starts_before.date() if query.starts_before else None,
            only_matching=True,
        )
        .prefetch_related("city", "themes")
    )
    return qs


def _item(mission: Mission, rank: float = 0.0) -> DiscoveryItem:
    url = reverse("volunteering:mission_detail", args=[mission.pk])
    return DiscoveryItem(
        kind="mission",
        pk=mission.pk,
        title=mission.title,
        url=url,
        summary=(mission.description or "")[:200],
        latitude=mission.latitude,
        longitude=mission.longitude,
        distance_m=getattr(mission, "distance_m", None),
        when=mission.next_slot_at,
        city_name=mission.city.name,
        theme_ids=tuple(t.pk for t in mission.themes.all()),
        action_label=_("Join"),
        action_url=url + (f"#slot-{mission.next_slot_id}" if mission.next_slot_id else ""),
        rank=float(rank),
        extra={"places_left": mission.places_left, "organization_id": mission.organization_id},
    )


class MissionProvider:
    """Three queries per call (missions, their cities, their themes), whatever ``limit`` is."""

    def near(self, query: DiscoveryQuery) -> list[DiscoveryItem]:
        qs = _base(query)
        if query.lat is not None and query.lng is not None:
            qs = qs.nearest(query.lat, query.lng, query.km)
        else:
            qs = qs.order_by("-pk")
        return [_item(m) for m in qs[: query.limit]]

    def search(self, text: str, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        text = (text or "").strip()
        if not text:
            return []
        ts_query = search_query(text)
        similarity = Greatest(
            TrigramSimilarity("title_fr", text),
            TrigramSimilarity("title_en", text),
            TrigramSimilarity("title_es", text),
        )
        qs = _base(query)
        if query.lat is not None and query.lng is not None:
            qs = qs.with_distance(query.lat, query.lng)
        qs = (
            qs.annotate(rank=SearchRank(F("search_vector"), ts_query), similarity=similarity)
            .filter(Q(search_vector=ts_query) | Q(similarity__gte=TRIGRAM_THRESHOLD))
            .order_by("-rank", "-similarity", "pk")
        )
        return [_item(m, m.rank + m.similarity) for m in qs[: query.limit]]
