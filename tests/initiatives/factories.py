"""factory_boy factories for the catalogue. Texts go into explicit language columns."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from civic.places.geo import point
from initiatives.models import (
    Initiative,
    Portrait,
    PracticalTip,
    ReplicationIntent,
    Status,
    VideoReport,
)
from tests.factories import CityFactory, MemberFactory


class SpotterFactory(MemberFactory):
    is_spotter = True


class ReporterFactory(MemberFactory):
    is_reporter = True


class InitiativeFactory(DjangoModelFactory):
    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    class Params:
        lat = 48.8566
        lng = 2.3522

    title_fr = factory.Sequence(lambda n: f"Initiative {n}")
    title_en = ""
    title_es = ""
    summary_fr = "Un résumé de l'initiative."
    city = factory.SubFactory(CityFactory)
    spotter = factory.SubFactory(SpotterFactory)
    point = factory.LazyAttribute(lambda o: point(o.lat, o.lng))
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)


class DraftFactory(InitiativeFactory):
    status = Status.DRAFT
    published_at = None


class PortraitFactory(DjangoModelFactory):
    class Meta:
        model = Portrait

    initiative = factory.SubFactory(InitiativeFactory)
    author = factory.SubFactory(ReporterFactory)
    name = "Awa"
    role_fr = "Fondatrice"
    text_fr = "Awa a lancé le compost du quartier."
    status = Status.PUBLISHED


class TipFactory(DjangoModelFactory):
    class Meta:
        model = PracticalTip

    initiative = factory.SubFactory(InitiativeFactory)
    author = factory.SubFactory(ReporterFactory)
    title_fr = "Trouver un terrain"
    body_fr = "Demandez à la mairie."
    status = Status.PUBLISHED


class VideoFactory(DjangoModelFactory):
    class Meta:
        model = VideoReport

    initiative = factory.SubFactory(InitiativeFactory)
    author = factory.SubFactory(ReporterFactory)
    title_fr = "Reportage"
    url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    status = Status.PUBLISHED


class ReplicationFactory(DjangoModelFactory):
    class Meta:
        model = ReplicationIntent

    initiative = factory.SubFactory(InitiativeFactory)
    member = factory.SubFactory(MemberFactory)
    city = factory.SubFactory(CityFactory)
