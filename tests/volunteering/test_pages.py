from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from civic.accounts.models import Follow
from tests.volunteering.factories import MissionFactory, ParticipationFactory, SlotFactory
from volunteering import services
from volunteering.models import MissionStatus, Participation, ParticipationStatus, Recommendation, Slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(org_a):
    return SlotFactory(
        mission=MissionFactory(organization=org_a, title_fr="Potager", title_en="Vegetable garden")
    )


def test_mission_page_shows_slots_places_left_and_the_join_button(client, slot):
    response = client.get(f"/en/missions/{slot.mission.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Vegetable garden" in html and "5 places left out of 5" in html
    assert reverse("volunteering:join", args=[slot.pk]) in html and "I participate" in html


def test_draft_missions_answer_404_to_the_public(client, org_a):
    mission = MissionFactory(organization=org_a, status=MissionStatus.DRAFT)

    assert client.get(f"/en/missions/{mission.pk}/").status_code == 404


def test_mission_page_shows_which_people_i_follow_take_part(client, alice, bob, charlie, slot):
    Follow.objects.create(follower=alice, followed=bob)
    ParticipationFactory(slot=slot, member=bob)
    ParticipationFactory(slot=slot, member=charlie)
    client.force_login(alice)

    friends = client.get(f"/en/missions/{slot.mission.pk}/").context["friends"]

    assert friends == [bob]


@pytest.mark.parametrize("n", [3, 30])
def test_mission_page_query_count_does_not_grow_with_slots(
    client, alice, org_a, n, django_assert_max_num_queries
):
    mission = MissionFactory(organization=org_a)
    for i in range(n):
        ParticipationFactory(
            slot=SlotFactory(mission=mission, starts_at=timezone.now() + timedelta(days=i + 1))
        )
    client.force_login(alice)

    with django_assert_max_num_queries(8):
        response = client.get(f"/en/missions/{mission.pk}/")

    assert len(response.context["slots"]) == n


def test_a_visitor_who_clicks_i_participate_is_sent_to_log_in_and_comes_back_to_confirm(client, alice, slot):
    join_url = reverse("volunteering:join", args=[slot.pk])

    response = client.post(join_url)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] and "next=" in response["Location"]
    assert not Participation.objects.exists()

    client.force_login(alice)
    confirm = client.get(join_url)
    assert confirm.status_code == 200 and not Participation.objects.exists()

    done = client.post(join_url, {"share_contact": "on"})

    assert done.status_code == 302 and done["Location"].endswith(
        f"/missions/{slot.mission.pk}/#slot-{slot.pk}"
    )
    participation = Participation.objects.get()
    assert (participation.member, participation.status, participation.share_contact) == (
        alice,
        "confirmed",
        True,
    )


def test_joining_needs_a_csrf_token(alice, slot):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(reverse("volunteering:join", args=[slot.pk])).status_code == 403
    assert not Participation.objects.exists()


def test_joining_a_closed_mission_shows_a_clear_message(client, alice, slot):
    slot.mission.status = MissionStatus.CLOSED
    slot.mission.save()
    client.force_login(alice)

    response = client.post(f"/en/missions/slots/{slot.pk}/join/")

    assert response.status_code == 400
    assert "no longer takes volunteers" in response.content.decode()
    assert not Participation.objects.exists()


