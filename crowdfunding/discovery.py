"""Discovery provider "project": campaigns being funded (with their time needs), nearest first or
matching a search; the action is "Pledge" and ``when`` is the deadline. Two queries per call
(campaigns with projects and cities, then the projects' themes), whatever ``limit`` is."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from civic.core.discovery import DiscoveryItem, DiscoveryQuery, Kind, first_photo
from civic.core.search import best_first, corrected_query
from crowdfunding.models import CampaignStatus, Project, ProjectPhoto, TimeNeed

KIND = Kind(
    key="project",
    label=gettext_lazy("Projects to fund"),
    icon="lightbulb",
    order=30,
    index_url="crowdfunding:index",
    menu_label=gettext_lazy("Projects"),
    menu_order=30,
    intro=gettext_lazy("Shape and fund local projects with money or time."),
)


def _open_needs() -> Coalesce:
    """How many time needs of the project's campaign still want people, as a correlated subquery:
    a COUNT over a join would GROUP BY every open project before the ORDER BY ... LIMIT (all 3,328
    of them read and aggregated for the home page's 4 soonest deadlines at scale 1, 175 ms), where
    the subquery lets PostgreSQL follow the deadline index and stop at the LIMIT."""
    wanted = (
        TimeNeed.objects.filter(
            campaign_id=OuterRef("current_campaign_id"), offers_count__lt=F("people_wanted")
        )
        .order_by()
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(wanted, output_field=IntegerField()), 0)


class ProjectProvider:
    kind = KIND

    def _filtered(self, query: DiscoveryQuery):
        """Public projects funding now that match the query's filters (no joins for display)."""
        qs = Project.objects.public().filter(
            current_campaign__status=CampaignStatus.OPEN,
            current_campaign__deadline__gt=timezone.now(),
        )
        if query.theme_ids:
            qs = qs.filter(themes__in=query.theme_ids).distinct()
        if query.starts_after:
            qs = qs.filter(current_campaign__deadline__gte=query.starts_after)
        if query.starts_before:
            qs = qs.filter(current_campaign__deadline__lte=query.starts_before)
        return qs

    def _base(self, query: DiscoveryQuery):
        return (
            self._filtered(query)
            .select_related("city", "current_campaign")
            .prefetch_related("themes")
            .annotate(
                **first_photo(ProjectPhoto.objects.filter(project=OuterRef("pk")).order_by("position", "id"))
            )
            .annotate(open_needs=_open_needs())
        )

    def _item(self, project) -> DiscoveryItem:
        campaign = project.current_campaign
        return KIND.item(
            project,
            summary=project.summary,
            when=campaign.deadline,
            action_label=gettext("Pledge"),
            action_url=reverse("crowdfunding:pledge_create", args=[campaign.pk]),
            extra={
                "raised_cents": campaign.raised_cents,
                "goal_cents": campaign.goal_cents,
                "percent": campaign.percent,
                "backers": campaign.backers_count,
                "open_time_needs": project.open_needs,
            },
        )

    def near_queryset(self, query: DiscoveryQuery):
        qs = self._base(query)
        if query.lat is not None and query.lng is not None:
            return qs.near(query.lat, query.lng, query.km)
        return qs.order_by("current_campaign__deadline")

    def near(self, query: DiscoveryQuery) -> list[DiscoveryItem]:
        return [self._item(p) for p in self.near_queryset(query)[: query.limit]]

    def search(self, text: str, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        matching = corrected_query(text)
        if matching is None:
            return []
        qs = best_first(self._base(query), matching, pool=self._filtered(query))
        if query.has_point:  # equal relevance is then broken by distance
            qs = qs.with_distance(query.lat, query.lng)
        return [self._item(p) for p in qs[: query.limit]]

    def featured(self, *, limit: int) -> list[DiscoveryItem]:
        """Campaigns being funded whose deadline comes first (they need backers soonest)."""
        return [
            self._item(p) for p in self._base(DiscoveryQuery()).order_by("current_campaign__deadline")[:limit]
        ]
