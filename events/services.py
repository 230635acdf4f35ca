"""Every write on events that matters: one transaction each, ``full_clean()`` before saving.

Capacity rule: ``Event.seats_taken`` counts the seats (member + guests) of "going" RSVPs. It only changes
while the event row is locked (``select_for_update``), so concurrent RSVPs queue on the lock and the
capacity is never exceeded; a CHECK constraint backs this up in the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civic.core import outbox
from civic.core.models import AuditEntry
from civic.core.permissions import NotAllowed
from civic.core.photos import attach_photo
from civic.core.services import log_action
from civic.notifications.services import notify
from events import rules
from events.models import (
    MAX_EVENT_DAYS,
    MAX_EVENT_LENGTH,
    RSVP,
    BoardReply,
    CityEdition,
    CommunityBoardEntry,
    Event,
    EventReport,
    EventSeries,
    FeedToken,
    MobilisationDay,
    ReportPhoto,
)

MAX_OCCURRENCES = 60
MAX_GUESTS = 5
EDITION_DEFAULT_DURATION = timedelta(hours=3)

EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "city",
    "place_name",
    "point",
    "is_online",
    "online_url",
    "starts_at",
    "ends_at",
    "capacity",
    "organization",
    "languages",
    "link_url",
    "link_title",
)


def local_to_aware(value: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time typed in ``tz`` (naive, or aware in any zone: its wall clock is kept) → aware."""
    return value.replace(tzinfo=None).replace(tzinfo=tz)


