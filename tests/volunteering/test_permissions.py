"""The volunteering services check their own rules (``volunteering/rules.py``), whoever calls them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civic.core.models import AuditEntry
from civic.core.permissions import NotAllowed
from tests.factories import MemberFactory
from tests.volunteering.factories import MissionFactory, ParticipationFactory, SlotFactory
from volunteering import services
from volunteering.models import Mission, MissionStatus, Participation, ParticipationStatus, Slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission(org_a):
    return MissionFactory(organization=org_a, status=MissionStatus.DRAFT)


def _in_two_days():
    start = timezone.now() + timedelta(days=2)
    return {"starts_at": start, "ends_at": start + timedelta(hours=2), "capacity": 4}


def test_a_member_of_another_organisation_cannot_manage_the_mission(bob_in_b, mission):
    slot = SlotFactory(mission=mission)
    participation = ParticipationFactory(slot=slot)
    Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - timedelta(hours=3))
    participation.slot.refresh_from_db()

    refused = [
        lambda: services.mission_publish(mission=mission, by=bob_in_b),
        lambda: services.mission_close(mission=mission, by=bob_in_b),
        lambda: services.mission_duplicate(mission=mission, by=bob_in_b),
        lambda: services.slot_create(mission=mission, by=bob_in_b, **_in_two_days()),
        lambda: services.slot_repeat_weekly(slot=slot, by=bob_in_b, weeks=2),
        lambda: services.slot_message(slot=slot, text="Venez !", by=bob_in_b),
        lambda: services.participation_mark_attendance(
            participation=participation, attended=True, by=bob_in_b
        ),
    ]
    for call in refused:
        with pytest.raises(NotAllowed):
            call()

    mission.refresh_from_db()
    assert mission.status == MissionStatus.DRAFT
    assert Mission.objects.count() == 1 and Slot.objects.count() == 1
    assert Participation.objects.get(pk=participation.pk).status == ParticipationStatus.CONFIRMED
    assert not AuditEntry.objects.filter(action__startswith="volunteering.").exists()


def test_a_member_of_the_mission_organisation_manages_it(alice_in_a, mission):
    services.slot_create(mission=mission, by=alice_in_a, **_in_two_days())
    services.mission_publish(mission=mission, by=alice_in_a)

    mission.refresh_from_db()
    assert mission.status == MissionStatus.PUBLISHED and mission.slots.count() == 1


def test_only_the_volunteer_or_the_mission_organisation_cancels_a_participation(
    alice_in_a, bob, charlie, mission
):
    Mission.objects.filter(pk=mission.pk).update(status=MissionStatus.PUBLISHED)
    slot = SlotFactory(mission=mission)
    bobs = ParticipationFactory(member=bob, slot=slot)
    charlies = ParticipationFactory(member=charlie, slot=slot)

    with pytest.raises(NotAllowed):
        services.participation_cancel(participation=bobs, by=charlie)
    services.participation_cancel(participation=charlies, by=charlie)  # the volunteer
    services.participation_cancel(participation=bobs, by=alice_in_a)  # the mission's organisation

    assert Participation.objects.get(pk=bobs.pk).status == ParticipationStatus.CANCELLED
    assert Participation.objects.get(pk=charlies.pk).status == ParticipationStatus.CANCELLED
    assert AuditEntry.objects.filter(action="volunteering.participation.cancelled").count() == 2


def test_a_deactivated_account_cannot_join_a_slot():
    member = MemberFactory(is_active=False)

    with pytest.raises(NotAllowed):
        services.participation_create(slot=SlotFactory(), member=member)

    assert not Participation.objects.exists()
