"""The NCZ Day timeline and the event reminders, driven by Celery beat.

**Exactly once.** A step (``announce``, ``kit``, ``participants_j1``…) of a day or of one of its
editions is claimed by inserting a ``ScheduledStep`` row; the unique constraint (day, edition, step)
lets only one scheduler win, even when beat runs twice at the same moment. The work is enqueued on
commit. ``done_at`` is set once the work (or its batches) is enqueued; a claimed step whose worker
died before that is enqueued again after ``STALE_AFTER``. Messages carry a ``dedupe_key`` per member,
so a step that runs twice sends nothing more.

**Times.** Due times are wall-clock times in each edition's city timezone (10:00 for reminders,
08:00 for the "today" message), built with ``datetime.combine(date, time, tzinfo=city_tz)``:
a DST change between the reminder and the day does not shift them.

**Batches.** Steps that reach many members enqueue ``notify_batch`` tasks with ``BATCH_SIZE`` ids
each, never one task per member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from civic.accounts.models import User
from civic.core import outbox
from civic.core.l10n import city_time, local_datetime
from civic.notifications.services import notify, notify_many
from events.models import RSVP, CityEdition, Event, MobilisationDay, ScheduledStep

BATCH_SIZE = 2000  # a batch task per 2,000 members: its fixed costs (outbox job, reads, task) stay small
STALE_AFTER = timedelta(minutes=30)
REMINDER_HOUR = time(10, 0)
TODAY_HOUR = time(8, 0)
INVITE_RADIUS_KM = 30


@dataclass(frozen=True)
class Step:
    name: str
    due: datetime
    expires: datetime


def _at(day: date, at: time, tz) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def day_steps(day: MobilisationDay) -> list[Step]:
    """Day-wide steps (UTC): the announcement when registration opens, the summary two days after
    the day (every timezone has finished it by then)."""
    utc = UTC
    return [
        Step("announce", _at(day.registration_opens, REMINDER_HOUR, utc), _at(day.date, time(0), utc)),
        Step(
            "summary",
            _at(day.date + timedelta(days=2), REMINDER_HOUR, utc),
            _at(day.date + timedelta(days=30), time(0), utc),
        ),
    ]


def edition_steps(edition: CityEdition) -> list[Step]:
    """Steps of an approved edition, due in its city's local time (reads edition.event.city, day)."""
    tz = edition.event.city.timezone
    d = edition.day.date
    start = edition.event.starts_at
    approved = edition.reviewed_at or edition.created_at
    j14, j7, j1 = (_at(d - timedelta(days=n), REMINDER_HOUR, tz) for n in (14, 7, 1))
    today = min(_at(d, TODAY_HOUR, tz), start - timedelta(hours=1))
    after = _at(d + timedelta(days=1), REMINDER_HOUR, tz)
    return [
        Step("invite", approved, start),
        Step("kit", approved, start),
        Step("organiser_j14", j14, j7),
        Step("organiser_j7", j7, j1),
        Step("participants_j7", j7, j1),
        Step("participants_j1", j1, start),
        Step("today", today, start + timedelta(hours=6)),
        Step("report_request", after, after + timedelta(days=14)),
    ]


def _active_days(now: datetime):
    today = now.date()
    return MobilisationDay.objects.filter(
        registration_opens__lte=today + timedelta(days=1), date__gte=today - timedelta(days=30)
    )


def schedule_due_steps(now: datetime | None = None) -> int:
    """Claim every due, unexpired, unclaimed step and enqueue it. Returns the number enqueued.

    Queries: one for the days, then per day two (editions, existing steps) plus one INSERT per claim.
    """
    from events.tasks import run_step

    now = now or timezone.now()
    enqueued = 0
    for day in _active_days(now):
        editions = list(day.editions.approved().select_related("event__city", "day"))
        existing = {
            (s.edition_id, s.step): s
            for s in ScheduledStep.objects.filter(day=day).only(
                "pk", "edition_id", "step", "claimed_at", "done_at"
            )
        }
        wanted = [(None, s) for s in day_steps(day)]
        wanted += [(e.pk, s) for e in editions for s in edition_steps(e)]
        for edition_id, step in wanted:
            if not (step.due <= now < step.expires):
                continue
            claimed = existing.get((edition_id, step.name))
            if claimed is not None:
                if claimed.done_at is None and claimed.claimed_at < now - STALE_AFTER:
                    # Its worker died before finishing: run it again (messages are deduplicated).
                    ScheduledStep.objects.filter(pk=claimed.pk, done_at__isnull=True).update(claimed_at=now)
                    outbox.enqueue(run_step, claimed.pk)
                    enqueued += 1
                continue
            try:
                with transaction.atomic():
                    row = ScheduledStep.objects.create(
                        day=day, edition_id=edition_id, step=step.name, claimed_at=now
                    )
                    outbox.enqueue(run_step, row.pk)
                enqueued += 1
            except IntegrityError:
                continue  # another scheduler claimed it first
    return enqueued