def _check_times(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if starts_at and ends_at and ends_at - starts_at > MAX_EVENT_LENGTH:
        raise ValidationError({"ends_at": too_long_message()})


def too_long_message() -> str:
    return _("An event lasts %(days)d days at most: make a longer activity a series of events.") % {
        "days": MAX_EVENT_DAYS
    }


def _occurrence_starts(first: datetime, frequency: str, until: date, exceptions: set[date]) -> list[datetime]:
    """Local wall-clock starts of a series (naive), first included, exceptions skipped."""
    starts = []
    for i in range(MAX_OCCURRENCES * 2):
        if frequency == EventSeries.Frequency.WEEKLY:
            candidate = first + timedelta(weeks=i)
        else:
            candidate = first + relativedelta(months=i)  # 31 Jan → 28/29 Feb, never skips a month
        if candidate.date() > until or len(starts) >= MAX_OCCURRENCES:
            break
        if candidate.date() not in exceptions:
            starts.append(candidate)
    return starts


@transaction.atomic
def event_create(
    *,
    created_by,
    data: dict,
    themes: Iterable = (),
    organisers: Iterable = (),
    repeat: str = "",
    until: date | None = None,
    exceptions: Iterable[date] = (),
) -> Event:
    """Create an event, or a weekly/monthly series of events (returns the first occurrence).

    ``data["starts_at"]`` / ``["ends_at"]`` are wall-clock times in the city's timezone (naive or
    aware: the wall clock is kept). Raises ``ValidationError`` (nothing saved) or ``NotAllowed``.
    """
    if not rules.may_create_event(created_by):
        raise NotAllowed
    city = data["city"]
    tz = city.timezone
    start_local, end_local = data["starts_at"].replace(tzinfo=None), data["ends_at"].replace(tzinfo=None)
    _check_times(start_local, end_local)
    if data.get("organization") and not (
        created_by.is_staff or data["organization"].pk in _org_ids(created_by)
    ):
        raise ValidationError({"organization": _("You can only publish for an organisation you belong to.")})
    series = None
    if repeat:
        if until is None or until < start_local.date():
            raise ValidationError({"until": _("The series must end on or after the first date.")})
        series = EventSeries(frequency=repeat, until=until, exceptions=sorted(set(exceptions)))
        series.full_clean()
        series.save()
        starts = _occurrence_starts(start_local, repeat, until, set(series.exceptions))
        if not starts:
            raise ValidationError({"exceptions": _("Every date of the series is skipped.")})
    else:
        starts = [start_local]
    duration = end_local - start_local
    created = []
    for local_start in starts:
        fields = {
            k: v for k, v in data.items() if k in EVENT_FIELDS or k.startswith(("title_", "description_"))
        }
        fields["starts_at"] = local_to_aware(local_start, tz)
        fields["ends_at"] = local_to_aware(local_start + duration, tz)
        event = Event(**fields, created_by=created_by, series=series)
        event.full_clean()
        event.save()
        event.themes.set(themes)
        event.organisers.set({created_by, *organisers})
        created.append(event)
    log_action(
        "events.event.created", target=created[0], actor=created_by, data={"occurrences": len(created)}
    )
    return created[0]


@transaction.atomic
def linked_event_create(
    *, source_key: str, created_by, data: dict, link_to=None, themes: Iterable = ()
) -> Event:
    """Public service for other apps: the event that stands for something of theirs (an accepted
    meeting about a crowdfunding project), created once per ``source_key`` ("crowdfunding.meeting:12").
    Asking again, even from a parallel transaction, returns the same event: a unique constraint on
    ``source_key`` decides. ``data`` is as for ``event_create`` (one occurrence; times are wall-clock
    times in ``data["city"]``'s time zone). ``link_to`` is the object the event links back to (a
    generic reference: the event page shows it, events imports nothing of its app).

    The calling app has decided with its own rules who may do this (a project holder need not be
    allowed to create events of their own), so ``rules.may_create_event`` is not asked here.
    Raises ``ValidationError`` (nothing saved)."""
    existing = Event.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    tz = data["city"].timezone
    start_local, end_local = data["starts_at"].replace(tzinfo=None), data["ends_at"].replace(tzinfo=None)
    _check_times(start_local, end_local)
    fields = {k: v for k, v in data.items() if k in EVENT_FIELDS or k.startswith(("title_", "description_"))}
    fields["starts_at"], fields["ends_at"] = local_to_aware(start_local, tz), local_to_aware(end_local, tz)
    if link_to is not None:
        from django.contrib.contenttypes.models import ContentType

        fields["link_content_type"] = ContentType.objects.get_for_model(link_to)
        fields["link_object_id"] = link_to.pk
    event = Event(**fields, created_by=created_by, source_key=source_key)
    # The unique constraint is left to the INSERT: a parallel call may commit between here and there.
    event.full_clean(exclude=["source_key"])
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError as error:
        if "events_event_source_key" not in str(error):
            raise
        return Event.objects.get(source_key=source_key)
    event.themes.set(themes)
    event.organisers.set([created_by])
    log_action("events.event.created", target=event, actor=created_by, data={"source": source_key})
    return event


def published_event_urls(event_ids: Iterable[int]) -> dict[int, str]:
    """Public service for other apps: ``{pk: page}`` of the published events among ``event_ids``
    (one query), to link to events they asked for without naming events' URLs."""
    ids = [pk for pk in event_ids if pk]
    if not ids:
        return {}
    found = Event.objects.published().filter(pk__in=ids).values_list("pk", flat=True)
    return {pk: reverse("events:detail", args=[pk]) for pk in found}


@transaction.atomic
def organiser_add(*, event: Event, member) -> None:
    """``member`` becomes an organiser of ``event``. Called when they accept the invitation the
    admin sent; nobody is made an organiser without it. Adding twice changes nothing."""
    event.organisers.add(member)
    log_action("events.event.organiser", target=event, actor=member, data={"member": member.pk})


def _org_ids(user) -> set[int]:
    from civic.organizations.rules import organization_ids_of

    return organization_ids_of(user)


@transaction.atomic
def event_update(*, event: Event, by, data: dict, themes: Iterable | None = None) -> Event:
    """Change an event; its capacity cannot drop below the seats already taken."""
    if not rules.may_manage_event(by, event):
        raise NotAllowed
    locked = Event.objects.select_for_update(of=("self",)).select_related("city").get(pk=event.pk)
    tz = data["city"].timezone if data.get("city") else locked.city.timezone
    for key, value in data.items():
        if key in ("starts_at", "ends_at") and value is not None:
            value = local_to_aware(value, tz)
        setattr(locked, key, value)
    _check_times(locked.starts_at, locked.ends_at)
    if locked.capacity is not None and locked.capacity < locked.seats_taken:
        raise ValidationError(
            {
                "capacity": _(
                    "%(taken)d seats are already taken: the capacity cannot be lower. "
                    "Cancel RSVPs first or keep a larger capacity."
                )
                % {"taken": locked.seats_taken}
            }
        )
    locked.full_clean()
    locked.save()
    if themes is not None:
        locked.themes.set(themes)
    _promote_waiting(locked)
    log_action("events.event.updated", target=locked, actor=by, data={"fields": sorted(data)})
    return locked


@transaction.atomic
def event_cancel_occurrence(*, event: Event, by) -> Event:
    """Cancel one event; for a series occurrence, its date becomes an exception of the series."""
    if not rules.may_manage_event(by, event):
        raise NotAllowed
    locked = Event.objects.select_for_update(of=("self",)).select_related("city", "series").get(pk=event.pk)
    locked.is_cancelled = True
    locked.save(update_fields=["is_cancelled"])
    if locked.series_id:
        day = locked.local_start.date()
        if day not in locked.series.exceptions:
            locked.series.exceptions = sorted([*locked.series.exceptions, day])
            locked.series.save(update_fields=["exceptions"])
    # Everyone with an active RSVP now is told, by batch jobs recorded with the cancellation (each
    # in their language, once: the dedupe key), so cancelling a big event answers at once.
    from events import timeline

    timeline.enqueue_batches(
        list(locked.rsvps.active().order_by("member_id").values_list("member_id", flat=True)),
        "events.cancelled",
        {"event_id": locked.pk},
        locked.get_absolute_url(),
        f"events.cancelled:{locked.pk}",
    )
    log_action("events.event.cancelled", target=locked, actor=by)
    return locked


# --- RSVPs -----------------------------------------------------------------------------------------


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _fits(event: Event, seats: int) -> bool:
    return event.capacity is None or event.seats_taken + seats <= event.capacity


def _check_guests(event: Event, guests: int) -> None:
    if guests < 0 or guests > MAX_GUESTS:
        raise ValidationError(
            {"guests": _("You can bring between 0 and %(max)d guests.") % {"max": MAX_GUESTS}}
        )
    if event.capacity is not None and 1 + guests > event.capacity:
        raise ValidationError(
            {
                "guests": _("This event has %(capacity)d seats in all: you cannot bring %(guests)d guests.")
                % {"capacity": event.capacity, "guests": guests}
            }
        )


def _take_seats(event: Event, seats: int) -> None:
    Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + seats)
    event.seats_taken += seats


