from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from civic.core.permissions import NotAllowed
from civic.notifications.models import Notification
from events import services, timeline
from events.models import RSVP, CityEdition, Event, ScheduledStep
from tests.events.factories import DayFactory, FeaturedFactory, edition_for
from tests.factories import CityFactory, MemberFactory, ThemeFactory
from tests.race import race

pytestmark = pytest.mark.django_db


def test_a_shaker_registers_an_edition_that_waits_for_approval(shaker, city):
    day = DayFactory()
    initiative = FeaturedFactory(day=day)

    edition = services.edition_register(
        day=day,
        organiser=shaker,
        city=city,
        starts_at=datetime.combine(day.date, datetime.min.time()).replace(hour=14),
        place_name="Parc des Buttes-Chaumont",
        capacity=20,
        initiative=initiative,
    )

    assert edition.status == CityEdition.Status.PENDING
    assert not edition.event.is_published
    assert edition.event.local_start.hour == 14
    assert edition.event.link_url == initiative.link_url


def test_an_edition_dated_off_its_day_is_refused(shaker, city):
    day = DayFactory()

    with pytest.raises(ValidationError) as exc:
        services.edition_register(
            day=day,
            organiser=shaker,
            city=city,
            starts_at=datetime.combine(day.date + timedelta(days=1), datetime.min.time()).replace(hour=10),
            place_name="Parc",
        )

    assert "starts_at" in exc.value.error_dict
    assert not Event.objects.exists() and not CityEdition.objects.exists()


def test_an_edition_on_the_day_in_local_time_is_accepted_even_if_it_is_another_day_in_utc(shaker, new_york):
    day = DayFactory()
    # 21:00 in New York is the next day in UTC: still the right day for the city.
    edition = services.edition_register(
        day=day,
        organiser=shaker,
        city=new_york,
        starts_at=datetime.combine(day.date, datetime.min.time()).replace(hour=21),
        place_name="Bryant Park",
    )
    assert edition.event.starts_at.astimezone(ZoneInfo("UTC")).date() == day.date + timedelta(days=1)


def test_registration_outside_its_window_is_refused(shaker, city):
    day = DayFactory()
    with pytest.raises(ValidationError):
        services.edition_register(
            day=day,
            organiser=shaker,
            city=city,
            starts_at=datetime.combine(day.date, datetime.min.time()).replace(hour=10),
            place_name="Parc",
            today=day.registration_closes + timedelta(days=1),
        )


def test_only_shakers_and_editors_register_and_only_editors_review(charlie, shaker, edith, city):
    day = DayFactory()
    start = datetime.combine(day.date, datetime.min.time()).replace(hour=10)
    with pytest.raises(NotAllowed):
        services.edition_register(day=day, organiser=charlie, city=city, starts_at=start, place_name="Parc")
    edition = services.edition_register(
        day=day, organiser=shaker, city=city, starts_at=start, place_name="Parc"
    )
    with pytest.raises(NotAllowed):
        services.edition_review(edition=edition, editor=shaker, approve=True)


def test_editor_approval_publishes_the_edition_and_members_join_it(shaker, edith, alice, city):
    day = DayFactory()
    edition = edition_for(day, organiser=shaker, city=city, editor=edith, capacity=2)

    assert edition.status == "approved"
    assert Event.objects.get(pk=edition.event_id).is_published
    rsvp = services.rsvp_create(event=edition.event, member=alice)
    assert rsvp.status == RSVP.Status.GOING
    assert shaker.notifications.filter(kind="events.edition_approved").count() == 1


def test_day_page_shows_the_editions_per_country_with_participants(
    client, shaker, edith, alice, city, new_york
):
    day = DayFactory()
    paris = edition_for(day, organiser=shaker, city=city, editor=edith)
    edition_for(day, organiser=shaker, city=new_york, editor=edith)
    services.rsvp_create(event=paris.event, member=alice, guests=1)

    page = client.get(f"/en/events/days/{day.slug}/").content.decode()
    geo = client.get(f"/en/events/days/{day.slug}/editions.geojson").json()

    assert "In 30 days" in page
    assert page.index("<h3>France</h3>") < page.index("<h3>United States")
    counts = {f["properties"]["title"]: f["properties"]["participants"] for f in geo["features"]}
    assert counts == {"Paris": 2, "New York": 0}


