"""The "initiative" provider for the home page, search, suggestions, follow feed, digest and open
data (civic.core.discovery). Action "Read". Every method costs a fixed number of queries (the rows,
then their themes; plus one for the typo corrections in ``search``), whatever ``limit`` is."""

from __future__ import annotations

from datetime import datetime

from django.db.models import OuterRef, Prefetch
from django.utils.translation import gettext, gettext_lazy

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
from civic.core.models import Theme
from civic.core.search import best_first, corrected_query
from initiatives.models import Initiative, InitiativePhoto, ReplicationIntent

KIND = Kind(
    key="initiative",
    label=gettext_lazy("Initiatives"),
    icon="sparkles",
    order=50,
    index_url="initiatives:index",
    menu_label=gettext_lazy("Initiatives"),
    menu_order=10,
    intro=gettext_lazy(
        "Get inspired by local initiatives from around the world, and start one in your city."
    ),
    open_data="initiatives",
)


def _item(initiative: Initiative, reason: str = "") -> DiscoveryItem:
    return KIND.item(
        initiative,
        summary=initiative.summary,
        when=initiative.published_at,
        date_only=True,
        action_label=gettext("Read"),
        reason=reason,
        extra={"replication_count": initiative.replication_count, "featured": initiative.featured},
    )


def _cover(ref: str = "pk"):
    photos = InitiativePhoto.objects.filter(initiative=OuterRef(ref)).order_by("position", "pk")
    return first_photo(photos)


def _with_relations(qs):
    return (
        qs.select_related("city")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by()))
        .annotate(**_cover())
    )


class InitiativeProvider:
    kind = KIND

    def _base(self, query: DiscoveryQuery):
        qs = Initiative.objects.published().for_themes(query.theme_ids)
        if query.city_id:
            qs = qs.filter(city_id=query.city_id)
        return _with_relations(qs)

    def near_queryset(self, query: DiscoveryQuery):
        qs = self._base(query)
        if query.has_point:
            return qs.near(query.lat, query.lng, query.km)
        return qs.order_by("-featured", "-published_at", "-pk")

    def near(self, query: DiscoveryQuery) -> list[DiscoveryItem]:
        return [_item(i) for i in self.near_queryset(query)[: query.limit]]

    def search(self, text: str, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        matching = corrected_query(text)
        if matching is None:
            return []
        qs = self._base(query)
        if query.has_point:
            qs = qs.near(query.lat, query.lng, query.km)
        qs = best_first(qs, matching)
        return [_item(i) for i in qs[: query.limit]]

    def featured(self, *, limit: int) -> list[DiscoveryItem]:
        """Initiatives the editors featured, newest first (the home page shows them)."""
        qs = _with_relations(Initiative.objects.published().filter(featured=True))
        return [_item(i) for i in qs.order_by("-published_at", "-pk")[:limit]]

    def for_member(self, member, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        """Initiatives on the member's interests, near them, that they neither follow nor replicate."""
        interests = {t.pk: t.name for t in member.interests.all()}
        if not interests:
            return []
        qs = (
            self._base(DiscoveryQuery(theme_ids=tuple(interests), city_id=query.city_id))
            .exclude(follows__member=member)
            .exclude(replications__member=member)
            .exclude(spotter=member)
        )
        lat, lng = (query.lat, query.lng) if query.has_point else (member.latitude, member.longitude)
        if lat is not None and lng is not None:
            qs = qs.near(lat, lng, query.km)
        else:
            qs = qs.order_by("-published_at", "-pk")
        items = []
        for initiative in qs[: query.limit]:
            names = [interests[t.pk] for t in initiative.themes.all() if t.pk in interests]
            reason = gettext("Matches your interest in %(theme)s") % {"theme": names[0]} if names else ""
            items.append(_item(initiative, reason=reason))
        return items

    def activity(self, member_ids, *, limit: int) -> list[ActivityItem]:
        """Followed members who spotted a published initiative or want to start one in their city."""
        spotted = _with_relations(
            Initiative.objects.spotted_by(member_ids).select_related("spotter")
        ).order_by(newest_first("published_at"))[:limit]
        wishes = (
            ReplicationIntent.objects.wished_by(member_ids)
            .select_related("member", "initiative", "initiative__city")
            .prefetch_related(Prefetch("initiative__themes", queryset=Theme.objects.order_by()))
            .annotate(**_cover("initiative_id"))
            .order_by(newest_first("created_at"))[:limit]
        )
        for w in wishes:
            hand_cover(w, to=w.initiative)
        items = [ActivityItem.by(i.spotter, gettext("spotted"), _item(i), i.published_at) for i in spotted]
        items += [
            ActivityItem.by(
                w.member, gettext("wants to start in their city"), _item(w.initiative), w.created_at
            )
            for w in wishes
        ]
        items.sort(key=lambda a: a.at, reverse=True)
        return items[:limit]

    def activity_dates(self, member_ids) -> list:
        """The actions ``activity()`` may list, dated (``at``) and marked ``public`` when it lists them."""
        return [
            Initiative.objects.spotted_by_dated(member_ids),
            ReplicationIntent.objects.wished_by_dated(member_ids),
        ]

    def digest(self, member, *, since: datetime) -> list[DiscoveryItem]:
        """Initiatives published since ``since`` on the member's interests (near them if they have a point)."""
        theme_ids = tuple(member.interests.values_list("pk", flat=True))
        qs = self._base(DiscoveryQuery(theme_ids=theme_ids)).filter(published_at__gte=since)
        if member.latitude is not None and member.longitude is not None:
            qs = qs.near(member.latitude, member.longitude, 50).order_by("distance_m", "pk")
        else:
            qs = qs.order_by("-published_at", "-pk")
        return [_item(i) for i in qs[:10]]

    def features(
        self, *, city_id=None, bbox=None, limit: int = 1000, before: int | None = None
    ) -> list[DiscoveryItem]:
        """Located published initiatives, newest first, for the open-data GeoJSON feeds."""
        qs = feature_rows(Initiative.objects.published(), city_id=city_id, bbox=bbox, before=before)
        return [_item(i) for i in _with_relations(qs).order_by("-pk")[:limit]]