def _promote_waiting(event: Event) -> list[RSVP]:
    """Promote waiting RSVPs in FIFO order while the head of the queue fits (caller holds the lock)."""
    promoted = []
    for rsvp in event.rsvps.waiting().select_related("member"):
        if not _fits(event, rsvp.seats):
            break  # strict FIFO: nobody overtakes the head of the queue
        rsvp.status = RSVP.Status.GOING
        rsvp.save(update_fields=["status", "updated_at"])
        _take_seats(event, rsvp.seats)
        promoted.append(rsvp)
        notify(
            rsvp.member,
            "events.promoted",
            {"event_title": lambda: event.title, "event_id": event.pk},
            url=event.get_absolute_url,
        )
    return promoted


@transaction.atomic
def rsvp_create(*, event: Event, member, guests: int = 0) -> RSVP:
    """RSVP ``member`` (+``guests``): going if the seats fit, otherwise on the waiting list.

    Idempotent for an active RSVP (its guests are changed through ``rsvp_change_guests``); a cancelled
    RSVP is reopened at the end of the queue. Raises ``ValidationError`` for bad guests or a past,
    cancelled or unpublished event.
    """
    locked = _lock(event)
    if not locked.is_published or locked.is_cancelled or locked.ends_at < timezone.now():
        raise ValidationError(_("This event is not open for RSVPs."))
    _check_guests(locked, guests)
    rsvp = RSVP.objects.filter(event=locked, member=member).first()
    if rsvp and rsvp.status != RSVP.Status.CANCELLED:
        if rsvp.guests != guests:
            return _change_guests(locked, rsvp, guests)
        return rsvp
    if rsvp is None:
        rsvp = RSVP(event=locked, member=member)
    rsvp.guests = guests
    rsvp.queued_at = timezone.now()
    rsvp.attended = None
    no_queue = not locked.rsvps.waiting().exists()
    if no_queue and _fits(locked, rsvp.seats):
        rsvp.status = RSVP.Status.GOING
        _take_seats(locked, rsvp.seats)
    else:
        rsvp.status = RSVP.Status.WAITING
    rsvp.full_clean(exclude=["event", "member"])
    try:
        with transaction.atomic():
            rsvp.save()
    except IntegrityError:  # a parallel request of the same member won the unique constraint
        raise ValidationError(_("You already answered this invitation.")) from None
    log_action("events.rsvp." + rsvp.status, target=locked, actor=member, data={"guests": guests})
    event.seats_taken = locked.seats_taken
    return rsvp


