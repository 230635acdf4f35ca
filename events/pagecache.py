"""The writes that change the events' and NCZ Days' anonymous pages (``civic.core.pagecache``).

``event:<pk>`` is one event's page, ``event`` every list, calendar, map and feed of events,
``days`` the NCZ Day pages' own content (days, editions, featured initiatives, kits). An RSVP changes
the event's page at once; lists and the NCZ Day totals show seats and participants up to
``PAGE_CACHE_SECONDS`` old.
"""

from civic.core.pagecache import watch, watch_item


def watch_pages() -> None:
    from events.models import (
        RSVP,
        CityEdition,
        Event,
        EventReport,
        EventSeries,
        FeaturedInitiative,
        KitFile,
        MobilisationDay,
        ReportPhoto,
    )

    watch_item("event", Event, lists=True)
    watch(EventSeries, lambda s: ["event"])
    watch_item("event", RSVP, via="event_id")
    # Reports are shown on the pages of the initiatives and projects they are linked to too.
    watch_item("event", EventReport, via="event_id", lists=True)
    watch(ReportPhoto, lambda p: ["event"])
    watch(CityEdition, lambda e: [f"event:{e.event_id}", "days"])
    for model in (MobilisationDay, FeaturedInitiative, KitFile):
        watch(model, lambda obj: ["days"])
