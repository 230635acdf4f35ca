"""``CounterSafeAdminMixin``: an admin save never writes back the counters the services keep, from a
change form, an inline or the change list, and rules against a counter read it under lock."""

import pytest
from django.db.models import F
from django.urls import reverse

from crowdfunding import services as crowdfunding
from crowdfunding.admin import ProjectAdmin
from crowdfunding.models import Project, RewardTier
from initiatives import services as initiatives
from initiatives.admin import InitiativeAdmin
from initiatives.models import Initiative
from tests.admin_forms import change_form_data, during_admin_request
from tests.crowdfunding.factories import ProjectFactory, open_campaign
from tests.factories import MemberFactory
from tests.initiatives.factories import InitiativeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _follow_project(project_id):
    crowdfunding.project_follow(project=Project.objects.get(pk=project_id), member=MemberFactory())


def test_a_follow_during_an_admin_save_of_a_project_is_not_lost(client, edith, alice, city, monkeypatch):
    project = ProjectFactory(holder_member=alice, city=city)
    crowdfunding.project_follow(project=project, member=alice)
    url = reverse("admin:crowdfunding_project_change", args=[project.pk])
    client.force_login(edith)
    data = change_form_data(client, url, title_fr="Des bancs pour la place")
    follow = during_admin_request(monkeypatch, ProjectAdmin, "before_save", _follow_project, project.pk)

    response = client.post(url, data)
    follow.finish()

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title_fr == "Des bancs pour la place"
    assert project.followers_count == 2 == project.follows.count()


def _follow_initiative(initiative_id):
    initiatives.follow_create(initiative=Initiative.objects.get(pk=initiative_id), member=MemberFactory())


def test_a_follow_during_a_change_list_save_is_not_lost(client, edith, city, monkeypatch):
    """``list_editable`` saves through ``save_model`` too."""
    initiative = InitiativeFactory(city=city, featured=False)
    initiatives.follow_create(initiative=initiative, member=MemberFactory())
    client.force_login(edith)
    follow = during_admin_request(
        monkeypatch, InitiativeAdmin, "before_save", _follow_initiative, initiative.pk
    )

    response = client.post(
        reverse("admin:initiatives_initiative_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(initiative.pk),
            "form-0-featured": "on",
            "_save": "Save",
        },
    )
    follow.finish()

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.featured
    assert initiative.follower_count == 2 == initiative.follows.count()


def test_the_campaign_inline_refuses_a_reward_quantity_below_the_claimed_count(client, alice, city):
    """The reward inline uses Django's model permissions: only a superuser sees it today."""
    campaign = open_campaign(ProjectFactory(holder_member=alice, city=city), by=alice)
    reward = RewardTier.objects.create(campaign=campaign, title="Mug", min_amount_cents=1000, quantity=5)
    RewardTier.objects.filter(pk=reward.pk).update(claimed=F("claimed") + 3)
    url = reverse("admin:crowdfunding_campaign_change", args=[campaign.pk])
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))
    data = change_form_data(client, url, **{"rewards-0-quantity": 2})

    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    reward_form = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.model is RewardTier
    ).formset.forms[0]
    assert "3 of these rewards are already claimed" in reward_form.errors["quantity"][0]
    reward.refresh_from_db()
    assert (reward.quantity, reward.claimed) == (5, 3)
