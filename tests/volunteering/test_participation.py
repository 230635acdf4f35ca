from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone, translation

from civic.notifications.models import Notification
from tests.factories import MemberFactory
from tests.race import race
from tests.volunteering.factories import MissionFactory, ParticipationFactory, SlotFactory
from volunteering import services
from volunteering.models import MissionStatus, Participation, ParticipationStatus, Slot

pytestmark = pytest.mark.django_db


def test_member_gets_a_place_while_places_are_left_and_an_email_with_a_calendar_file(
    alice, django_capture_on_commit_callbacks
):
    slot = SlotFactory(capacity=2)

    with django_capture_on_commit_callbacks(execute=True):
        participation = services.participation_create(slot=slot, member=alice, share_contact=True)

    assert participation.status == ParticipationStatus.CONFIRMED
    slot.refresh_from_db()
    assert slot.confirmed_count == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in content and str(slot.mission.title) in content


def test_member_cannot_join_the_same_slot_twice(alice):
    slot = SlotFactory(capacity=5)
    services.participation_create(slot=slot, member=alice)

    with pytest.raises(ValidationError):
        services.participation_create(slot=slot, member=alice)

    assert Participation.objects.filter(slot=slot, member=alice).count() == 1
    slot.refresh_from_db()
    assert slot.confirmed_count == 1


def test_database_refuses_a_second_participation_row_for_one_slot_and_member(alice):
    participation = ParticipationFactory(member=alice)

    with pytest.raises(IntegrityError):
        Participation.objects.create(
            slot=participation.slot, member=alice, status=ParticipationStatus.WAITING
        )


def test_a_full_slot_puts_people_on_the_waiting_list_in_order(alice, bob, charlie):
    slot = SlotFactory(capacity=1)

    first = services.participation_create(slot=slot, member=alice)
    second = services.participation_create(slot=slot, member=bob)
    third = services.participation_create(slot=slot, member=charlie)

    assert first.status == ParticipationStatus.CONFIRMED
    assert (second.status, second.position) == (ParticipationStatus.WAITING, 1)
    assert (third.status, third.position) == (ParticipationStatus.WAITING, 2)


def test_cancelling_gives_the_place_to_the_first_on_the_waiting_list_and_tells_them(
    alice, bob, charlie, django_capture_on_commit_callbacks
):
    slot = SlotFactory(capacity=1)
    mine = services.participation_create(slot=slot, member=alice)
    services.participation_create(slot=slot, member=bob)
    services.participation_create(slot=slot, member=charlie)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.participation_cancel(participation=mine, by=alice)

    assert promoted.member == bob
    statuses = dict(Participation.objects.filter(slot=slot).values_list("member__display_name", "status"))
    assert statuses == {"Alice": "cancelled", "Bob": "confirmed", "Charlie": "waiting"}
    slot.refresh_from_db()
    assert slot.confirmed_count == 1
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert Notification.objects.filter(recipient=bob, kind="volunteering.promoted").count() == 1


def test_cancelling_a_waiting_place_frees_nothing(alice, bob):
    slot = SlotFactory(capacity=1)
    services.participation_create(slot=slot, member=alice)
    waiting = services.participation_create(slot=slot, member=bob)

    assert services.participation_cancel(participation=waiting, by=bob) is None

    slot.refresh_from_db()
    assert slot.confirmed_count == 1


def test_member_can_join_again_after_cancelling(alice):
    slot = SlotFactory(capacity=3)
    participation = services.participation_create(slot=slot, member=alice)
    services.participation_cancel(participation=participation, by=alice)

    again = services.participation_create(slot=slot, member=alice)

    assert again.pk == participation.pk and again.status == ParticipationStatus.CONFIRMED
    slot.refresh_from_db()
    assert slot.confirmed_count == 1


