"""The writes that change the initiatives' anonymous pages (``civic.core.pagecache``).

``initiative:<pk>`` is one initiative's page, ``initiative`` every list, map and feed of
initiatives. A follow, a replication or a reviewed contribution changes the initiative's page at
once; lists show counts up to ``PAGE_CACHE_SECONDS`` old.
"""

from civic.core.pagecache import watch


def watch_pages() -> None:
    from initiatives.models import (
        Initiative,
        InitiativeFollow,
        InitiativePhoto,
        Portrait,
        PracticalTip,
        ReplicationIntent,
        VideoReport,
    )

    watch(Initiative, lambda i: [f"initiative:{i.pk}", "initiative"])
    watch(InitiativePhoto, lambda p: [f"initiative:{p.initiative_id}", "initiative"])
    for model in (Portrait, PracticalTip, VideoReport, ReplicationIntent, InitiativeFollow):
        watch(model, lambda obj: [f"initiative:{obj.initiative_id}"])
