"""Discovery provider "proposal": open, public proposals for the home page, search and digest.

Each call is one query whatever ``limit`` is (the city is selected with the proposal)."""

from __future__ import annotations

from django.db.models.functions import Left
from django.urls import reverse
from django.utils.translation import gettext as _

from civic.core.discovery import DiscoveryItem, DiscoveryQuery
from participation.models import Proposal, ProposalStatus

OPEN_STATUSES = (ProposalStatus.OPEN, ProposalStatus.UNDER_STUDY)


def _base():
    return (
        Proposal.objects.visible()
        .filter(city__participation_space__is_active=True)
        .select_related("city")
        .annotate(summary=Left("text", 200))
        .defer("text", "search_vector")
    )


def _item(p: Proposal) -> DiscoveryItem:
    url = reverse("participation:proposal", args=[p.city.slug, p.pk])
    return DiscoveryItem(
        kind="proposal",
        pk=p.pk,
        title=p.title,
        url=url,
        summary=p.summary,
        latitude=p.latitude,
        longitude=p.longitude,
        distance_m=getattr(p, "distance_m", None),
        when=p.created_at,
        city_name=p.city.name,
        theme_ids=(p.theme_id,),
        action_label=_("Support"),
        action_url=f"{url}#support-title",
        rank=float(getattr(p, "rank", 0.0) or 0.0) + float(getattr(p, "similarity", 0.0) or 0.0),
        extra={"supports": p.supports_count, "status": p.status},
    )


class ProposalProvider:
    def _filter(self, qs, query: DiscoveryQuery):
        if query.theme_ids:
            qs = qs.filter(theme_id__in=query.theme_ids)
        return qs

    def near(self, query: DiscoveryQuery) -> list[DiscoveryItem]:
        qs = self._filter(_base().filter(status__in=OPEN_STATUSES), query)
        if query.lat is not None and query.lng is not None:
            qs = qs.near(query.lat, query.lng, query.km)
        else:
            qs = qs.order_by("-created_at", "-id")
        return [_item(p) for p in qs[: query.limit]]

    def search(self, text: str, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        if not (text or "").strip():
            return []
        qs = self._filter(_base(), query).search(text)
        if query.lat is not None and query.lng is not None:
            qs = qs.with_distance(query.lat, query.lng)
        return [_item(p) for p in qs[: query.limit]]
