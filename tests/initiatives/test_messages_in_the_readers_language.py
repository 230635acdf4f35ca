"""One language per message, for every notification of the initiatives catalogue: Carla spotted an
initiative and Diego wrote a practical tip, both read Spanish; the editors and members who trigger
their messages use French pages, and every word, title and link they get is Spanish."""

import pytest
from django.utils import translation

from civic.notifications.models import Notification
from initiatives import services
from tests.factories import CityFactory
from tests.initiatives.factories import DraftFactory, ReporterFactory, SpotterFactory, TipFactory
from tests.one_language import assert_spanish_email, assert_spanish_notification

pytestmark = pytest.mark.django_db

TITLES = {
    "title_fr": "Compost de quartier",
    "title_en": "Neighbourhood compost",
    "title_es": "Compostaje de barrio",
}
NOT_SPANISH = ("Compost de quartier", "Neighbourhood compost", "Trouver un terrain", "Finding a plot", "Lyon")


@pytest.fixture
def carla(db):
    return SpotterFactory(email="carla@example.org", display_name="Carla", language="es")


@pytest.fixture
def diego(db):
    return ReporterFactory(email="diego@example.org", display_name="Diego", language="es")


@pytest.fixture
def initiative(carla, city):
    return DraftFactory(**TITLES, spotter=carla, city=city)


def _only(member, kind) -> Notification:
    return Notification.objects.get(recipient=member, kind=kind)


def test_each_step_of_the_review_reaches_the_spotter_in_spanish(initiative, carla, edith):
    with translation.override("fr"):
        services.review_submit(obj=initiative, by=carla)
        services.review_send_back(obj=initiative, by=edith, comment="Añade una foto.")
        services.review_submit(obj=initiative, by=carla)
        services.review_publish(obj=initiative, by=edith)

    for kind in ("initiatives.sent_back", "initiatives.published"):
        assert_spanish_notification(
            _only(carla, kind), shows=("Compostaje de barrio", "iniciativa"), never=NOT_SPANISH
        )
    for submitted in Notification.objects.filter(recipient=carla, kind="initiatives.submitted"):
        assert_spanish_notification(submitted, shows=("Compostaje de barrio",), never=NOT_SPANISH)


def test_a_rejected_practical_tip_reaches_its_author_in_spanish(initiative, diego, edith):
    tip = TipFactory(
        initiative=initiative,
        author=diego,
        status="in_review",
        title_fr="Trouver un terrain",
        title_en="Finding a plot",
        title_es="Encontrar un terreno",
    )
    with translation.override("fr"):
        services.review_reject(obj=tip, by=edith, comment="Ya existe.")

    assert_spanish_notification(
        _only(diego, "initiatives.rejected"), shows=("Encontrar un terreno", "Ya existe."), never=NOT_SPANISH
    )


def test_a_replication_and_a_message_reach_the_spotter_in_spanish(
    initiative, carla, alice, mailoutbox, django_capture_on_commit_callbacks
):
    initiative.status, initiative.published_at = "published", initiative.created_at
    initiative.save(update_fields=["status", "published_at"])
    lyon = CityFactory(slug="lyon", name_fr="Lyon", name_en="Lyon", name_es="Lión", lat=45.76, lng=4.83)
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.replication_create(initiative=initiative, member=alice, city=lyon, message="¡Me encanta!")
        services.contact_team(initiative=initiative, sender=alice, body="¿Podemos visitarla?")

    assert_spanish_notification(
        _only(carla, "initiatives.replication"), shows=("Compostaje de barrio", "Lión"), never=NOT_SPANISH
    )
    contact = _only(carla, "initiatives.contact")
    assert_spanish_notification(
        contact, shows=("Compostaje de barrio", "¿Podemos visitarla?"), never=NOT_SPANISH
    )
    (email,) = [m for m in mailoutbox if m.subject == contact.title]
    assert_spanish_email(email, shows=("Compostaje de barrio",), never=NOT_SPANISH)
