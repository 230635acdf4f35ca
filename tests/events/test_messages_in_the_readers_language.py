"""One language per message, for every notification the events app sends: Carla and Diego read
Spanish, the people and jobs that trigger their messages run in French, and every word, title, date
and link they get is Spanish."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from civic.notifications.models import Notification
from events import services, timeline
from tests.events.factories import BoardEntryFactory, DayFactory, EventFactory, edition_for
from tests.factories import MemberFactory, ThemeFactory
from tests.one_language import assert_spanish_email, assert_spanish_notification, spanish_date
from tests.outbox import run_jobs

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
EVENT_TITLES = {"title_fr": "Fête des voisins", "title_en": "Neighbours' party", "title_es": "Fiesta vecinal"}
NOT_SPANISH_EVENT = ("Fête des voisins", "Neighbours' party")
DAY_TITLES = {"title_fr": "Journée du compost", "title_en": "Compost Day", "title_es": "Día del compostaje"}
NOT_SPANISH_DAY = ("Journée du compost", "Compost Day")


@pytest.fixture
def carla(db):
    return MemberFactory(email="carla@example.org", display_name="Carla", language="es", is_shaker=True)


@pytest.fixture
def diego(db):
    return MemberFactory(email="diego@example.org", display_name="Diego", language="es")


@pytest.fixture
def event(alice, city):
    start = datetime(2027, 12, 11, 14, 0, tzinfo=PARIS)
    return EventFactory(
        **EVENT_TITLES,
        city=city,
        place_name="Centro Cívico",  # a place keeps its own name
        created_by=alice,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=1,
    )


def _only(member, kind) -> Notification:
    return Notification.objects.get(recipient=member, kind=kind)


def test_a_member_promoted_from_an_events_waiting_list_reads_it_in_spanish(event, alice, carla):
    with translation.override("fr"):
        services.rsvp_create(event=event, member=alice)
        services.rsvp_create(event=event, member=carla)  # full: Carla waits
        services.rsvp_cancel(event=event, member=alice)

    assert_spanish_notification(
        _only(carla, "events.promoted"), shows=("Fiesta vecinal",), never=NOT_SPANISH_EVENT
    )


def test_a_reply_on_the_community_board_reaches_its_author_in_spanish(city, alice, carla):
    entry = BoardEntryFactory(city=city, author=carla, title="Una sala para 30 personas", language="es")
    with translation.override("fr"):
        services.board_reply(entry=entry, sender=alice, body="Tenemos una sala libre.")

    assert_spanish_notification(_only(carla, "events.board_reply"), shows=("Una sala para 30 personas",))


def test_cancelling_an_event_tells_a_spanish_member_in_spanish(
    event, alice, carla, django_capture_on_commit_callbacks
):
    event.capacity = None
    event.save(update_fields=["capacity"])
    services.rsvp_create(event=event, member=carla)
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.event_cancel_occurrence(event=event, by=alice)
        run_jobs()

    assert_spanish_notification(
        _only(carla, "events.cancelled"), shows=("Fiesta vecinal",), never=NOT_SPANISH_EVENT
    )


def test_an_organisers_message_reaches_a_spanish_attendee_in_spanish(event, alice, carla):
    services.rsvp_create(event=event, member=carla)
    with translation.override("fr"):
        services.attendees_message(event=event, by=alice, subject="Traed guantes", body="Empezamos a las 9.")
        run_jobs()

    assert_spanish_notification(
        _only(carla, "events.organiser_message"),
        shows=("Fiesta vecinal", "Traed guantes"),
        never=NOT_SPANISH_EVENT,
    )


def test_the_day_before_reminder_and_the_follow_up_are_in_spanish(
    event, carla, mailoutbox, django_capture_on_commit_callbacks
):
    services.rsvp_create(event=event, member=carla)
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        timeline.event_reminders(now=event.starts_at - timedelta(hours=20))
        run_jobs()
        timeline.event_reminders(now=event.ends_at + timedelta(hours=1))
        run_jobs()

    reminder = _only(carla, "events.reminder")
    assert_spanish_notification(
        reminder,
        shows=("Fiesta vecinal", spanish_date(event.starts_at.date()), "14:00", "(hora de París)"),
        never=NOT_SPANISH_EVENT,
    )
    assert f"/es/events/{event.pk}/" in reminder.body  # the calendar link too
    assert_spanish_notification(
        _only(carla, "events.how_was_it"), shows=("Fiesta vecinal",), never=NOT_SPANISH_EVENT
    )
    (email,) = [m for m in mailoutbox if m.subject == reminder.title]
    assert_spanish_email(email, shows=("Fiesta vecinal", "14:00"), never=NOT_SPANISH_EVENT)


# --- NCZ Day timeline -------------------------------------------------------------------------------


@pytest.fixture
def day(db):
    date = timezone.localdate() + timedelta(days=20)
    theme = ThemeFactory(slug="compost")
    day = DayFactory(
        **DAY_TITLES,
        date=date,
        checklist_fr="Réserver le lieu",
        checklist_en="Book the place",
        checklist_es="Reservar el lugar",
    )
    day.themes.set([theme])
    return day


@pytest.fixture
def edition(day, carla, diego, edith, city):
    """Carla runs the Paris edition at 10:00; Diego, who cares about compost and lives nearby, is going."""
    with translation.override("fr"):
        edition = edition_for(day, organiser=carla, city=city, editor=edith, place="Parque")
    diego.point = {"type": "Point", "coordinates": [city.longitude, city.latitude]}
    diego.save(update_fields=["point"])
    diego.interests.set(day.themes.all())
    services.rsvp_create(event=edition.event, member=diego)
    return edition


def _run_timeline_on(day, days_before: int, hour: int, tz=PARIS) -> None:
    now = datetime.combine(day.date - timedelta(days=days_before), datetime.min.time(), tzinfo=tz)
    with translation.override("fr"):  # beat's worker runs in the default language
        timeline.schedule_due_steps(now=now.replace(hour=hour))
        run_jobs()


def test_an_editor_approving_in_french_tells_the_spanish_organiser_in_spanish(day, carla, edith, city):
    with translation.override("fr"):
        edition_for(day, organiser=carla, city=city, editor=edith, place="Parque")

    assert_spanish_notification(
        _only(carla, "events.edition_approved"), shows=("Día del compostaje", "París"), never=NOT_SPANISH_DAY
    )


def test_an_editor_rejecting_in_french_tells_the_spanish_organiser_in_spanish(day, carla, edith, city):
    with translation.override("fr"):
        edition = edition_for(day, organiser=carla, city=city, approved=False, place="Parque")
        services.edition_review(edition=edition, editor=edith, approve=False)

    assert_spanish_notification(
        _only(carla, "events.edition_rejected"), shows=("Día del compostaje", "París"), never=NOT_SPANISH_DAY
    )


def test_every_ncz_day_message_reaches_a_spanish_member_in_spanish(day, edition, carla, diego):
    _run_timeline_on(day, 14, 11)  # announcement, invitation, kit, two weeks before
    _run_timeline_on(day, 7, 11)  # one week before
    _run_timeline_on(day, 1, 11)  # the day before
    _run_timeline_on(day, 0, 8)  # the morning of the day
    _run_timeline_on(day, -1, 11)  # report request
    _run_timeline_on(day, -2, 11, tz=ZoneInfo("UTC"))  # summary

    when = (spanish_date(day.date), "10:00", "(hora de París)")
    never = (*NOT_SPANISH_DAY, "Réserver", "Book the place")
    expected = {
        diego: {
            "events.day_announce": ("Día del compostaje", spanish_date(day.date)),
            "events.edition_invite": ("Día del compostaje", "París", *when),
            "events.participants_j7": ("Día del compostaje — París", *when),
            "events.participants_j1": ("Día del compostaje — París", *when),
            "events.participants_today": ("Día del compostaje — París", *when),
        },
        carla: {
            "events.organiser_kit": ("Día del compostaje", "París", *when),
            "events.organiser_j14": ("Día del compostaje", "París", *when),
            "events.organiser_j7": ("Día del compostaje", "París", "Reservar el lugar", *when),
            "events.organiser_report": ("Día del compostaje", "París"),
            "events.day_summary": ("Día del compostaje",),
        },
    }
    for member, kinds in expected.items():
        for kind, shows in kinds.items():
            assert_spanish_notification(_only(member, kind), shows=shows, never=never)
