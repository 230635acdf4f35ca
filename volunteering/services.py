"""Every write on missions, slots and participations that matters: one transaction each.

``participation_create`` and ``participation_cancel`` lock the slot row (``SELECT … FOR UPDATE``)
before counting, so that concurrent joins never overbook a slot and a cancellation hands its place
to the first person on the waiting list in the same transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civic.core import outbox
from civic.core.l10n import city_time, local_range
from civic.core.permissions import NotAllowed
from civic.core.ratelimit import rate_limit
from civic.core.services import log_action, update_logged
from civic.notifications.services import notify, notify_many
from volunteering import rules
from volunteering.calendar import ics_filename, slot_ics
from volunteering.models import (
    ACTIVE_STATUSES,
    Mission,
    MissionStatus,
    Participation,
    ParticipationStatus,
    Recommendation,
    Slot,
)
from volunteering.rules import why_not_joinable

RECOMMENDATIONS_PER_HOUR = 10
MAX_RECIPIENTS = 5


def _slot_context(slot: Slot) -> dict:
    """Context describing a slot, resolved by ``notify()`` in the recipient's language: the
    mission's title in that language, the time on the city's clock written that language's way
    (reads mission, city, organisation)."""
    mission, city = slot.mission, slot.mission.city
    return {
        "mission_title": lambda: str(mission.title),
        "organization_name": mission.organization.name,
        "when": lambda: (
            f"{local_range(slot.starts_at, slot.ends_at, city.timezone)} ({city_time(city.name)})"
        ),
        "address": mission.address,
    }


def _locked_slot(slot_id: int) -> Slot:
    return (
        Slot.objects.select_for_update(of=("self",))
        .select_related("mission__organization", "mission__city")
        .get(pk=slot_id)
    )


# --- Missions -----------------------------------------------------------------------------


@transaction.atomic
def mission_publish(*, mission: Mission, by) -> Mission:
    if not rules.may_manage_mission(by, mission):
        raise NotAllowed
    mission.full_clean()
    values = {"status": MissionStatus.PUBLISHED, "published_at": mission.published_at or timezone.now()}
    return update_logged(
        mission, "volunteering.mission.published", actor=by, values=values, stamps=("updated_at",)
    )


@transaction.atomic
def mission_close(*, mission: Mission, by) -> Mission:
    if not rules.may_manage_mission(by, mission):
        raise NotAllowed
    values = {"status": MissionStatus.CLOSED}
    return update_logged(
        mission, "volunteering.mission.closed", actor=by, values=values, stamps=("updated_at",)
    )


@transaction.atomic
def mission_duplicate(*, mission: Mission, by) -> Mission:
    """A draft copy of ``mission`` (texts in every language, flags, themes), without slots."""
    if not rules.may_manage_mission(by, mission):
        raise NotAllowed
    copy = Mission.objects.get(pk=mission.pk)
    copy.pk = copy.id = None
    copy._state.adding = True
    copy.status = MissionStatus.DRAFT
    copy.published_at = None
    for lang, _name in settings.LANGUAGES:
        title = getattr(copy, f"title_{lang}")
        if title:
            setattr(copy, f"title_{lang}", f"{title} (2)"[:160])
    copy.full_clean()
    copy.save()
    copy.themes.set(mission.themes.all())
    log_action("volunteering.mission.duplicated", target=copy, actor=by, data={"from": mission.pk})
    return copy


# --- Slots --------------------------------------------------------------------------------


@transaction.atomic
def slot_create(
    *, mission: Mission, by, starts_at: datetime, ends_at: datetime, capacity: int, series=None
) -> Slot:
    if not rules.may_manage_mission(by, mission):
        raise NotAllowed
    slot = Slot(mission=mission, starts_at=starts_at, ends_at=ends_at, capacity=capacity, series=series)
    slot.full_clean()
    slot.save()
    return slot


@transaction.atomic
def slot_repeat_weekly(*, slot: Slot, by, weeks: int) -> list[Slot]:
    """Copy ``slot`` to the same local weekday and time for the next ``weeks`` weeks (DST-safe)."""
    if not rules.may_manage_mission(by, slot.mission):
        raise NotAllowed
    if not 1 <= weeks <= 52:
        raise ValidationError(_("Repeat between 1 and 52 weeks."))
    tz = slot.mission.city.timezone
    start, end = slot.starts_at.astimezone(tz), slot.ends_at.astimezone(tz)
    series = slot.series or uuid.uuid4()
    if slot.series is None:
        Slot.objects.filter(pk=slot.pk).update(series=series)
        slot.series = series
    created = []
    for week in range(1, weeks + 1):
        delta = timedelta(weeks=week)
        new_start = datetime.combine(start.date() + delta, start.time(), tzinfo=tz)
        new_end = datetime.combine(end.date() + delta, end.time(), tzinfo=tz)
        if Slot.objects.filter(mission=slot.mission, starts_at=new_start).exists():
            continue  # already repeated: running the action twice adds nothing
        created.append(
            slot_create(
                mission=slot.mission,
                by=by,
                starts_at=new_start,
                ends_at=new_end,
                capacity=slot.capacity,
                series=series,
            )
        )
    return created


def _fill_from_waiting_list(slot: Slot) -> list[Participation]:
    """Give free places to the waiting list, first come first served. Call with the slot locked."""
    if slot.starts_at <= timezone.now():
        return []
    free = slot.capacity - slot.confirmed_count
    if free <= 0:
        return []
    promoted = list(
        Participation.objects.filter(slot=slot, status=ParticipationStatus.WAITING)
        .select_related("member")
        .order_by("position", "created_at")[:free]
    )
    for participation in promoted:
        participation.status = ParticipationStatus.CONFIRMED
        participation.position = None
        participation.save(update_fields=["status", "position", "updated_at"])
        log_action("volunteering.participation.promoted", target=participation)
        notify(
            participation.member,
            "volunteering.promoted",
            {**_slot_context(slot), "_attachments": _ics_attachment(slot)},
            url=slot.mission.get_absolute_url,
            dedupe_key=f"volunteering.promoted:{participation.pk}:{participation.updated_at.timestamp()}",
        )
    if promoted:
        Slot.objects.filter(pk=slot.pk).update(confirmed_count=F("confirmed_count") + len(promoted))
        slot.confirmed_count += len(promoted)
    return promoted


@transaction.atomic
def slot_fill_from_waiting_list(*, slot_id: int) -> int:
    """Promote waiting volunteers into free places (after a capacity increase). Idempotent."""
    return len(_fill_from_waiting_list(_locked_slot(slot_id)))


# --- Participations -----------------------------------------------------------------------


def _ics_attachment(slot: Slot) -> list[dict]:
    return [{"name": ics_filename(slot), "content": slot_ics(slot), "mimetype": "text/calendar"}]


@transaction.atomic
def participation_create(*, slot: Slot, member, share_contact: bool = False) -> Participation:
    """``member`` joins ``slot``: confirmed while places are left, else on the waiting list.

    Raises ValidationError when the mission is not published, the slot has started, or the member
    already takes part. Locks the slot row: concurrent calls are serialised per slot.
    """
    if not rules.may_join(member):
        raise NotAllowed
    slot = _locked_slot(slot.pk)
    reason = why_not_joinable(slot)
    if reason:
        raise ValidationError(reason, code="not_joinable")
    participation = Participation.objects.filter(slot=slot, member=member).first()
    if participation is not None and participation.is_active:
        raise ValidationError(_("You already take part in this slot."), code="already_joined")
    if participation is None:
        participation = Participation(slot=slot, member=member)
    participation.share_contact = share_contact
    participation.hours = None
    if slot.confirmed_count < slot.capacity:
        participation.status = ParticipationStatus.CONFIRMED
        participation.position = None
        Slot.objects.filter(pk=slot.pk).update(confirmed_count=F("confirmed_count") + 1)
        slot.confirmed_count += 1
    else:
        last = Participation.objects.filter(slot=slot, status=ParticipationStatus.WAITING).aggregate(
            m=Max("position")
        )["m"]
        participation.status = ParticipationStatus.WAITING
        participation.position = (last or 0) + 1
    participation.full_clean(validate_unique=False, validate_constraints=False)
    participation.save()
    log_action(
        "volunteering.participation.created",
        target=participation,
        actor=member,
        data={"status": participation.status},
    )
    context = _slot_context(slot)
    if participation.status == ParticipationStatus.CONFIRMED:
        context["_attachments"] = _ics_attachment(slot)
        kind = "volunteering.confirmed"
    else:
        # The rank, not the raw position: people ahead who cancelled no longer count.
        participation.waiting_rank = Participation.objects.filter(
            slot=slot, status=ParticipationStatus.WAITING, position__lte=participation.position
        ).count()
        context["position"] = participation.waiting_rank
        kind = "volunteering.waiting"
    notify(member, kind, context, url=slot.mission.get_absolute_url)
    return participation


@transaction.atomic
def participation_cancel(*, participation: Participation, by) -> Participation | None:
    """Cancel (the volunteer, or the mission's managers); a confirmed place goes to the first on
    the waiting list, who is told. Returns the promoted participation, if any."""
    slot = _locked_slot(participation.slot_id)
    current = Participation.objects.select_for_update().get(pk=participation.pk)
    current.slot = slot
    if not rules.may_cancel_participation(by, current):
        raise NotAllowed
    if current.status not in ACTIVE_STATUSES:
        raise ValidationError(_("This participation is not active."), code="not_active")
    if slot.starts_at <= timezone.now():
        raise ValidationError(
            _("This slot has already started: it can no longer be cancelled."), code="started"
        )
    was_confirmed = current.status == ParticipationStatus.CONFIRMED
    current.status = ParticipationStatus.CANCELLED
    current.position = None
    current.save(update_fields=["status", "position", "updated_at"])
    participation.status, participation.position = current.status, None
    log_action("volunteering.participation.cancelled", target=current, actor=by)
    if not was_confirmed:
        return None
    Slot.objects.filter(pk=slot.pk).update(confirmed_count=F("confirmed_count") - 1)
    slot.confirmed_count -= 1
    promoted = _fill_from_waiting_list(slot)
    return promoted[0] if promoted else None


@transaction.atomic
def participation_mark_attendance(*, participation: Participation, attended: bool, by) -> Participation:
    """After the slot has started, record attendance: attended (hours = the slot's length) or absent."""
    current = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("slot__mission")
        .get(pk=participation.pk)
    )
    if not rules.may_manage_participation(by, current):
        raise NotAllowed
    if current.slot.starts_at > timezone.now():
        raise ValidationError(_("Attendance can only be recorded once the slot has started."), code="future")
    if current.status not in (
        ParticipationStatus.CONFIRMED,
        ParticipationStatus.ATTENDED,
        ParticipationStatus.ABSENT,
    ):
        raise ValidationError(
            _("Only confirmed volunteers can be marked present or absent."), code="not_confirmed"
        )
    current.status = ParticipationStatus.ATTENDED if attended else ParticipationStatus.ABSENT
    current.hours = current.slot.duration_hours if attended else Decimal("0")
    current.save(update_fields=["status", "hours", "updated_at"])
    log_action("volunteering.participation.attendance", target=current, actor=by, data={"attended": attended})
    return current


NOTIFY_BATCH = 500  # members per notification job: one INSERT and one email task each


@transaction.atomic
def slot_message(*, slot: Slot, text: str, by) -> int:
    """Record a message to every confirmed and waiting volunteer of ``slot`` and hand its sending
    to a background job; returns how many volunteers it goes to.

    The text is stored in the audit entry ``volunteering.slot.messaged`` and one outbox job
    (``volunteering.tasks.send_slot_message``) is recorded with it, so the request costs a few
    queries whatever the number of volunteers; the job notifies them in batches."""
    from volunteering.tasks import send_slot_message

    if not rules.may_manage_mission(by, slot.mission):
        raise NotAllowed
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a message."))
    count = Participation.objects.filter(slot=slot, status__in=ACTIVE_STATUSES).count()
    entry = log_action(
        "volunteering.slot.messaged", target=slot, actor=by, data={"text": text, "recipients": count}
    )
    outbox.enqueue(send_slot_message, entry.pk)
    return count


def _slot_message(entry_id: int):
    from civic.core.models import AuditEntry

    return AuditEntry.objects.filter(pk=entry_id, action="volunteering.slot.messaged").first()


def slot_message_dispatch(entry_id: int) -> int:
    """Job: split the volunteers of a recorded slot message into batch jobs of ``NOTIFY_BATCH``.
    Idempotent (each batch notifies with the message's dedupe key). Returns the number of batches."""
    from volunteering.tasks import notify_slot_message_batch

    entry = _slot_message(entry_id)
    if entry is None:
        return 0
    member_ids = list(
        Participation.objects.filter(slot_id=entry.object_id, status__in=ACTIVE_STATUSES)
        .order_by("member_id")
        .values_list("member_id", flat=True)
    )
    with transaction.atomic():
        for start in range(0, len(member_ids), NOTIFY_BATCH):
            outbox.enqueue(notify_slot_message_batch, entry_id, member_ids[start : start + NOTIFY_BATCH])
    return -(-len(member_ids) // NOTIFY_BATCH)


def slot_message_notify(entry_id: int, member_ids: list[int]) -> int:
    """Job: notify one batch of volunteers of a recorded slot message, each in their language and
    once (dedupe key per message). Returns how many were notified now."""
    from civic.accounts.models import User

    entry = _slot_message(entry_id)
    slot = (
        Slot.objects.select_related("mission__organization", "mission__city")
        .filter(pk=entry.object_id)
        .first()
        if entry
        else None
    )
    if slot is None:
        return 0

    mission = slot.mission
    # notify_many resolves the slot's callables (title, local time) and the link in each
    # recipient's language.
    return notify_many(
        User.objects.active().filter(pk__in=member_ids),
        "volunteering.message",
        {**_slot_context(slot), "text": entry.data.get("text", "")},
        url=lambda: mission.get_absolute_url(),
        dedupe_key=f"volunteering.message:{entry.pk}",
    )


# --- Reminders ----------------------------------------------------------------------------


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind confirmed volunteers whose slot starts within the next 24 hours. Idempotent: each
    participation is reminded once (notify's dedupe_key)."""
    now = now or timezone.now()
    participations = Participation.objects.filter(
        status=ParticipationStatus.CONFIRMED,
        slot__starts_at__gt=now,
        slot__starts_at__lte=now + timedelta(hours=24),
        slot__mission__status=MissionStatus.PUBLISHED,
    ).select_related("member", "slot__mission__organization", "slot__mission__city")
    sent = 0
    for participation in participations:
        with transaction.atomic():
            if notify(
                participation.member,
                "volunteering.reminder",
                _slot_context(participation.slot),
                url=participation.slot.mission.get_absolute_url,
                dedupe_key=f"volunteering.reminder:{participation.pk}",
            ):
                sent += 1
    return sent


# --- Recommendations ----------------------------------------------------------------------


def _parse_emails(raw: str) -> list[str]:
    emails = []
    for part in raw.replace(";", ",").replace("\n", ",").split(","):
        email = part.strip()
        if email:
            validate_email(email)
            if email.lower() not in (e.lower() for e in emails):
                emails.append(email)
    return emails


def recommendation_send(*, sender, mission: Mission, emails: str, message: str = "") -> Recommendation:
    """Email ``mission`` to up to five addresses on behalf of ``sender``. The addresses go to the
    email job and are kept only until it has run; at most RECOMMENDATIONS_PER_HOUR recipients per
    sender per hour (``civic.core.ratelimit``, counted with the recommendation)."""
    if not rules.may_recommend(sender):
        raise NotAllowed
    try:
        recipients = _parse_emails(emails)
    except ValidationError:
        raise ValidationError({"emails": _("One of these email addresses is not valid.")}) from None
    if not recipients:
        raise ValidationError({"emails": _("Give at least one email address.")})
    if len(recipients) > MAX_RECIPIENTS:
        raise ValidationError({"emails": _("At most %(n)d addresses at a time.") % {"n": MAX_RECIPIENTS}})
    with transaction.atomic():
        rate_limit(
            member=sender,
            action="volunteering.recommend",
            limit=RECOMMENDATIONS_PER_HOUR,
            window=timedelta(hours=1),
            cost=len(recipients),
            message=_("You have sent many recommendations recently: please try again in an hour."),
        )
        recommendation = Recommendation.objects.create(
            sender=sender, mission=mission, recipients_count=len(recipients)
        )
        log_action("volunteering.mission.recommended", target=mission, actor=sender)
        from volunteering.tasks import send_recommendation

        # The addresses live only in this job's row, deleted once the emails are sent.
        outbox.enqueue(
            send_recommendation,
            recommendation.pk,
            recipients,
            message[:1000],
            translation.get_language() or "fr",
        )
    return recommendation


# --- Member data (GDPR export and erasure) -----------------------------------------------------


def member_export(member) -> dict:
    """The member's volunteering data for ``civic.accounts.services.member_export``."""
    return {
        "participations": [
            {
                "mission": p.slot.mission.title,
                "starts_at": p.slot.starts_at.isoformat(),
                "status": p.status,
                "hours": str(p.hours) if p.hours is not None else None,
                "shares_contact": p.share_contact,
            }
            for p in Participation.objects.filter(member=member).select_related("slot__mission")
        ],
        "recommendations_sent": member.mission_recommendations.count(),
    }


def member_erase(member) -> None:
    """Participations stay (hours and counts), but the contact sharing ends; recommendations go."""
    Participation.objects.filter(member=member).update(share_contact=False)
    Recommendation.objects.filter(sender=member).delete()
