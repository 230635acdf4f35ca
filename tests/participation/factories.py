import factory
from factory.django import DjangoModelFactory

from participation.models import (
    Answer,
    CallForParticipation,
    CitySpace,
    Comment,
    Neighbourhood,
    Proposal,
    Support,
)
from tests.factories import CityFactory, MemberFactory, OrganizationFactory, ThemeFactory


class CitySpaceFactory(DjangoModelFactory):
    class Meta:
        model = CitySpace
        django_get_or_create = ("city",)

    city = factory.SubFactory(CityFactory)
    support_threshold = 3
    intro_fr = "Proposez, soutenez, la mairie répond."
    intro_en = "Propose, support, the city hall answers."


class NeighbourhoodFactory(DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    city = factory.SubFactory(CityFactory)
    name_fr = factory.Sequence(lambda n: f"Quartier {n}")
    name_en = factory.LazyAttribute(lambda o: o.name_fr)


class ProposalFactory(DjangoModelFactory):
    class Meta:
        model = Proposal

    city = factory.SubFactory(CityFactory)
    author = factory.SubFactory(MemberFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}: more trees in the street")
    text = "Plant **trees** along the street."
    theme = factory.SubFactory(ThemeFactory)
    language = "en"


class SupportFactory(DjangoModelFactory):
    class Meta:
        model = Support

    proposal = factory.SubFactory(ProposalFactory)
    member = factory.SubFactory(MemberFactory)


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    proposal = factory.SubFactory(ProposalFactory)
    author = factory.SubFactory(MemberFactory)
    text = "Good idea."


class CallFactory(DjangoModelFactory):
    class Meta:
        model = CallForParticipation

    city = factory.SubFactory(CityFactory)
    organization = factory.SubFactory(OrganizationFactory, city=factory.SelfAttribute("..city"))
    title = factory.Sequence(lambda n: f"Workshop {n} on the new park")
    description = "Come and draw the park with us."


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    proposal = factory.SubFactory(ProposalFactory)
    organization = factory.SubFactory(OrganizationFactory, kind="public_body")
    status = "accepted"
    text = "We will do it."
