"""The writes that change the initiatives' anonymous pages (``civic.core.pagecache``).

``initiative:<pk>`` is one initiative's page, ``initiative`` every list, map and feed of
initiatives. A follow, a replication or a reviewed contribution changes the initiative's page at
once; lists show counts up to ``PAGE_CACHE_SECONDS`` old.
"""

from civic.core.pagecache import watch_item


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

    watch_item("initiative", Initiative, lists=True)
    watch_item("initiative", InitiativePhoto, via="initiative_id", lists=True)
    contents = (Portrait, PracticalTip, VideoReport, ReplicationIntent, InitiativeFollow)
    watch_item("initiative", *contents, via="initiative_id")
