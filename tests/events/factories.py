"""Factories for events; times default to next week, 18:00–20:00 in Paris."""

from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from events.models import RSVP, CityEdition, CommunityBoardEntry, Event, FeaturedInitiative, MobilisationDay
from tests.factories import CityFactory, MemberFactory


def _next_week():
    return (timezone.now() + timedelta(days=7)).replace(hour=17, minute=0, second=0, microsecond=0)


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    kind = "meetup"
    title_fr = factory.Sequence(lambda n: f"Rencontre {n}")
    title_en = factory.Sequence(lambda n: f"Meetup {n}")
    title_es = factory.Sequence(lambda n: f"Encuentro {n}")
    description_fr = "Une rencontre de quartier."
    city = factory.SubFactory(CityFactory, slug="paris")
    place_name = "Maison des associations"
    point = factory.LazyAttribute(lambda o: {"type": "Point", "coordinates": [2.35, 48.86]})
    starts_at = factory.LazyFunction(_next_week)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = None
    is_published = True

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)


class RSVPFactory(DjangoModelFactory):
    class Meta:
        model = RSVP

    event = factory.SubFactory(EventFactory)
    member = factory.SubFactory(MemberFactory)
    status = "going"


class DayFactory(DjangoModelFactory):
    class Meta:
        model = MobilisationDay
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"ncz-day-{n}")
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    title_fr = "Journée NCZ : compost"
    title_en = "NCZ Day: compost"
    title_es = "Día NCZ: compost"
    registration_opens = factory.LazyAttribute(lambda o: o.date - timedelta(days=60))
    registration_closes = factory.LazyAttribute(lambda o: o.date - timedelta(days=1))
    checklist_fr = "Réserver le lieu\nPrévenir la mairie"
    checklist_en = "Book the place\nTell city hall"


class FeaturedFactory(DjangoModelFactory):
    class Meta:
        model = FeaturedInitiative

    day = factory.SubFactory(DayFactory)
    title_fr = "Composteur de quartier"
    link_url = "https://example.org/initiatives/compost/"


class BoardEntryFactory(DjangoModelFactory):
    class Meta:
        model = CommunityBoardEntry

    city = factory.SubFactory(CityFactory, slug="paris")
    author = factory.SubFactory(MemberFactory)
    kind = "need"
    category = "rooms"
    title = "Une salle pour 30 personnes"
    body = "Pour notre assemblée de quartier."


def edition_for(day, *, organiser, city, hour=10, capacity=None, approved=True, editor=None, place="Parc"):
    """Register (and approve) an edition through the services, as people do."""
    from datetime import UTC, datetime

    from events import services

    edition = services.edition_register(
        day=day,
        organiser=organiser,
        city=city,
        starts_at=datetime.combine(day.date, datetime.min.time()).replace(hour=hour),
        place_name=place,
        point={"type": "Point", "coordinates": [city.longitude + 0.01, city.latitude + 0.01]},
        capacity=capacity,
        today=day.registration_opens,
    )
    if approved:
        edition = services.edition_review(edition=edition, editor=editor, approve=True)
        # Approved when registration opened, so that steps due "on approval" are due in tests.
        CityEdition.objects.filter(pk=edition.pk).update(
            reviewed_at=datetime.combine(day.registration_opens, datetime.min.time(), tzinfo=UTC).replace(
                hour=12
            )
        )
    return CityEdition.objects.select_related("event", "day").get(pk=edition.pk)


__all__ = ["date"]
