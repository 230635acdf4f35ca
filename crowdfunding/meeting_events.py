"""An accepted meeting about a project becomes an event: listed, searchable, on the map, with RSVPs
and .ics, like any other.

Crowdfunding asks the events app's public services (``events.services.linked_event_create`` and
``published_event_urls``): crowdfunding → events is the only direction between the two apps. The
event links back to the project by a generic reference, so events imports nothing of crowdfunding.
Without the events app installed, an accepted meeting stays a line on the project page.
"""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps

from crowdfunding.models import MeetingProposal

# A meeting proposal has a start only; its event lasts this long (the organiser may change it).
MEETING_LENGTH = timedelta(hours=2)


def meeting_event_create(*, meeting: MeetingProposal, by) -> int | None:
    """Make the accepted ``meeting`` an event in its project's city (its clock, its point, its
    themes, organised by ``by``, the holder who accepted) and remember its id; returns that id, or
    None without the events app. Idempotent: the event's source key is the meeting, so asking twice
    gives the same event. Call it inside the transaction that accepts the meeting (reads
    ``meeting.project`` and its city, themes and organisation)."""
    if not apps.is_installed("events"):
        return None
    from events.services import linked_event_create

    project = meeting.project
    start = meeting.starts_at.astimezone(project.city.timezone)  # its wall clock in the city
    event = linked_event_create(
        source_key=f"crowdfunding.meeting:{meeting.pk}",
        created_by=by,
        data={
            "title": meeting.purpose,
            "city": project.city,
            "place_name": meeting.place,
            "point": project.point,
            "starts_at": start,
            "ends_at": start + MEETING_LENGTH,
            "organization": project.holder_organization,
        },
        link_to=project,
        themes=list(project.themes.all()),
    )
    MeetingProposal.objects.filter(pk=meeting.pk).update(event_id=event.pk)
    meeting.event_id = event.pk
    return event.pk


def meeting_event_urls(meetings) -> dict[int, str]:
    """``{meeting pk: page of its event}`` for meetings that became a published event (one query,
    none when no meeting has an event or the events app is not installed)."""
    by_event = {m.event_id: m.pk for m in meetings if m.event_id}
    if not by_event or not apps.is_installed("events"):
        return {}
    from events.services import published_event_urls

    return {by_event[pk]: url for pk, url in published_event_urls(by_event).items()}
