"""One language per message, for every notification crowdfunding sends: Carla holds a project and
Diego and Elena back it, all three read Spanish; whoever triggers a message does it from a French
page (or a job running in French), and each of them reads every title, amount, date and link in
Spanish."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from civic.notifications.models import Notification
from crowdfunding import services
from crowdfunding.models import Pledge, ProjectUpdate
from tests.crowdfunding.factories import ProjectFactory, expire, open_campaign
from tests.factories import MemberFactory, MembershipFactory, OrganizationFactory
from tests.one_language import assert_spanish_email, assert_spanish_notification, spanish_date
from tests.outbox import run_jobs

pytestmark = pytest.mark.django_db

PROJECT_TITLES = {"title_fr": "Jardin partagé", "title_en": "Shared garden", "title_es": "Huerto compartido"}
NOT_SPANISH = (
    "Jardin partagé",
    "Shared garden",
    "Bancs",
    "Benches",
    "Panier",
    "Basket",
    "Récolte",
    "Harvest",
)


@pytest.fixture
def carla(db):
    return MemberFactory(email="carla@example.org", display_name="Carla", language="es")


@pytest.fixture
def diego(db):
    return MemberFactory(email="diego@example.org", display_name="Diego", language="es")


@pytest.fixture
def elena(db):
    """Speaks for a partner organisation."""
    elena = MemberFactory(email="elena@example.org", display_name="Elena", language="es")
    MembershipFactory(user=elena, organization=OrganizationFactory(name="Fundación Verde", slug="verde"))
    return elena


@pytest.fixture
def project(carla, city):
    return ProjectFactory(**PROJECT_TITLES, holder_member=carla, city=city)


def _only(member, kind) -> Notification:
    return Notification.objects.get(recipient=member, kind=kind)


def test_feedback_and_meetings_reach_spanish_members_in_spanish(project, carla, diego):
    with translation.override("fr"):
        services.feedback_create(project=project, author=diego, kind="question", body="¿Cuándo empieza?")
        meeting = services.meeting_propose(
            project=project,
            member=diego,
            starts_at=timezone.now() + timedelta(days=3),
            place="Biblioteca",
            purpose="Hablar del riego",
        )
        services.meeting_decide(meeting=meeting, by=carla, accept=True)

    feedback = assert_spanish_notification(
        _only(carla, "crowdfunding.feedback_received"),
        shows=("Huerto compartido", "Pregunta"),
        never=NOT_SPANISH,
    )
    assert "Question" not in feedback
    assert_spanish_notification(
        _only(carla, "crowdfunding.meeting_proposed"), shows=("Huerto compartido",), never=NOT_SPANISH
    )
    assert_spanish_notification(
        _only(diego, "crowdfunding.meeting_decided"), shows=("Huerto compartido",), never=NOT_SPANISH
    )


def test_the_end_of_a_campaign_receipts_payments_and_news_are_all_spanish(
    project, carla, diego, elena, mailoutbox, django_capture_on_commit_callbacks
):
    with translation.override("fr"):
        campaign = open_campaign(project, goal_cents=100_000, by=carla)
        reward = services.reward_add(campaign=campaign, by=carla, title="Panier", min_amount_cents=50_000)
        need = services.time_need_add(
            campaign=campaign,
            by=carla,
            role="Bancs",
            people_wanted=2,
            day=timezone.localdate() + timedelta(days=40),
        )
    reward.title_en, reward.title_es = "Basket", "Cesta"
    reward.save(update_fields=["title_en", "title_es"])
    need.role_en, need.role_es = "Benches", "Bancos"
    need.save(update_fields=["role_en", "role_es"])
    with translation.override("fr"):
        services.partner_add(
            campaign=campaign,
            organization=elena.memberships.get().organization,
            by=elena,
            kind="fixed",
            fixed_cents=10_000,
        )
        pledge = services.pledge_create(campaign=campaign, backer=diego, amount_cents=90_000, reward=reward)
        services.time_offer_create(need=need, member=diego)
    expire(campaign)

    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.close_due_campaigns()
        run_jobs()
        services.pledge_mark_received(pledge=Pledge.objects.get(pk=pledge.pk), by=carla)
        update = services.project_post_update(project=project, by=carla, title="Récolte", body="…")
        ProjectUpdate.objects.filter(pk=update.pk).update(title_en="Harvest", title_es="Cosecha")
        run_jobs()

    today = spanish_date(timezone.localtime(timezone.now(), project.city.timezone).date())
    assert_spanish_notification(
        _only(carla, "crowdfunding.campaign_ended"),
        shows=("Huerto compartido", "1\u00a0000\u00a0€"),
        never=NOT_SPANISH,
    )
    assert_spanish_notification(
        _only(elena, "crowdfunding.campaign_ended"), shows=("Huerto compartido",), never=NOT_SPANISH
    )
    assert_spanish_notification(
        _only(diego, "crowdfunding.time_offer_ended"),
        shows=("Huerto compartido", "Bancos", spanish_date(need.date)),
        never=NOT_SPANISH,
    )
    receipt = _only(diego, "crowdfunding.pledge_receipt")
    assert_spanish_notification(
        receipt, shows=("Huerto compartido", "Cesta", "900\u00a0€", today), never=NOT_SPANISH
    )
    assert_spanish_notification(
        _only(diego, "crowdfunding.payment_received"),
        shows=("Huerto compartido", "900\u00a0€"),
        never=NOT_SPANISH,
    )
    assert_spanish_notification(
        _only(diego, "crowdfunding.project_update"), shows=("Huerto compartido", "Cosecha"), never=NOT_SPANISH
    )
    (email,) = [m for m in mailoutbox if m.subject == receipt.title]
    assert_spanish_email(email, shows=("Huerto compartido", "Cesta", "900\u00a0€"), never=NOT_SPANISH)
