"""The bench's busiest member: follows the members who took part most recently, and took part in
missions, events and proposals of the biggest city, with every counter in step."""

import random

import pytest

from bench.context import BenchContext, CityRow
from bench.seed import mycivic
from civic.accounts.models import Follow, User
from events.models import RSVP
from participation.models import Support
from tests.events.factories import EventFactory
from tests.factories import CityFactory, MemberFactory, ThemeFactory
from tests.participation.factories import ProposalFactory
from tests.volunteering.factories import ParticipationFactory, SlotFactory
from volunteering.models import Participation

pytestmark = pytest.mark.django_db


def test_the_busy_member_follows_active_members_and_took_part_with_counters_in_step(monkeypatch):
    paris = CityFactory(slug="bench-0", lat=48.85, lng=2.35)
    active = [MemberFactory() for _ in range(4)]
    idle = MemberFactory()
    for member in active:
        ParticipationFactory(
            member=member, slot=SlotFactory(mission__city=paris, mission__organization__city=paris)
        )
    slots = [
        SlotFactory(mission__city=paris, mission__organization__city=paris, capacity=2) for _ in range(3)
    ]
    full = SlotFactory(mission__city=paris, mission__organization__city=paris, capacity=1)
    ParticipationFactory(slot=full)
    events = [EventFactory(city=paris, capacity=10) for _ in range(2)]
    proposals = [ProposalFactory(city=paris) for _ in range(2)]
    themes = [ThemeFactory(slug=f"t{i}") for i in range(3)]
    monkeypatch.setattr(mycivic, "FOLLOWS", 3)
    ctx = BenchContext(
        scale=0.0001,
        rng=random.Random(1),
        cities=[CityRow(paris.pk, paris.slug, "Paris", 48.85, 2.35, "fr", "Europe/Paris")],
        member_ids=(active[0].pk, idle.pk),
        theme_ids=[t.pk for t in themes],
        organization_ids=[],
        progress=False,
    )

    mycivic.generate(ctx)

    maya = User.objects.get(email=mycivic.EMAIL)
    followed = set(Follow.objects.filter(follower=maya).values_list("followed_id", flat=True))
    assert len(followed) == 3 and followed < {m.pk for m in active} | {full.participations.get().member_id}
    assert idle.pk not in followed
    joined = Participation.objects.filter(member=maya)
    assert joined.count() == 7  # every mission of the city with room (not the full slot's)
    for slot in slots:
        slot.refresh_from_db()
        assert slot.confirmed_count == 1
    full.refresh_from_db()
    assert full.confirmed_count == 1 and not joined.filter(slot=full).exists()
    assert RSVP.objects.filter(member=maya, status="going").count() == 2
    assert [e.seats_taken for e in type(events[0]).objects.filter(pk__in=[e.pk for e in events])] == [1, 1]
    assert Support.objects.filter(member=maya).count() == 2
    assert sorted(
        p.supports_count for p in type(proposals[0]).objects.filter(pk__in=[p.pk for p in proposals])
    ) == [1, 1]
    assert set(maya.interests.values_list("pk", flat=True)) == {t.pk for t in themes}
