"""One language per message, for every notification of citizen participation: Carla (a citizen)
and Sofía (an official of Paris) read Spanish; the people who trigger their messages use French
pages, and the jobs that send them run in French. A proposal keeps the language its author wrote it
in; everything around it (the city's name, the status, the words, the link) is Spanish."""

import pytest
from django.utils import translation

from civic.notifications.models import Notification
from participation import services
from tests.factories import MemberFactory, MembershipFactory
from tests.one_language import assert_spanish_email, assert_spanish_notification
from tests.outbox import run_jobs

pytestmark = pytest.mark.django_db

# Paris is "Paris" in French and English, "París" in Spanish.
NOT_SPANISH = ("Paris", "Refusée", "Rejected", "Declined")


@pytest.fixture
def carla(db):
    return MemberFactory(email="carla@example.org", display_name="Carla", language="es")


@pytest.fixture
def sofia(city_hall):
    sofia = MemberFactory(email="sofia@example.org", display_name="Sofía", language="es")
    MembershipFactory(user=sofia, organization=city_hall)
    return sofia


@pytest.fixture
def proposal(space, carla, theme):
    with translation.override("fr"):
        return services.proposal_create(
            author=carla, city=space.city, title="Más bancos en la plaza", text="Faltan bancos.", theme=theme
        )


def _only(member, kind) -> Notification:
    return Notification.objects.get(recipient=member, kind=kind)


def test_officials_are_told_in_spanish_when_a_proposal_reaches_the_threshold(
    proposal, sofia, alice, bob, charlie, mailoutbox, django_capture_on_commit_callbacks
):
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        for member in (alice, bob, charlie):  # the threshold of Paris is 3
            services.proposal_support(proposal=proposal, member=member)
        run_jobs()

    notification = _only(sofia, "participation.threshold_reached")
    assert_spanish_notification(notification, shows=("Más bancos en la plaza", "París"), never=NOT_SPANISH)
    (email,) = [m for m in mailoutbox if m.to == [sofia.email]]
    assert_spanish_email(email, shows=("Más bancos en la plaza", "París"), never=NOT_SPANISH)


def test_a_follower_is_told_of_a_new_comment_in_spanish(proposal, carla, alice):
    with translation.override("fr"):
        services.comment_create(proposal=proposal, author=alice, text="Bonne idée !")
        run_jobs()

    assert_spanish_notification(_only(carla, "participation.new_comment"), shows=("Más bancos en la plaza",))


def test_the_citys_answer_reaches_the_author_in_spanish(proposal, carla, olga):
    with translation.override("fr"):
        services.proposal_answer(proposal=proposal, official=olga, status="rejected", text="Pas de budget.")
        run_jobs()

    assert_spanish_notification(
        _only(carla, "participation.answered"), shows=("Más bancos en la plaza",), never=NOT_SPANISH
    )


@pytest.mark.parametrize("is_comment", [False, True])
def test_a_moderators_decisions_reach_the_author_in_spanish(proposal, carla, alice, olga, is_comment):
    target = proposal
    if is_comment:
        with translation.override("fr"):
            target = services.comment_create(proposal=proposal, author=carla, text="Y más árboles.")
    with translation.override("fr"):
        services.content_hide(target=target, moderator=olga, reason="Fuera de tema")
        services.content_restore(target=target, moderator=olga, reason="Revisado")

    shows = () if is_comment else ("Más bancos en la plaza",)
    assert_spanish_notification(_only(carla, "participation.hidden"), shows=(*shows, "Fuera de tema"))
    assert_spanish_notification(_only(carla, "participation.restored"), shows=(*shows, "Revisado"))
