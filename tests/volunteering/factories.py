"""Factories for volunteering tests."""

from datetime import timedelta

import factory
from django.db.models import F
from django.utils import timezone
from factory.django import DjangoModelFactory

from civic.places.geo import point
from tests.factories import CityFactory, MemberFactory, OrganizationFactory
from volunteering.models import Mission, MissionStatus, Participation, ParticipationStatus, Slot


class MissionFactory(DjangoModelFactory):
    class Meta:
        model = Mission
        skip_postgeneration_save = True

    class Params:
        lat = 48.8566
        lng = 2.3522

    organization = factory.SubFactory(OrganizationFactory)
    city = factory.LazyAttribute(lambda o: o.organization.city)
    title_fr = factory.Sequence(lambda n: f"Mission {n}")
    title_en = factory.LazyAttribute(lambda o: o.title_fr)
    description_fr = "Une mission utile."
    description_en = "A useful mission."
    point = factory.LazyAttribute(lambda o: point(o.lat, o.lng))
    status = MissionStatus.PUBLISHED

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)


class SlotFactory(DjangoModelFactory):
    class Meta:
        model = Slot

    mission = factory.SubFactory(MissionFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    capacity = 5


class ParticipationFactory(DjangoModelFactory):
    """A confirmed participation; keeps the slot's denormalised counter in step."""

    class Meta:
        model = Participation

    slot = factory.SubFactory(SlotFactory)
    member = factory.SubFactory(MemberFactory)
    status = ParticipationStatus.CONFIRMED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        if obj.status == ParticipationStatus.CONFIRMED:
            Slot.objects.filter(pk=obj.slot_id).update(confirmed_count=F("confirmed_count") + 1)
            obj.slot.refresh_from_db()
        return obj


__all__ = ["CityFactory", "MissionFactory", "ParticipationFactory", "SlotFactory"]