def test_filling_from_the_waiting_list_after_a_capacity_increase_is_idempotent(alice, bob, charlie):
    slot = SlotFactory(capacity=1)
    for member in (alice, bob, charlie):
        services.participation_create(slot=slot, member=member)
    Slot.objects.filter(pk=slot.pk).update(capacity=2)

    assert services.slot_fill_from_waiting_list(slot_id=slot.pk) == 1
    assert services.slot_fill_from_waiting_list(slot_id=slot.pk) == 0

    slot.refresh_from_db()
    assert slot.confirmed_count == 2
    assert Participation.objects.get(member=charlie).status == ParticipationStatus.WAITING


def test_running_the_waiting_list_task_twice_promotes_once(alice, bob, charlie):
    from volunteering.tasks import fill_from_waiting_list

    slot = SlotFactory(capacity=1)
    for member in (alice, bob, charlie):
        services.participation_create(slot=slot, member=member)
    Slot.objects.filter(pk=slot.pk).update(capacity=2)

    assert fill_from_waiting_list(slot.pk) == 1
    first = sorted(Participation.objects.values_list("member", "status")), len(mail.outbox)
    assert fill_from_waiting_list(slot.pk) == 0

    assert (sorted(Participation.objects.values_list("member", "status")), len(mail.outbox)) == first
    slot.refresh_from_db()
    assert slot.confirmed_count == 2


def test_nobody_can_join_a_closed_mission(alice):
    slot = SlotFactory(mission=MissionFactory(status=MissionStatus.CLOSED))

    with translation.override("en"), pytest.raises(ValidationError, match="closed"):
        services.participation_create(slot=slot, member=alice)

    assert not Participation.objects.exists()


def test_nobody_can_join_a_past_slot(alice):
    slot = SlotFactory()
    Slot.objects.filter(pk=slot.pk).update(
        starts_at=timezone.now() - timedelta(days=1), ends_at=timezone.now() - timedelta(hours=20)
    )
    slot.refresh_from_db()

    with translation.override("en"), pytest.raises(ValidationError, match="started"):
        services.participation_create(slot=slot, member=alice)


def test_attendance_sets_the_hours_once_the_slot_has_started(alice, bob, edith):
    start = timezone.now() - timedelta(hours=5)
    slot = SlotFactory()
    Slot.objects.filter(pk=slot.pk).update(starts_at=start, ends_at=start + timedelta(hours=2, minutes=30))
    came = ParticipationFactory(slot=slot, member=alice)
    missed = ParticipationFactory(slot=slot, member=bob)

    services.participation_mark_attendance(participation=came, attended=True, by=edith)
    services.participation_mark_attendance(participation=missed, attended=False, by=edith)

    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.status, str(came.hours)) == ("attended", "2.50")
    assert (missed.status, str(missed.hours)) == ("absent", "0.00")


