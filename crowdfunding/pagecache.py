"""The writes that change the projects' anonymous pages (``civic.core.pagecache``).

``project:<pk>`` is one project's page, ``project`` every list, map and feed of projects. A
pledge or a time offer changes the project's page at once; the funding list shows totals up to
``PAGE_CACHE_SECONDS`` old.
"""

from civic.core.pagecache import watch


def watch_pages() -> None:
    from crowdfunding.models import (
        Campaign,
        Feedback,
        MeetingProposal,
        Partner,
        Pledge,
        Project,
        ProjectPhoto,
        ProjectUpdate,
        RewardTier,
        TimeNeed,
        TimeOffer,
    )

    watch(Project, lambda p: [f"project:{p.pk}", "project"])
    watch(ProjectPhoto, lambda p: [f"project:{p.project_id}", "project"])
    watch(Campaign, lambda c: [f"project:{c.project_id}", "project"])
    for model in (ProjectUpdate, Feedback, MeetingProposal):
        watch(model, lambda obj: [f"project:{obj.project_id}"])
    for model in (RewardTier, TimeNeed, Partner, Pledge):
        watch(model, lambda obj: [f"project:{obj.campaign.project_id}"])
    watch(TimeOffer, lambda o: [f"project:{o.need.campaign.project_id}"])
