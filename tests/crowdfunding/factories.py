"""Factories for crowdfunding tests: built through the services where money or state is involved."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from crowdfunding.models import Campaign, Project, Stage
from crowdfunding.services.campaigns import city_today
from tests.factories import CityFactory, MemberFactory


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    title_fr = factory.Sequence(lambda n: f"Projet {n}")
    title_en = factory.Sequence(lambda n: f"Project {n}")
    summary_fr = "Un jardin partagé pour le quartier."
    description_fr = "Nous voulons **planter** des arbres."
    city = factory.SubFactory(CityFactory)
    holder_member = factory.SubFactory(MemberFactory)
    holder_organization = None
    stage = Stage.IDEA
    point = factory.LazyAttribute(lambda o: o.city.point)


def open_campaign(project, *, goal_cents=100_000, days=30, mode="all_or_nothing", by=None):
    from crowdfunding.services import campaign_open

    by = by or project.holder_member
    return campaign_open(
        project=project,
        by=by,
        goal_cents=goal_cents,
        deadline_day=city_today(project.city) + timedelta(days=days),
        mode=mode,
    )


def expire(campaign: Campaign) -> Campaign:
    """Move the deadline into the past (as if time had passed)."""
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    campaign.refresh_from_db()
    return campaign
