"""Discovery provider "proposal": open, public proposals for the home page, search and digest.

Each call is one query whatever ``limit`` is (the city is selected with the proposal)."""

from __future__ import annotations

from django.db.models import OuterRef
from django.db.models.functions import Left
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

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
from participation.models import Proposal, ProposalPhoto, ProposalStatus, Support

OPEN_STATUSES = (ProposalStatus.OPEN, ProposalStatus.UNDER_STUDY)


KIND = Kind(
    key="proposal",
    label=gettext_lazy("Proposals"),
    icon="megaphone",
    order=40,
    index_url="participation:index",
    menu_label=gettext_lazy("Proposals"),
    menu_order=40,
    intro=gettext_lazy("Tell your city hall what you expect, and read its answers."),
)


def _base():
    return (
        Proposal.objects.visible()
        .filter(city__participation_space__is_active=True)
        .select_related("city", "theme")
        .annotate(summary=Left("text", 800), **_cover("pk"))
        .defer("text", "search_vector")
    )


def _cover(ref: str) -> dict:
    """The first photo's file names and description, selected with the proposal (no query of its own)."""
    return first_photo(ProposalPhoto.objects.filter(proposal=OuterRef(ref)).order_by("position", "pk"))


def _item(p: Proposal, reason: str = "") -> DiscoveryItem:
    return KIND.item(
        p,
        summary=p.summary,
        when=p.created_at,
        date_only=True,
        action_label=_("Support"),
        action_url="#support-title",
        themes=[p.theme],
        reason=reason,
        extra={"supports": p.supports_count, "status": p.status},
    )


class ProposalProvider:
    kind = KIND

    def _filter(self, qs, query: DiscoveryQuery):
        if query.theme_ids:
            qs = qs.filter(theme_id__in=query.theme_ids)
        if query.city_id:
            qs = qs.filter(city_id=query.city_id)
        return qs

    def near_queryset(self, query: DiscoveryQuery):
        qs = self._filter(_base().filter(status__in=OPEN_STATUSES), query)
        if query.lat is not None and query.lng is not None:
            return qs.near(query.lat, query.lng, query.km)
        return qs.order_by("-created_at", "-id")

    def near(self, query: DiscoveryQuery) -> list[DiscoveryItem]:
        return [_item(p) for p in self.near_queryset(query)[: query.limit]]

    def search(self, text: str, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        if not (text or "").strip():
            return []
        matching = corrected_query(text)
        if matching is None:
            return []
        qs = best_first(self._filter(_base(), query), matching)
        if query.lat is not None and query.lng is not None:
            qs = qs.with_distance(query.lat, query.lng)
        return [_item(p) for p in qs[: query.limit]]

    def featured(self, *, limit: int) -> list[DiscoveryItem]:
        """The most supported open proposals of all cities."""
        qs = _base().filter(status__in=OPEN_STATUSES).order_by("-supports_count", "-id")
        return [_item(p) for p in qs[:limit]]

    def for_member(self, member, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        """Open proposals of the member's city on their interests that they do not support yet."""
        interests = {t.pk: t.name for t in member.interests.all()}
        city_id = query.city_id or member.home_city_id
        if not interests or not city_id:
            return []
        qs = (
            _base()
            .filter(status__in=OPEN_STATUSES, city_id=city_id, theme_id__in=list(interests))
            .exclude(supports__member=member)
            .order_by("-supports_count", "-id")
        )
        return [
            _item(p, reason=_("Matches your interest in %(theme)s") % {"theme": interests[p.theme_id]})
            for p in qs[: query.limit]
        ]

    def activity(self, member_ids, *, limit: int) -> list[ActivityItem]:
        """Supports given by followed members to public proposals, newest first."""
        supports = (
            Support.objects.given_by(member_ids)
            .select_related("member", "proposal__city", "proposal__theme")
            .defer("proposal__text", "proposal__search_vector")
            .annotate(**_cover("proposal_id"))
            .order_by(newest_first("created_at"))[:limit]
        )
        items = []
        for s in supports:
            s.proposal.summary = ""
            hand_cover(s, to=s.proposal)
            items.append(
                ActivityItem.by(s.member, pgettext("activity", "supports"), _item(s.proposal), s.created_at)
            )
        return items

    def activity_dates(self, member_ids) -> list:
        """The actions ``activity()`` may list, dated (``at``) and marked ``public`` when it lists them."""
        return [Support.objects.given_by_dated(member_ids)]

    def digest(self, member, *, since) -> list[DiscoveryItem]:
        """New open proposals of the member's city since ``since``, most supported first."""
        if not member.home_city_id:
            return []
        qs = _base().filter(status__in=OPEN_STATUSES, city_id=member.home_city_id, created_at__gte=since)
        return [_item(p) for p in qs.order_by("-supports_count", "-id")[:10]]

    def features(self, *, city_id=None, bbox=None, limit: int = 1000, before=None) -> list[DiscoveryItem]:
        """Located public proposals for the open-data GeoJSON feeds, newest first like every feed, so
        ``before`` (the last id of the previous page) pages on as it does for the other kinds."""
        qs = feature_rows(_base(), city_id=city_id, bbox=bbox, before=before)
        return [_item(p) for p in qs.order_by("-id")[:limit]]