def enqueue_batches(member_ids: list[int], kind: str, context: dict, url: str, dedupe_key: str) -> int:
    """Record one ``notify_batch`` outbox job per ``BATCH_SIZE`` members (in the caller's
    transaction). ``context["event_id"]`` / ``context["day_slug"]`` give each recipient the event's
    and the day's titles in their own language. Returns how many jobs were recorded."""
    from events.tasks import notify_batch

    batches = 0
    for i in range(0, len(member_ids), BATCH_SIZE):
        chunk = member_ids[i : i + BATCH_SIZE]
        outbox.enqueue(notify_batch, chunk, kind, context, url, dedupe_key)
        batches += 1
    return batches


def notify_members(member_ids: list[int], kind: str, context: dict, *, url: str, dedupe_key: str) -> int:
    """Notify each member in their language: titles of the event and the day are translated per
    recipient (the event and day are read once per batch)."""
    event = Event.objects.filter(pk=context.get("event_id")).first() if context.get("event_id") else None
    day = (
        MobilisationDay.objects.filter(slug=context.get("day_slug")).first()
        if context.get("day_slug")
        else None
    )

    def in_language(language: str) -> dict:
        # Everything a reader reads, built in their language: titles, the city, the local time.
        with translation.override(language):
            return {
                **({"event_title": event.title, "city": event.city.name} if event else {}),
                **({"local_start": _local_text(event)} if event else {}),
                **(
                    {"ics_url": reverse("events:ics", args=[event.pk])}
                    if event and "ics_url" in context
                    else {}
                ),
                **({"day_title": day.title, "day_date": date_format(day.date, "DATE_FORMAT")} if day else {}),
            }

    # One INSERT and one email task for the whole batch (civic.notifications.services.notify_many);
    # notify_many turns the link into each reader's language (/es/… for a Spanish member).
    return notify_many(
        # What notify_many and public_name read, nothing more (a batch reads 2,000 members).
        User.objects.active()
        .filter(pk__in=member_ids)
        .only("email", "display_name", "language", "is_active", "is_former"),
        kind,
        context,
        url=url,
        dedupe_key=dedupe_key,
        per_language=in_language,
    )


def _local_text(event: Event) -> str:
    """The start on the event city's clock, written the active language's way, city named."""
    return f"{local_datetime(event.starts_at, event.city.timezone)} ({city_time(event.city.name)})"


def _initiative_follower_ids(edition_or_day) -> list[int]:
    """Followers of the featured initiatives, asked of the initiatives app's public service
    (``initiatives.services.follower_ids``): events → initiatives is the only direction between the
    two apps (initiatives shows events' reports through ``civic.core.related``). None when the
    initiatives app is not installed."""
    if not apps.is_installed("initiatives"):
        return []
    from initiatives.services import follower_ids

    ids = [f.link_object_id for f in edition_or_day.featured.all() if f.link_object_id]
    return list(follower_ids(ids)) if ids else []


def run_step(step_id: int) -> None:
    step = (
        ScheduledStep.objects.select_related("day", "edition__event__city", "edition__organiser")
        .filter(pk=step_id)
        .first()
    )
    if step is None or step.done_at is not None:
        return
    with transaction.atomic():
        handler = _HANDLERS[step.step]
        handler(step)
        ScheduledStep.objects.filter(pk=step.pk).update(done_at=timezone.now())


def _day_context(day: MobilisationDay) -> dict:
    # The title and the date are written in each reader's language by ``notify_members``.
    return {"day_title": day.title, "day_slug": day.slug}


def _announce(step: ScheduledStep) -> None:
    day = step.day
    theme_ids = list(day.themes.values_list("pk", flat=True))
    ids = (
        set(User.objects.active().filter(interests__in=theme_ids).values_list("pk", flat=True))
        if theme_ids
        else set()
    )
    ids |= set(_initiative_follower_ids(day))
    enqueue_batches(
        sorted(ids),
        "events.day_announce",
        _day_context(day),
        day.get_absolute_url(),
        f"events.day:{day.pk}:announce",
    )