def _change_guests(locked: Event, rsvp: RSVP, guests: int) -> RSVP:
    delta = guests - rsvp.guests
    if rsvp.status == RSVP.Status.GOING:
        if delta > 0 and not _fits(locked, delta):
            raise ValidationError(
                {
                    "guests": _("Only %(left)d seats are left: you can bring at most %(max)d guests.")
                    % {"left": locked.seats_left, "max": rsvp.guests + locked.seats_left}
                }
            )
        _take_seats(locked, delta)
    rsvp.guests = guests
    rsvp.save(update_fields=["guests", "updated_at"])
    if delta < 0:
        _promote_waiting(locked)
    return rsvp


@transaction.atomic
def promote_after_capacity_change(*, event: Event) -> list[RSVP]:
    """After the capacity was raised elsewhere (admin), move the waiting list forward."""
    return _promote_waiting(_lock(event))


@transaction.atomic
def rsvp_change_guests(*, event: Event, member, guests: int) -> RSVP:
    locked = _lock(event)
    _check_guests(locked, guests)
    rsvp = RSVP.objects.select_for_update().get(event=locked, member=member, status__in=["going", "waiting"])
    return _change_guests(locked, rsvp, guests)


@transaction.atomic
def rsvp_cancel(*, event: Event, member) -> RSVP | None:
    """Cancel ``member``'s RSVP; freed seats go to the waiting list, first come first served."""
    locked = _lock(event)
    rsvp = RSVP.objects.filter(event=locked, member=member).exclude(status=RSVP.Status.CANCELLED).first()
    if rsvp is None:
        return None
    was_going = rsvp.status == RSVP.Status.GOING
    rsvp.status = RSVP.Status.CANCELLED
    rsvp.save(update_fields=["status", "updated_at"])
    if was_going:
        _take_seats(locked, -rsvp.seats)
        _promote_waiting(locked)
    log_action("events.rsvp.cancelled", target=locked, actor=member)
    return rsvp


@transaction.atomic
def attendance_mark(*, event: Event, by, present_ids: Iterable[int]) -> int:
    """Mark who came among the going RSVPs (the others are marked absent)."""
    if not rules.may_manage_event(by, event):
        raise NotAllowed
    present = set(present_ids)
    going = event.rsvps.going()
    going.filter(member_id__in=present).update(attended=True)
    going.exclude(member_id__in=present).update(attended=False)
    log_action("events.event.attendance", target=event, actor=by, data={"present": len(present)})
    return len(present)


def attendees_message(*, event: Event, by, subject: str, body: str) -> int:
    """Record an organiser's message to everyone going and hand its sending to a background job.

    The message is stored in the audit entry ``events.event.messaged`` (subject, body, how many it
    goes to) and one outbox job (``events.tasks.send_attendees_message``) is recorded with it; the
    job splits the attendees into batches, so the request costs a handful of queries whatever the
    number of attendees. Returns how many people are going now (the job reaches those going when
    it runs, a few seconds later). Addresses are never shown to the organiser.
    """
    from events.tasks import send_attendees_message

    if not rules.may_manage_event(by, event):
        raise NotAllowed
    with transaction.atomic():
        count = event.rsvps.going().count()
        entry = log_action(
            "events.event.messaged",
            target=event,
            actor=by,
            data={"subject": subject, "body": body, "recipients": count},
        )
        outbox.enqueue(send_attendees_message, entry.pk)
    return count


def attendees_message_dispatch(entry_id: int) -> int:
    """Job: split the attendees of a recorded organiser message into ``notify_batch`` jobs.

    Idempotent: every batch carries the message's ``dedupe_key``, so running this twice notifies
    nobody twice. Returns how many batch jobs were recorded (0 for an unknown or deleted message)."""
    from events import timeline

    entry = (
        AuditEntry.objects.select_related("actor").filter(pk=entry_id, action="events.event.messaged").first()
    )
    event = Event.objects.filter(pk=entry.object_id).first() if entry else None
    if event is None:
        return 0
    member_ids = list(event.rsvps.going().order_by("member_id").values_list("member_id", flat=True))
    context = {
        "event_id": event.pk,  # notify_batch fills event_title in each recipient's language
        "subject": entry.data.get("subject", ""),
        "body": entry.data.get("body", ""),
        "sender": entry.actor.public_name if entry.actor else "",
    }
    with transaction.atomic():
        return timeline.enqueue_batches(
            member_ids,
            "events.organiser_message",
            context,
            event.get_absolute_url(),
            f"events.organiser_message:{entry.pk}",
        )