def test_a_big_day_lists_countries_and_each_country_its_editions(
    client, shaker, edith, alice, city, new_york, monkeypatch
):
    monkeypatch.setattr("events.views.DAY_LIST_ALL", 1)  # 60 in production
    day = DayFactory()
    paris = edition_for(day, organiser=shaker, city=city, editor=edith)
    edition_for(day, organiser=shaker, city=new_york, editor=edith)
    services.rsvp_create(event=paris.event, member=alice, guests=1)

    page = client.get(f"/en/events/days/{day.slug}/").content.decode()
    us_page = client.get(f"/en/events/days/{day.slug}/?country=us").content.decode()

    assert "2 city editions, 2 participants." in page
    assert '<a href="?country=FR#map-title">France</a></th><td>1</td><td>2</td>' in page
    assert "<h3>" not in page.split("Editions around the world")[1].split("Practical kit")[0]
    assert "<h3>United States" in us_page and "<h3>France</h3>" not in us_page
    assert client.get(f"/en/events/days/{day.slug}/?country=zz").status_code == 404


@pytest.mark.parametrize("n", [3, 12])
def test_day_page_and_world_map_cost_fixed_queries(client, django_assert_max_num_queries, shaker, edith, n):
    day = DayFactory()
    for i in range(n):
        edition_for(
            day, organiser=shaker, city=CityFactory(slug=f"c{i}", lat=10 + i, lng=20 + i), editor=edith
        )

    with django_assert_max_num_queries(6):
        assert client.get(day.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(2):
        assert len(client.get(reverse("events:day_geojson", args=[day.slug])).json()["features"]) == n


def test_progress_page_is_for_editors_only(client, shaker, edith, charlie, city):
    day = DayFactory()
    edition_for(day, organiser=shaker, city=city, approved=False)
    url = reverse("events:day_progress", args=[day.slug])

    client.force_login(charlie)
    assert client.get(url).status_code == 404
    client.force_login(shaker)
    assert client.get(url).status_code == 404
    client.force_login(edith)
    page = client.get(url).content.decode()
    assert "Sam" in page


def test_progress_page_lists_approved_editions_without_report(client, shaker, edith, city, new_york):
    day = DayFactory()
    edition_for(day, organiser=shaker, city=city, editor=edith)
    client.force_login(edith)

    response = client.get(reverse("events:day_progress", args=[day.slug]))

    assert [e.event.city.slug for e in response.context["without_report"]] == ["paris"]


def test_editor_approves_through_the_progress_page(client, shaker, edith, city):
    day = DayFactory()
    edition = edition_for(day, organiser=shaker, city=city, approved=False)
    client.force_login(edith)

    client.post(reverse("events:edition_review", args=[day.slug, edition.pk]), {"decision": "approve"})

    edition.refresh_from_db()
    assert edition.status == "approved"


def test_edition_form_refuses_a_date_off_the_day(client, shaker, city):
    day = DayFactory()
    client.force_login(shaker)
    other = (day.date + timedelta(days=2)).isoformat()

    response = client.post(
        reverse("events:edition_register", args=[day.slug]),
        {"city": city.pk, "place_name": "Parc", "starts_at": f"{other}T10:00"},
    )

    assert response.status_code == 200
    assert f"takes place on {day.date.isoformat()}" in response.content.decode()
    assert not CityEdition.objects.exists()


# --- Timeline ---------------------------------------------------------------------------------------


def _run(now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return timeline.schedule_due_steps(now=now)


def _count(kind):
    return Notification.objects.filter(kind=kind).count()


def test_running_the_scheduler_twice_sends_each_message_once(
    shaker, edith, city, django_capture_on_commit_callbacks
):
    theme = ThemeFactory(slug="compost")
    day = DayFactory(date=timezone.localdate() + timedelta(days=1))
    day.themes.set([theme])
    edition = edition_for(day, organiser=shaker, city=city, editor=edith)
    members = [MemberFactory() for _ in range(3)]
    for m in members:
        services.rsvp_create(event=edition.event, member=m)
    fan = MemberFactory(point={"type": "Point", "coordinates": [city.longitude, city.latitude]})
    fan.interests.set([theme])
    now = datetime.combine(
        day.date - timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo("Europe/Paris")
    ).replace(hour=11)

    first = _run(now, django_capture_on_commit_callbacks)
    second = _run(now, django_capture_on_commit_callbacks)

    assert first > 0 and second == 0
    assert _count("events.participants_j1") == 3
    assert _count("events.day_announce") == 1
    assert _count("events.edition_invite") == 1
    assert _count("events.organiser_kit") == 1
    assert ScheduledStep.objects.filter(step="participants_j1").count() == 1
    # J-7 and J-14 were due before the edition was approved and expired: never sent late.
    assert _count("events.organiser_j14") == 0


def test_a_step_whose_worker_died_is_run_again_without_duplicates(
    shaker, edith, city, django_capture_on_commit_callbacks
):
    day = DayFactory(date=timezone.localdate() + timedelta(days=1))
    edition = edition_for(day, organiser=shaker, city=city, editor=edith)
    services.rsvp_create(event=edition.event, member=MemberFactory())
    now = datetime.combine(
        day.date - timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo("Europe/Paris")
    ).replace(hour=11)
    _run(now, django_capture_on_commit_callbacks)
    # Simulate a worker that died after sending but before marking the step done.
    ScheduledStep.objects.filter(step="participants_j1").update(done_at=None)

    again = _run(now + timeline.STALE_AFTER + timedelta(minutes=1), django_capture_on_commit_callbacks)

    assert again >= 1
    assert _count("events.participants_j1") == 1
    assert ScheduledStep.objects.get(step="participants_j1").done_at is not None


def test_running_a_step_twice_sends_its_messages_once(
    shaker, edith, city, django_capture_on_commit_callbacks
):
    from events.tasks import run_step

    day = DayFactory(date=timezone.localdate() + timedelta(days=1))
    edition = edition_for(day, organiser=shaker, city=city, editor=edith)
    for member in (MemberFactory(), MemberFactory()):
        services.rsvp_create(event=edition.event, member=member)
    now = datetime.combine(
        day.date - timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo("Europe/Paris")
    ).replace(hour=11)
    _run(now, django_capture_on_commit_callbacks)
    step = ScheduledStep.objects.get(step="participants_j1")
    first = sorted(Notification.objects.values_list("kind", "recipient_id"))
    # A redelivered message whose first run had not yet recorded the step as done, then once more.
    ScheduledStep.objects.filter(pk=step.pk).update(done_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        run_step(step.pk)
    with django_capture_on_commit_callbacks(execute=True):
        run_step(step.pk)

    assert sorted(Notification.objects.values_list("kind", "recipient_id")) == first
    assert _count("events.participants_j1") == 2
    assert ScheduledStep.objects.get(pk=step.pk).done_at is not None


def test_j1_reminders_are_enqueued_in_batches(
    shaker, edith, city, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(timeline, "BATCH_SIZE", 2)
    calls = []
    real = timeline.notify_members
    monkeypatch.setattr(
        timeline, "notify_members", lambda ids, *a, **k: calls.append(len(ids)) or real(ids, *a, **k)
    )
    day = DayFactory(date=timezone.localdate() + timedelta(days=1))
    edition = edition_for(day, organiser=shaker, city=city, editor=edith)
    for _ in range(5):
        services.rsvp_create(event=edition.event, member=MemberFactory())
    now = datetime.combine(
        day.date - timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo("Europe/Paris")
    ).replace(hour=11)

    _run(now, django_capture_on_commit_callbacks)

    j1_batches = [n for n in calls if n]
    assert sorted(j1_batches)[-3:] == [1, 2, 2] or j1_batches.count(2) >= 2
    assert _count("events.participants_j1") == 5


def test_dst_change_the_week_before_keeps_local_reminder_and_today_times(
    shaker, edith, django_capture_on_commit_callbacks
):
    # Paris moves to summer time on the last Sunday of March; the day is the Saturday after.
    year = timezone.now().year + 1
    last_sunday = max(date(year, 3, d) for d in range(25, 32) if date(year, 3, d).weekday() == 6)
    day_date = last_sunday + timedelta(days=6)
    paris = CityFactory(slug="paris-dst", timezone="Europe/Paris", lat=48.85, lng=2.35)
    day = DayFactory(
        date=day_date, registration_opens=day_date - timedelta(days=60), registration_closes=day_date
    )
    edition = edition_for(day, organiser=shaker, city=paris, editor=edith, hour=10)
    edition.reviewed_at = datetime(year, 1, 1, tzinfo=ZoneInfo("UTC"))
    edition.save()
    services_member = MemberFactory()
    RSVP.objects.create(event=edition.event, member=services_member, status="going")

    steps = {
        s.name: s
        for s in timeline.edition_steps(
            CityEdition.objects.select_related("event__city", "day").get(pk=edition.pk)
        )
    }
    utc = ZoneInfo("UTC")
    # J-7 falls before the change (UTC+1), the day after it (UTC+2): same local hours, different UTC hours.
    assert steps["participants_j7"].due.astimezone(utc).hour == 9
    assert steps["today"].due.astimezone(utc).hour == 6
    assert edition.event.starts_at.astimezone(utc).hour == 8

    morning_before = datetime(day_date.year, day_date.month, day_date.day, 5, 59, tzinfo=utc)
    _run(morning_before, django_capture_on_commit_callbacks)
    assert _count("events.participants_today") == 0
    _run(morning_before + timedelta(minutes=2), django_capture_on_commit_callbacks)
    assert _count("events.participants_today") == 1


def test_reminder_arrives_in_the_members_language(shaker, edith, city, django_capture_on_commit_callbacks):
    day = DayFactory(date=timezone.localdate() + timedelta(days=1))
    edition = edition_for(day, organiser=shaker, city=city, editor=edith)
    es = MemberFactory(language="es")
    services.rsvp_create(event=edition.event, member=es)
    now = datetime.combine(
        day.date - timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo("Europe/Paris")
    ).replace(hour=11)

    _run(now, django_capture_on_commit_callbacks)

    assert es.notifications.get(kind="events.participants_j1").title.startswith("Mañana")


def test_event_reminder_and_how_was_it_are_sent_once(alice, django_capture_on_commit_callbacks):
    from tests.events.factories import EventFactory

    soon = timezone.now() + timedelta(hours=20)
    event = EventFactory(starts_at=soon, ends_at=soon + timedelta(hours=2))
    services.rsvp_create(event=event, member=alice)

    with django_capture_on_commit_callbacks(execute=True):
        timeline.event_reminders()
        timeline.event_reminders()
    assert alice.notifications.filter(kind="events.reminder").count() == 1

    later = soon + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        timeline.event_reminders(now=later)
        timeline.event_reminders(now=later)
    assert alice.notifications.filter(kind="events.how_was_it").count() == 1


def test_running_the_reminder_task_twice_sends_each_reminder_once(
    alice, bob, django_capture_on_commit_callbacks
):
    from events.tasks import send_event_reminders
    from tests.events.factories import EventFactory

    soon = timezone.now() + timedelta(hours=20)
    event = EventFactory(starts_at=soon, ends_at=soon + timedelta(hours=2))
    for member in (alice, bob):
        services.rsvp_create(event=event, member=member)

    with django_capture_on_commit_callbacks(execute=True):
        assert send_event_reminders() == 1
    reminders = Notification.objects.filter(kind="events.reminder")
    first = sorted(reminders.values_list("recipient_id", "email_status"))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_event_reminders() == 0

    assert sorted(reminders.values_list("recipient_id", "email_status")) == first
    assert sorted(r for r, _status in first) == sorted([alice.pk, bob.pk])


def test_running_a_notify_batch_twice_notifies_each_member_once(
    alice, bob, django_capture_on_commit_callbacks
):
    from django.core import mail

    from events.tasks import notify_batch
    from tests.events.factories import EventFactory

    event = EventFactory()
    context = {"event_title": event.title, "event_id": event.pk, "local_start": "", "place": ""}
    args = (
        [alice.pk, bob.pk],
        "events.reminder",
        context,
        event.get_absolute_url(),
        f"events.reminder:{event.pk}",
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert notify_batch(*args) == 2
    first = sorted(Notification.objects.values_list("recipient_id", "email_status")), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_batch(*args) == 0

    assert (
        sorted(Notification.objects.values_list("recipient_id", "email_status")),
        len(mail.outbox),
    ) == first
    assert first[1] == 2


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_claim_each_step_once(shaker, edith, city):
    day = DayFactory(date=timezone.localdate() + timedelta(days=1))
    edition_for(day, organiser=shaker, city=city, editor=edith)
    now = datetime.combine(
        day.date - timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo("Europe/Paris")
    ).replace(hour=11)

    outcome = race(lambda: timeline.schedule_due_steps(now=now), [()] * 3)

    assert outcome.errors == []
    steps = list(ScheduledStep.objects.values_list("step", flat=True))
    assert len(steps) == len(set(steps))
    assert _count("events.organiser_kit") == 1


def test_followers_of_a_featured_initiative_are_announced_the_day(
    shaker, edith, city, django_capture_on_commit_callbacks
):
    from django.contrib.contenttypes.models import ContentType

    from initiatives.models import Initiative, InitiativeFollow
    from tests.initiatives.factories import InitiativeFactory

    follower = MemberFactory(email="follower@example.org")
    initiative = InitiativeFactory()
    InitiativeFollow.objects.create(initiative=initiative, member=follower)
    day = DayFactory(date=timezone.localdate() + timedelta(days=10))
    FeaturedFactory(
        day=day,
        link_content_type=ContentType.objects.get_for_model(Initiative),
        link_object_id=initiative.pk,
    )
    now = datetime.combine(day.registration_opens, datetime.min.time(), tzinfo=ZoneInfo("UTC")).replace(
        hour=11
    )

    _run(now, django_capture_on_commit_callbacks)

    assert follower.notifications.filter(kind="events.day_announce").count() == 1