def _edition_context(edition: CityEdition) -> dict:
    event = edition.event
    return {
        **_day_context(edition.day),
        "event_title": event.title,
        "event_id": event.pk,
        "city": event.city.name,
        "place": event.place_name,
        "local_start": _local_text(event),
    }


def _invite(step: ScheduledStep) -> None:
    edition = step.edition
    event = edition.event
    theme_ids = list(edition.day.themes.values_list("pk", flat=True))
    ids = set()
    if theme_ids and event.has_point:
        ids = set(
            User.objects.active()
            .filter(interests__in=theme_ids)
            .near(event.latitude, event.longitude, INVITE_RADIUS_KM)
            .values_list("pk", flat=True)
        )
    ids |= set(_initiative_follower_ids(edition.day))
    ids.discard(edition.organiser_id)
    enqueue_batches(
        sorted(ids),
        "events.edition_invite",
        _edition_context(edition),
        event.get_absolute_url(),
        f"events.edition:{edition.pk}:invite",
    )


def _organiser(kind: str):
    def handler(step: ScheduledStep) -> None:
        edition = step.edition
        notify(
            edition.organiser,
            f"events.{kind}",
            {
                **_edition_context(edition),
                "event_title": lambda: edition.event.title,
                "day_title": lambda: edition.day.title,
                "city": lambda: edition.event.city.name,
                "local_start": lambda: _local_text(edition.event),
                "checklist": edition.day.checklist_items,
            },
            url=lambda: reverse("events:day_detail", args=[edition.day.slug]),
            dedupe_key=f"events.edition:{edition.pk}:{step.step}",
        )

    return handler


def _participants(kind: str):
    def handler(step: ScheduledStep) -> None:
        edition = step.edition
        ids = list(
            RSVP.objects.filter(event_id=edition.event_id, status=RSVP.Status.GOING)
            .order_by("pk")
            .values_list("member_id", flat=True)
        )
        enqueue_batches(
            ids,
            f"events.{kind}",
            _edition_context(edition),
            edition.event.get_absolute_url(),
            f"events.edition:{edition.pk}:{step.step}",
        )

    return handler


def _summary(step: ScheduledStep) -> None:
    day = step.day
    ids = sorted(set(day.editions.approved().values_list("organiser_id", flat=True)))
    enqueue_batches(
        ids,
        "events.day_summary",
        _day_context(day),
        reverse("events:day_summary", args=[day.slug]),
        f"events.day:{day.pk}:summary",
    )


_HANDLERS = {
    "announce": _announce,
    "summary": _summary,
    "invite": _invite,
    "kit": _organiser("organiser_kit"),
    "organiser_j14": _organiser("organiser_j14"),
    "organiser_j7": _organiser("organiser_j7"),
    "participants_j7": _participants("participants_j7"),
    "participants_j1": _participants("participants_j1"),
    "today": _participants("participants_today"),
    "report_request": _organiser("organiser_report"),
}


def event_reminders(now: datetime | None = None) -> int:
    """Day-before reminders and "how was it?" messages for events that are not NCZ Day editions
    (editions have their own timeline). Each event is claimed with a conditional UPDATE."""
    now = now or timezone.now()
    base = Event.objects.published().filter(is_cancelled=False, edition__isnull=True)
    claimed = 0
    soon = base.filter(
        reminder_sent_at__isnull=True, starts_at__gt=now, starts_at__lte=now + timedelta(hours=24)
    )
    for event in soon.select_related("city"):
        claimed += _claim_and_send(event, "reminder_sent_at", "events.reminder", now)
    done = base.filter(followup_sent_at__isnull=True, ends_at__lte=now, ends_at__gt=now - timedelta(days=2))
    for event in done.select_related("city"):
        claimed += _claim_and_send(event, "followup_sent_at", "events.how_was_it", now)
    return claimed


def _claim_and_send(event: Event, field: str, kind: str, now: datetime) -> int:
    with transaction.atomic():
        if not Event.objects.filter(Q(pk=event.pk) & Q(**{f"{field}__isnull": True})).update(**{field: now}):
            return 0
        ids = list(event.rsvps.going().order_by("pk").values_list("member_id", flat=True))
        context = {
            "event_title": event.title,
            "event_id": event.pk,
            "local_start": _local_text(event),
            "place": "" if event.is_online else event.place_name,
            "ics_url": reverse("events:ics", args=[event.pk]),
        }
        enqueue_batches(ids, kind, context, event.get_absolute_url(), f"{kind}:{event.pk}")
    return 1