@transaction.atomic
def report_post(*, event: Event, by, people_count: int, text: str, photos: Iterable = ()) -> EventReport:
    """Post (or replace) the report of a past event with up to a few photos (EXIF stripped);
    ``photos`` is a list of ``(upload, alt)``."""
    if not rules.may_manage_event(by, event):
        raise NotAllowed
    if event.starts_at > timezone.now():
        raise ValidationError(_("A report can be posted once the event has started."))
    report, _created = EventReport.objects.get_or_create(
        event=event, defaults={"author": by, "people_count": people_count, "text": text}
    )
    report.author, report.people_count, report.text = by, people_count, text
    report.full_clean()
    report.save()
    for upload, alt in photos:
        attach_photo(ReportPhoto, file=upload, alt=alt, report=report)
    log_action("events.event.reported", target=event, actor=by, data={"people": people_count})
    return report


def feed_token_for(member) -> FeedToken:
    token, _created = FeedToken.objects.get_or_create(member=member)
    return token


# --- Community board -------------------------------------------------------------------------------


@transaction.atomic
def board_entry_create(*, author, city, data: dict) -> CommunityBoardEntry:
    if not rules.may_post_on_board(author):
        raise NotAllowed
    entry = CommunityBoardEntry(author=author, city=city, language=author.language, **data)
    entry.full_clean()
    entry.save()
    log_action("events.board.created", target=entry, actor=author)
    return entry


@transaction.atomic
def board_reply(*, entry: CommunityBoardEntry, sender, body: str, recipient=None) -> BoardReply:
    """A private message about ``entry``: from anyone to its author, or from its author back to
    someone who wrote to them. Relayed through ``notify``; no email address is revealed."""
    if not rules.may_post_on_board(sender):
        raise NotAllowed
    if sender.pk == entry.author_id:
        if recipient is None or not entry.replies.filter(sender=recipient).exists():
            raise ValidationError(_("You can only answer someone who wrote to you about this entry."))
    else:
        recipient = entry.author
    reply = BoardReply(entry=entry, sender=sender, recipient=recipient, body=body)
    reply.full_clean()
    reply.save()
    notify(
        recipient,
        "events.board_reply",
        {"entry_title": entry.title, "sender": sender.public_name, "body": body},
        url=entry.get_absolute_url,
    )
    return reply


# --- NCZ Days --------------------------------------------------------------------------------------


@transaction.atomic
def edition_register(
    *,
    day: MobilisationDay,
    organiser,
    city,
    starts_at: datetime,
    place_name: str,
    point: dict | None = None,
    capacity: int | None = None,
    initiative=None,
    today: date | None = None,
) -> CityEdition:
    """A shaker registers a city edition: its event is created unpublished until an editor approves.

    ``starts_at`` is the wall-clock time in the city's timezone and must fall on the day's date.
    """
    if not rules.may_register_edition(organiser):
        raise NotAllowed
    errors = {}
    local_start = starts_at.replace(tzinfo=None)
    if local_start.date() != day.date:
        errors["starts_at"] = _(
            "An edition of this NCZ Day takes place on %(date)s, in your city's time."
        ) % {"date": day.date.isoformat()}
    if not organiser.is_staff and not day.registration_is_open(today):
        errors["__all__"] = _("Registration for this NCZ Day is closed.")
    if initiative is not None and initiative.day_id != day.pk:
        errors["initiative"] = _("Pick one of the day's featured initiatives.")
    if errors:
        raise ValidationError(errors)
    titles = {
        f"title_{lang}": f"{getattr(day, f'title_{lang}') or day.title} — {getattr(city, f'name_{lang}') or city.name}"
        for lang in ("fr", "en", "es")
    }
    descriptions = {
        f"description_{lang}": getattr(day, f"description_{lang}") or "" for lang in ("fr", "en", "es")
    }
    event = Event(
        kind="action",
        city=city,
        place_name=place_name,
        point=point,
        starts_at=local_to_aware(local_start, city.timezone),
        ends_at=local_to_aware(local_start + EDITION_DEFAULT_DURATION, city.timezone),
        capacity=capacity,
        created_by=organiser,
        is_published=False,
        link_url=initiative.link_url if initiative else "",
        link_title=initiative.title if initiative else "",
        **titles,
        **descriptions,
    )
    event.full_clean()
    event.save()
    event.organisers.set([organiser])
    edition = CityEdition(day=day, event=event, organiser=organiser, initiative=initiative)
    edition.full_clean()
    edition.save()
    log_action("events.edition.registered", target=edition, actor=organiser)
    return edition


