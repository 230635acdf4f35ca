"""The writes that change the missions' anonymous pages (``civic.core.pagecache``).

``mission:<pk>`` is one mission's page; ``mission`` is every list, map and feed of missions (and
the home page). A join or cancellation changes the mission's page at once; lists show the places
left up to ``PAGE_CACHE_SECONDS`` old.
"""

from civic.core.pagecache import watch


def watch_pages() -> None:
    from volunteering.models import Mission, Participation, Slot

    watch(Mission, lambda m: [f"mission:{m.pk}", "mission"])
    watch(Slot, lambda s: [f"mission:{s.mission_id}", "mission"])
    watch(Participation, lambda p: [f"mission:{p.slot.mission_id}"])
