from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from civic.notifications.models import Notification
from civic.organizations import admin_mixins
from tests.admin_forms import change_form_data, during_admin_request
from tests.factories import MemberFactory
from tests.outbox import run_jobs
from tests.volunteering.factories import MissionFactory, ParticipationFactory, SlotFactory
from volunteering import services
from volunteering.admin import MissionAdmin, SlotAdmin
from volunteering.models import Mission, MissionStatus, Participation, Slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(org_a):
    """Association A's mission, slot and one volunteer's participation."""
    mission = MissionFactory(organization=org_a, title_fr="Mission de A")
    slot = SlotFactory(mission=mission)
    participation = ParticipationFactory(
        slot=slot, member=MemberFactory(email="vol@example.org", display_name="Vol")
    )
    return {"mission": mission, "slot": slot, "participation": participation}


URLS = {
    "mission_change": lambda r: reverse("admin:volunteering_mission_change", args=[r["mission"].pk]),
    "slot_change": lambda r: reverse("admin:volunteering_slot_change", args=[r["slot"].pk]),
    "participation_change": lambda r: reverse(
        "admin:volunteering_participation_change", args=[r["participation"].pk]
    ),
}


@pytest.mark.parametrize("url_name", list(URLS))
@pytest.mark.parametrize(
    ("who", "expected"),
    [("alice_in_a", 200), ("bob_in_b", 404), ("edith", 200), ("charlie", 302), (None, 302)],
)
def test_admin_scoping_matrix(client, request, records, url_name, who, expected):
    if who:
        client.force_login(request.getfixturevalue(who))

    response = client.get(URLS[url_name](records))

    assert response.status_code == expected


