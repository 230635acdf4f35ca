"""The writes that change the projects' anonymous pages (``civic.core.pagecache``).

``project:<pk>`` is one project's page, ``project`` every list, map and feed of projects. A
pledge or a time offer changes the project's page at once; the funding list shows totals up to
``PAGE_CACHE_SECONDS`` old.
"""

from civic.core.pagecache import watch_item


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

    watch_item("project", Project, lists=True)
    watch_item("project", ProjectPhoto, Campaign, via="project_id", lists=True)
    watch_item("project", ProjectUpdate, Feedback, MeetingProposal, via="project_id")
    watch_item("project", RewardTier, TimeNeed, Partner, Pledge, via="campaign.project_id")
    watch_item("project", TimeOffer, via="need.campaign.project_id")