@transaction.atomic
def edition_review(*, edition: CityEdition, editor, approve: bool) -> CityEdition:
    if not rules.may_review_edition(editor):
        raise NotAllowed
    edition = CityEdition.objects.select_for_update().select_related("event", "day").get(pk=edition.pk)
    edition.status = CityEdition.Status.APPROVED if approve else CityEdition.Status.REJECTED
    edition.reviewed_by, edition.reviewed_at = editor, timezone.now()
    edition.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    Event.objects.filter(pk=edition.event_id).update(is_published=approve)
    notify(
        edition.organiser,
        "events.edition_approved" if approve else "events.edition_rejected",
        {
            "day_title": lambda: edition.day.title,
            "city": lambda: edition.event.city.name,
            "event_id": edition.event_id,
        },
        url=edition.event.get_absolute_url,
        dedupe_key=f"events.edition_reviewed:{edition.pk}:{edition.status}",
    )
    log_action("events.edition." + edition.status, target=edition, actor=editor)
    return edition


# --- Member data (GDPR export and erasure, registered in EventsConfig.ready) -------------------------


def member_export(member) -> dict:
    return {
        "rsvps": [
            {"event": r.event_id, "title": r.event.title, "status": r.status, "guests": r.guests}
            for r in RSVP.objects.filter(member=member).select_related("event")
        ],
        "board_entries": list(
            CommunityBoardEntry.objects.filter(author=member).values("pk", "title", "body", "kind")
        ),
        "board_messages": list(
            BoardReply.objects.filter(sender=member).values("entry_id", "body", "created_at")
        ),
    }


def member_erase(member) -> None:
    """Cancel future RSVPs (their seats go to the waiting list), remove board entries, private
    messages and the feed token. Past RSVPs stay, attributed to "former member"."""
    for rsvp in (
        RSVP.objects.active()
        .filter(member=member, event__ends_at__gte=timezone.now())
        .select_related("event")
    ):
        rsvp_cancel(event=rsvp.event, member=member)
    CommunityBoardEntry.objects.filter(author=member).delete()
    BoardReply.objects.filter(sender=member).delete()
    FeedToken.objects.filter(member=member).delete()


def reports_for_link(
    *, url: str = "", content_type_id: int | None = None, object_id: int | None = None, limit: int = 5
):
    """Reports of events linked to a page of another app (e.g. an initiative), newest first, with their
    event, city and photos (two queries): what ``reports_about`` shows on that page."""
    from django.db.models import Q

    if not url and not (content_type_id and object_id):
        return EventReport.objects.none()
    link = Q(event__link_url=url) if url else Q()
    if content_type_id and object_id:
        link |= Q(event__link_content_type_id=content_type_id, event__link_object_id=object_id)
    return (
        EventReport.objects.filter(link, event__is_published=True)
        .select_related("event", "event__city")
        .prefetch_related("photos")
        .order_by("-event__starts_at")[:limit]
    )


def reports_about(target, *, url: str = ""):
    """The "What happened at its events" section of another app's page (``civic.core.related``):
    reports of published events linked to ``target`` (generic reference) or to its ``url``; None
    when there are none. Registered in ``EventsConfig.ready()``, so the page's app imports nothing
    of events. Two queries (ContentType is cached)."""
    from django.contrib.contenttypes.models import ContentType

    from civic.core.related import Section

    content_type = ContentType.objects.get_for_model(target)
    reports = list(reports_for_link(url=url, content_type_id=content_type.pk, object_id=target.pk))
    if not reports:
        return None
    return Section(template="events/includes/reports_about.html", context={"reports": reports})