def test_joining_a_past_slot_shows_a_clear_message(client, alice, slot):
    Slot.objects.filter(pk=slot.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(alice)

    response = client.post(f"/en/missions/slots/{slot.pk}/join/")

    assert response.status_code == 400 and "already started" in response.content.decode()


def test_member_cancels_from_my_engagements(client, alice, slot):
    participation = ParticipationFactory(slot=slot, member=alice)
    client.force_login(alice)

    response = client.post(reverse("volunteering:cancel", args=[participation.pk]))

    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.CANCELLED


def test_nobody_cancels_someone_elses_participation(client, alice, bob, slot):
    participation = ParticipationFactory(slot=slot, member=alice)
    client.force_login(bob)

    assert client.post(reverse("volunteering:cancel", args=[participation.pk])).status_code == 404
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.CONFIRMED


def test_my_engagements_show_upcoming_waiting_position_past_and_hours(
    client, alice, bob, charlie, edith, org_a
):
    full = SlotFactory(mission=MissionFactory(organization=org_a, title_fr="Complet"), capacity=1)
    services.participation_create(slot=full, member=bob)
    services.participation_create(slot=full, member=charlie)
    services.participation_create(slot=full, member=alice)
    past = SlotFactory(mission=MissionFactory(organization=org_a, title_fr="Passé"))
    done = ParticipationFactory(slot=past, member=alice)
    start = timezone.now() - timedelta(days=2)
    Slot.objects.filter(pk=past.pk).update(starts_at=start, ends_at=start + timedelta(hours=3))
    services.participation_mark_attendance(participation=done, attended=True, by=edith)
    client.force_login(alice)

    response = client.get("/en/missions/mine/")

    html = response.content.decode()
    assert "Complet" in html and "Waiting list: number 2" in html
    assert "Passé" in html and "3 hours in all" in html
    assert reverse("volunteering:attestation", args=[org_a.pk]) in html


@pytest.mark.parametrize("n", [3, 30])
def test_my_engagements_query_count_does_not_grow(client, alice, org_a, n, django_assert_max_num_queries):
    for _ in range(n):
        ParticipationFactory(member=alice, slot=SlotFactory(mission=MissionFactory(organization=org_a)))
    client.force_login(alice)

    with django_assert_max_num_queries(6):
        response = client.get("/en/missions/mine/")

    assert len(response.context["upcoming"]) == n


def test_attestation_lists_confirmed_hours_for_one_association_only(client, alice, edith, org_a, org_b):
    start = timezone.now() - timedelta(days=3)
    for org, title in [(org_a, "Chez A"), (org_b, "Chez B")]:
        slot = SlotFactory(mission=MissionFactory(organization=org, title_fr=title))
        participation = ParticipationFactory(slot=slot, member=alice)
        Slot.objects.filter(pk=slot.pk).update(starts_at=start, ends_at=start + timedelta(hours=2))
        services.participation_mark_attendance(participation=participation, attended=True, by=edith)
    client.force_login(alice)

    html = client.get(f"/en/missions/mine/attestation/{org_a.pk}/").content.decode()

    assert "Chez A" in html and "Chez B" not in html and "Alice" in html


def test_attestation_of_an_association_without_hours_answers_404(client, bob, org_a):
    client.force_login(bob)

    assert client.get(f"/en/missions/mine/attestation/{org_a.pk}/").status_code == 404


def test_calendar_file_downloads(client, slot):
    response = client.get(reverse("volunteering:slot_calendar", args=[slot.pk]))

    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in response.content and b"DTSTART" in response.content


def test_recommendation_emails_the_link_and_never_stores_the_addresses(
    client, alice, slot, django_capture_on_commit_callbacks
):
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/missions/{slot.mission.pk}/recommend/",
            {"emails": "friend@example.net, other@example.net", "message": "Come!"},
        )

    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["friend@example.net", "other@example.net"]
    assert "Alice" in mail.outbox[0].subject and f"/missions/{slot.mission.pk}/" in mail.outbox[0].body
    recommendation = Recommendation.objects.get()
    assert recommendation.recipients_count == 2
    stored = " ".join(str(v) for v in Recommendation.objects.values().get().values())
    assert "example.net" not in stored


def test_recommendations_are_rate_limited(client, alice, slot, django_capture_on_commit_callbacks):
    client.force_login(alice)
    url = f"/en/missions/{slot.mission.pk}/recommend/"
    for i in range(2):
        client.post(url, {"emails": ",".join(f"p{i}{j}@example.net" for j in range(5))})

    response = client.post(url, {"emails": "one-more@example.net"})

    assert response.status_code == 400
    assert "try again in an hour" in response.content.decode()
    assert Recommendation.objects.count() == 2


def test_a_bad_email_address_is_refused(client, alice, slot):
    client.force_login(alice)

    response = client.post(f"/en/missions/{slot.mission.pk}/recommend/", {"emails": "not-an-address"})

    assert response.status_code == 400 and not Recommendation.objects.exists()


def test_weekly_slots_say_they_repeat(client, slot, edith):
    services.slot_repeat_weekly(slot=slot, by=edith, weeks=2)

    html = client.get(f"/en/missions/{slot.mission.pk}/").content.decode()

    assert html.count("Every week on") == 3


def test_calendar_file_carries_the_mission_city_time_zone(client, slot):
    city = slot.mission.city
    city.timezone = "Australia/Melbourne"
    city.save()

    cal = Calendar.from_ical(client.get(reverse("volunteering:slot_calendar", args=[slot.pk])).content)

    vevent = cal.walk("VEVENT")[0]
    assert vevent["DTSTART"].params["TZID"] == "Australia/Melbourne"
    assert vevent.decoded("DTSTART") == slot.starts_at.replace(microsecond=0)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Australia/Melbourne"]


def test_a_missions_slots_name_the_city_clock_they_are_on(client, slot):
    html = client.get(f"/es/missions/{slot.mission.pk}/").content.decode()

    assert f"hora de {slot.mission.city.name_es or slot.mission.city.name_fr}" in html
