"""The writes that change the missions' anonymous pages (``civic.core.pagecache``).

``mission:<pk>`` is one mission's page; ``mission`` is every list, map and feed of missions (and
the home page). A join or cancellation changes the mission's page at once; lists show the places
left up to ``PAGE_CACHE_SECONDS`` old.
"""

from civic.core.pagecache import watch_item


def watch_pages() -> None:
    from volunteering.models import Mission, Participation, Slot

    watch_item("mission", Mission, lists=True)
    watch_item("mission", Slot, via="mission_id", lists=True)
    watch_item("mission", Participation, via="slot.mission_id")