def test_attendance_cannot_be_recorded_before_the_slot(alice, edith):
    participation = ParticipationFactory(member=alice)

    with pytest.raises(ValidationError):
        services.participation_mark_attendance(participation=participation, attended=True, by=edith)

    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.CONFIRMED and participation.hours is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "before"}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": -3}, "capacity"),
        ({"starts_at": "past"}, "starts_at"),
    ],
)
def test_bad_slots_are_refused_with_a_message_and_nothing_saved(change, field, edith):
    mission = MissionFactory()
    starts_at = timezone.now() + timedelta(days=2)
    data = {"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=2), "capacity": 4}
    if change.get("ends_at") == "before":
        data["ends_at"] = starts_at - timedelta(hours=1)
    elif change.get("starts_at") == "past":
        data["starts_at"] = timezone.now() - timedelta(days=1)
        data["ends_at"] = data["starts_at"] + timedelta(hours=2)
    else:
        data.update(change)

    with pytest.raises(ValidationError) as error:
        services.slot_create(mission=mission, by=edith, **data)

    assert field in error.value.message_dict
    assert not Slot.objects.exists()


def test_database_refuses_a_slot_ending_before_it_starts_or_without_places():
    mission = MissionFactory()
    now = timezone.now()
    with pytest.raises(IntegrityError):
        Slot.objects.create(mission=mission, starts_at=now, ends_at=now - timedelta(hours=1), capacity=2)


def test_a_mission_without_a_point_cannot_be_published(edith):
    mission = MissionFactory(status=MissionStatus.DRAFT, point=None)

    with pytest.raises(ValidationError) as error:
        services.mission_publish(mission=mission, by=edith)

    assert "point" in error.value.message_dict
    mission.refresh_from_db()
    assert mission.status == MissionStatus.DRAFT


def test_weekly_repeat_keeps_the_local_time_across_daylight_saving_and_runs_once(edith):
    # 09:00 in Paris, a week before the switch to winter time.
    mission = MissionFactory()
    tz = mission.city.timezone
    year = timezone.now().year + 1
    start = timezone.datetime(year, 10, 20, 9, 0, tzinfo=tz)
    slot = services.slot_create(
        mission=mission, by=edith, starts_at=start, ends_at=start + timedelta(hours=2), capacity=3
    )

    created = services.slot_repeat_weekly(slot=slot, by=edith, weeks=3)
    again = services.slot_repeat_weekly(slot=slot, by=edith, weeks=3)

    assert len(created) == 3 and again == []
    assert {s.starts_at.astimezone(tz).hour for s in created} == {9}
    assert len({s.series for s in Slot.objects.all()}) == 1


def test_duplicating_a_mission_makes_a_draft_copy_with_its_themes(theme, edith):
    mission = MissionFactory(themes=[theme])

    copy = services.mission_duplicate(mission=mission, by=edith)

    assert copy.pk != mission.pk and copy.status == MissionStatus.DRAFT
    assert list(copy.themes.all()) == [theme]
    assert copy.title_fr.startswith(mission.title_fr)


def test_reminders_go_out_once_the_day_before(alice, bob, django_capture_on_commit_callbacks):
    tomorrow = SlotFactory(starts_at=timezone.now() + timedelta(hours=20))
    later = SlotFactory(starts_at=timezone.now() + timedelta(days=5))
    ParticipationFactory(slot=tomorrow, member=alice)
    ParticipationFactory(slot=later, member=bob)
    from volunteering.tasks import send_slot_reminders

    with django_capture_on_commit_callbacks(execute=True):
        first = send_slot_reminders.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = send_slot_reminders.delay().get()

    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "Reminder" in mail.outbox[0].subject or "Rappel" in mail.outbox[0].subject


@pytest.mark.django_db(transaction=True)
def test_fifty_people_racing_for_the_last_three_places_give_three_confirmed_and_the_rest_waiting():
    slot = SlotFactory(capacity=5)
    for _ in range(2):
        ParticipationFactory(slot=slot)
    racers = [MemberFactory() for _ in range(50)]

    outcome = race(
        lambda member: services.participation_create(slot=slot, member=member), [(m,) for m in racers]
    )

    assert outcome.errors == []
    racing = Participation.objects.filter(member__in=racers)
    assert racing.filter(status=ParticipationStatus.CONFIRMED).count() == 3
    assert racing.filter(status=ParticipationStatus.WAITING).count() == 47
    assert sorted(racing.filter(status="waiting").values_list("position", flat=True)) == list(range(1, 48))
    slot.refresh_from_db()
    assert slot.confirmed_count == 5


def test_waiting_message_gives_the_rank_once_people_ahead_cancelled(alice, bob, charlie, edith):
    slot = SlotFactory(capacity=1)
    services.participation_create(slot=slot, member=alice)
    ahead = services.participation_create(slot=slot, member=bob)
    services.participation_create(slot=slot, member=charlie)
    services.participation_cancel(participation=ahead, by=bob)

    later = services.participation_create(slot=slot, member=edith)

    assert later.position == 3 and later.waiting_rank == 2
    assert "n° 2 sur la liste" in Notification.objects.get(recipient=edith, kind="volunteering.waiting").body
    ranks = dict(
        Participation.objects.filter(slot=slot, status="waiting")
        .with_waiting_rank()
        .values_list("member__display_name", "waiting_rank")
    )
    assert ranks == {"Charlie": 1, "Edith": 2}
