"""factory_boy factories for the kernel; feature apps keep theirs in tests/<app>/factories.py."""

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from civic.accounts.models import User
from civic.core.models import Theme
from civic.organizations.models import Membership, Organization
from civic.places.geo import point
from civic.places.models import City

PASSWORD = "a-Strong-pass-2026"


class CityFactory(DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("slug",)

    class Params:
        lat = 48.8566
        lng = 2.3522

    slug = factory.Sequence(lambda n: f"city-{n}")
    name_fr = factory.Sequence(lambda n: f"Ville {n}")
    name_en = factory.LazyAttribute(lambda o: o.name_fr)
    name_es = factory.LazyAttribute(lambda o: o.name_fr)
    country = "FR"
    timezone = "Europe/Paris"
    point = factory.LazyAttribute(lambda o: point(o.lat, o.lng))


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name_fr = factory.Sequence(lambda n: f"Thème {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    name_es = factory.Sequence(lambda n: f"Tema {n}")
    icon = "sprout"


class MemberFactory(DjangoModelFactory):
    """A member with a verified email (allauth's EmailAddress), able to log in with PASSWORD."""

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    language = "fr"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class EditorFactory(MemberFactory):
    is_staff = True


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = "association"
    city = factory.SubFactory(CityFactory)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(MemberFactory)
    role = "member"