@pytest.mark.parametrize(
    "changelist",
    [
        "volunteering_mission_changelist",
        "volunteering_slot_changelist",
        "volunteering_participation_changelist",
    ],
)
def test_member_of_another_association_sees_none_of_its_rows(client, bob_in_b, records, changelist):
    client.force_login(bob_in_b)

    response = client.get(reverse(f"admin:{changelist}"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_member_of_another_association_cannot_act_on_its_rows(client, bob_in_b, records):
    client.force_login(bob_in_b)
    mission = records["mission"]

    client.post(
        reverse("admin:volunteering_mission_changelist"),
        {"action": "close", "_selected_action": [mission.pk]},
    )

    mission.refresh_from_db()
    assert mission.status == MissionStatus.PUBLISHED


def test_volunteers_contact_details_show_only_for_those_who_consented(client, alice_in_a, records):
    ParticipationFactory(
        slot=records["slot"],
        member=MemberFactory(email="open@example.org", display_name="Open"),
        share_contact=True,
    )
    client.force_login(alice_in_a)

    html = client.get(URLS["slot_change"](records)).content.decode()

    assert "open@example.org" in html
    assert "Vol" in html and "vol@example.org" not in html


def test_association_confirms_attendance_after_the_date_which_sets_hours(client, alice_in_a, records):
    start = timezone.now() - timedelta(days=1)
    Slot.objects.filter(pk=records["slot"].pk).update(starts_at=start, ends_at=start + timedelta(hours=3))
    client.force_login(alice_in_a)

    client.post(
        reverse("admin:volunteering_participation_changelist"),
        {"action": "mark_attended", "_selected_action": [records["participation"].pk]},
    )

    participation = Participation.objects.get(pk=records["participation"].pk)
    assert participation.status == "attended" and participation.hours == 3


def test_attendance_before_the_date_is_refused(client, alice_in_a, records):
    client.force_login(alice_in_a)

    client.post(
        reverse("admin:volunteering_participation_changelist"),
        {"action": "mark_absent", "_selected_action": [records["participation"].pk]},
    )

    assert Participation.objects.get(pk=records["participation"].pk).status == "confirmed"


def test_association_messages_all_volunteers_of_a_slot(client, alice_in_a, records):
    client.force_login(alice_in_a)
    url = reverse("admin:volunteering_slot_changelist")
    form = client.post(url, {"action": "message_volunteers", "_selected_action": [records["slot"].pk]})
    assert form.status_code == 200 and b"textarea" in form.content

    response = client.post(
        url,
        {
            "action": "message_volunteers",
            "_selected_action": [records["slot"].pk],
            "send": "1",
            "text": "Bring gloves",
        },
        follow=True,
    )

    assert "Votre message est en cours d’envoi à 1 bénévole." in response.content.decode()
    assert mail.outbox == []  # sent by a background job, not during the request
    run_jobs()
    assert Notification.objects.filter(kind="volunteering.message").count() == 1
    assert [m.to for m in mail.outbox] == [["vol@example.org"]] and "Bring gloves" in mail.outbox[0].body


def test_association_exports_a_slot_as_csv(client, alice_in_a, records):
    client.force_login(alice_in_a)

    response = client.post(
        reverse("admin:volunteering_slot_changelist"),
        {"action": "export_csv", "_selected_action": [records["slot"].pk]},
    )

    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Vol" in body and "vol@example.org" not in body


def test_association_duplicates_publishes_and_closes_missions(client, alice_in_a, records):
    client.force_login(alice_in_a)
    url = reverse("admin:volunteering_mission_changelist")

    client.post(url, {"action": "duplicate", "_selected_action": [records["mission"].pk]})
    copy = Mission.objects.exclude(pk=records["mission"].pk).get()
    assert copy.status == MissionStatus.DRAFT
    client.post(url, {"action": "publish", "_selected_action": [copy.pk]})
    copy.refresh_from_db()
    assert copy.status == MissionStatus.PUBLISHED
    client.post(url, {"action": "close", "_selected_action": [copy.pk]})
    copy.refresh_from_db()
    assert copy.status == MissionStatus.CLOSED


def _mission_form(org, city, **slot):
    data = {
        "organization": org.pk,
        "city": city.pk,
        "title_fr": "Nouvelle mission",
        "description_fr": "Pourquoi.",
        "point_lat": "48.85",
        "point_lng": "2.35",
        "slots-TOTAL_FORMS": "1",
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
    }
    for key, value in slot.items():
        data[f"slots-0-{key}"] = value
    return data


def test_association_creates_a_mission_with_a_slot_in_admin(client, alice_in_a, org_a, city):
    client.force_login(alice_in_a)
    day = (timezone.now() + timedelta(days=10)).strftime("%Y-%m-%d")

    response = client.post(
        reverse("admin:volunteering_mission_add"),
        _mission_form(
            org_a, city, starts_at_0=day, starts_at_1="09:00", ends_at_0=day, ends_at_1="12:00", capacity="4"
        ),
    )

    assert response.status_code == 302, response.context["errors"] if response.context else response
    mission = Mission.objects.get()
    slot = mission.slots.get()
    assert slot.capacity == 4
    assert slot.starts_at.astimezone(city.timezone).hour == 9  # typed in the city's local time


@pytest.mark.parametrize(
    ("slot", "message"),
    [
        (
            {
                "starts_at_0": "2020-01-01",
                "starts_at_1": "09:00",
                "ends_at_0": "2020-01-01",
                "ends_at_1": "10:00",
                "capacity": "3",
            },
            "in the past",
        ),
        (
            {
                "starts_at_0": "2099-01-01",
                "starts_at_1": "09:00",
                "ends_at_0": "2099-01-01",
                "ends_at_1": "08:00",
                "capacity": "3",
            },
            "must end after",
        ),
        (
            {
                "starts_at_0": "2099-01-01",
                "starts_at_1": "09:00",
                "ends_at_0": "2099-01-01",
                "ends_at_1": "10:00",
                "capacity": "0",
            },
            "at least one",
        ),
    ],
)
def test_bad_slots_in_admin_get_a_message_and_nothing_is_saved(
    client, alice_in_a, org_a, city, slot, message, settings
):
    client.force_login(alice_in_a)

    response = client.post(
        "/admin/volunteering/mission/add/", _mission_form(org_a, city, **slot), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Mission.objects.exists() and not Slot.objects.exists()


def test_a_mission_without_a_point_is_refused_in_admin(client, alice_in_a, org_a, city):
    client.force_login(alice_in_a)
    data = _mission_form(org_a, city)
    data.update({"point_lat": "", "point_lng": "", "slots-TOTAL_FORMS": "0"})

    response = client.post("/admin/volunteering/mission/add/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200 and not Mission.objects.exists()
    assert "Place the mission on the map" in response.content.decode()


def test_association_member_cannot_pick_another_organisation(client, alice_in_a, org_b, city):
    client.force_login(alice_in_a)

    response = client.post(
        "/admin/volunteering/mission/add/", _mission_form(org_b, city), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200 and not Mission.objects.exists()
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("model", ["mission", "slot"])
def test_delete_pages_answer_404_to_another_association(client, bob_in_b, records, model):
    client.force_login(bob_in_b)

    response = client.get(reverse(f"admin:volunteering_{model}_delete", args=[records[model].pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("model", ["mission", "slot"])
def test_missions_and_slots_with_volunteers_cannot_be_deleted(client, alice_in_a, records, model):
    client.force_login(alice_in_a)

    response = client.post(
        reverse(f"admin:volunteering_{model}_delete", args=[records[model].pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Participation.objects.filter(pk=records["participation"].pk).exists()


def test_slot_times_are_shown_in_the_city_time_zone_so_saving_keeps_them(client, alice_in_a, records):
    slot = records["slot"]
    local = slot.starts_at.astimezone(slot.mission.city.timezone)
    client.force_login(alice_in_a)

    html = client.get(URLS["mission_change"](records)).content.decode()

    assert f'value="{local:%H:%M:%S}"' in html


def test_new_slots_can_only_be_attached_to_ones_own_missions(client, bob_in_b, records, org_b):
    own = MissionFactory(organization=org_b, title_fr="Mission de B")
    client.force_login(bob_in_b)

    choices = (
        client.get(reverse("admin:volunteering_slot_add"))
        .context["adminform"]
        .form.fields["mission"]
        .queryset
    )

    assert list(choices) == [own]


# --- Capacity and the confirmed count ------------------------------------------------------------

CAPACITY_REFUSED = "3 volunteers are already confirmed: the capacity cannot be lower."


@pytest.fixture
def full_slot(org_a):
    """Association A's slot for 5 volunteers, 3 of them confirmed."""
    slot = SlotFactory(mission=MissionFactory(organization=org_a), capacity=5)
    for _ in range(3):
        ParticipationFactory(slot=slot)
    slot.refresh_from_db()
    return slot


def _slot_url(slot):
    return reverse("admin:volunteering_slot_change", args=[slot.pk])


def _mission_url(slot):
    return reverse("admin:volunteering_mission_change", args=[slot.mission_id])


def _confirmed(slot):
    return Participation.objects.filter(slot=slot, status="confirmed").count()


def test_admin_refuses_a_capacity_below_the_confirmed_count(client, alice_in_a, full_slot):
    client.force_login(alice_in_a)
    data = change_form_data(client, _slot_url(full_slot), capacity=2)

    response = client.post(_slot_url(full_slot), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert CAPACITY_REFUSED in response.context["adminform"].form.errors["capacity"][0]
    assert CAPACITY_REFUSED in response.content.decode()
    assert Slot.objects.get(pk=full_slot.pk).capacity == 5


def test_the_mission_slot_inline_refuses_a_capacity_below_the_confirmed_count(client, alice_in_a, full_slot):
    client.force_login(alice_in_a)
    data = change_form_data(client, _mission_url(full_slot), **{"slots-0-capacity": 2})

    response = client.post(_mission_url(full_slot), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    slot_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert slot_form.instance.pk == full_slot.pk
    assert CAPACITY_REFUSED in slot_form.errors["capacity"][0]
    assert Slot.objects.get(pk=full_slot.pk).capacity == 5


def test_admin_accepts_a_capacity_equal_to_the_confirmed_count(client, alice_in_a, full_slot):
    client.force_login(alice_in_a)
    data = change_form_data(client, _slot_url(full_slot), capacity=3)

    response = client.post(_slot_url(full_slot), data)

    assert response.status_code == 302
    assert Slot.objects.get(pk=full_slot.pk).capacity == 3


@pytest.mark.parametrize(
    "change", [{"capacity": 2}, {"confirmed_count": 6}, {"confirmed_count": -1}], ids=str
)
def test_the_database_refuses_a_slot_over_capacity_or_below_zero(full_slot, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=full_slot.pk).update(**change)


def test_raising_the_capacity_in_admin_confirms_the_waiting_list(
    client, alice_in_a, full_slot, django_capture_on_commit_callbacks
):
    Slot.objects.filter(pk=full_slot.pk).update(capacity=3)
    waiting = ParticipationFactory(slot=full_slot, status="waiting", position=1)
    client.force_login(alice_in_a)
    data = change_form_data(client, _slot_url(full_slot), capacity=4)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_slot_url(full_slot), data)

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert Slot.objects.get(pk=full_slot.pk).confirmed_count == 4 == _confirmed(full_slot)


def _join(slot_id):
    services.participation_create(slot=Slot.objects.get(pk=slot_id), member=MemberFactory())


@pytest.mark.django_db(transaction=True)
def test_a_join_during_an_admin_save_of_the_slot_is_not_lost(client, alice_in_a, full_slot, monkeypatch):
    client.force_login(alice_in_a)
    data = change_form_data(client, _slot_url(full_slot), capacity=6)
    join = during_admin_request(monkeypatch, SlotAdmin, "before_save", _join, full_slot.pk)

    response = client.post(_slot_url(full_slot), data)
    join.finish()

    assert response.status_code == 302
    slot = Slot.objects.get(pk=full_slot.pk)
    assert slot.capacity == 6
    assert slot.confirmed_count == 4 == _confirmed(slot)


@pytest.mark.django_db(transaction=True)
def test_a_join_during_an_admin_save_of_the_mission_is_not_lost(client, alice_in_a, full_slot, monkeypatch):
    client.force_login(alice_in_a)
    data = change_form_data(client, _mission_url(full_slot), **{"slots-0-capacity": 6})
    join = during_admin_request(monkeypatch, MissionAdmin, "before_save", _join, full_slot.pk)

    response = client.post(_mission_url(full_slot), data)
    join.finish()

    assert response.status_code == 302
    slot = Slot.objects.get(pk=full_slot.pk)
    assert slot.capacity == 6
    assert slot.confirmed_count == 4 == _confirmed(slot)


@pytest.mark.django_db(transaction=True)
def test_a_join_that_fills_the_slot_during_the_admin_save_refuses_the_lower_capacity(
    client, alice_in_a, full_slot, monkeypatch
):
    """Validation reads the confirmed count under the slot's lock, after the join committed."""
    client.force_login(alice_in_a)
    data = change_form_data(client, _slot_url(full_slot), capacity=3)  # valid when the page was read
    join = during_admin_request(monkeypatch, SlotAdmin, "after_read", _join, full_slot.pk)

    response = client.post(_slot_url(full_slot), data, HTTP_ACCEPT_LANGUAGE="en")
    join.finish()

    assert response.status_code == 200
    assert "4 volunteers are already confirmed" in response.context["adminform"].form.errors["capacity"][0]
    slot = Slot.objects.get(pk=full_slot.pk)
    assert (slot.capacity, slot.confirmed_count, _confirmed(slot)) == (5, 4, 4)


@pytest.mark.django_db(transaction=True)
def test_when_the_database_check_fires_the_admin_shows_the_message_and_saves_nothing(
    client, alice_in_a, full_slot, monkeypatch
):
    """A path that validated against a stale count (here: the locked re-read skipped once) reaches
    the CHECK constraint; the admin rolls everything back and shows the field message."""
    client.force_login(alice_in_a)
    data = change_form_data(client, _slot_url(full_slot), capacity=3)
    data["ends_at_1"] = ["23:59:00"]  # a second change that must not be half-saved
    join = during_admin_request(monkeypatch, SlotAdmin, "after_read", _join, full_slot.pk)
    lock_counters = admin_mixins._lock_counters
    skipped = []

    def skip_first_read(instance, fields):
        if not skipped:
            skipped.append(instance.pk)
            return
        lock_counters(instance, fields)

    monkeypatch.setattr(admin_mixins, "_lock_counters", skip_first_read)

    response = client.post(_slot_url(full_slot), data, HTTP_ACCEPT_LANGUAGE="en")
    join.finish()

    assert skipped == [full_slot.pk]
    assert response.status_code == 200
    assert "4 volunteers are already confirmed" in response.context["adminform"].form.errors["capacity"][0]
    slot = Slot.objects.get(pk=full_slot.pk)
    assert (slot.capacity, slot.ends_at, slot.confirmed_count) == (5, full_slot.ends_at, 4)


def test_an_english_only_association_saves_a_mission_written_in_english(client, alice_in_a, org_a, city):
    client.force_login(alice_in_a)
    data = _mission_form(org_a, city)
    data.update(
        {
            "title_fr": "",
            "description_fr": "",
            "title_en": "Beach clean-up",
            "description_en": "Why.",
            "slots-TOTAL_FORMS": "0",
        }
    )

    response = client.post("/admin/volunteering/mission/add/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302, response.context["errors"] if response.context else response
    mission = Mission.objects.get()
    assert mission.title_en == "Beach clean-up" and mission.title_fr in ("", None)
    with translation.override("fr"):
        assert mission.title == "Beach clean-up"  # French readers see the English text until translated


def test_a_mission_title_is_required_in_at_least_one_language(client, alice_in_a, org_a, city):
    client.force_login(alice_in_a)
    data = _mission_form(org_a, city)
    data.update({"title_fr": "", "slots-TOTAL_FORMS": "0"})

    response = client.post("/admin/volunteering/mission/add/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200 and not Mission.objects.exists()
    assert "Fill this in at least one language" in response.content.decode()


def test_csv_export_gives_slot_starts_on_the_mission_city_clock(client, alice_in_a, records):
    city = records["mission"].city
    city.timezone = "America/Sao_Paulo"
    city.save()
    client.force_login(alice_in_a)

    response = client.post(
        reverse("admin:volunteering_slot_changelist"),
        {"action": "export_csv", "_selected_action": [records["slot"].pk]},
    )

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    local = timezone.localtime(records["slot"].starts_at, city.timezone).isoformat(timespec="seconds")
    assert local.endswith("-03:00") and local in body
