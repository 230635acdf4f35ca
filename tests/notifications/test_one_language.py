"""One language per message: a member reads every word of a notification in their own language,
whatever language the person who triggered it was using."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from civic.notifications.models import Notification
from civic.notifications.services import notify, notify_many
from tests.factories import MemberFactory
from tests.volunteering.factories import MissionFactory, SlotFactory
from volunteering import services as volunteering

pytestmark = pytest.mark.django_db


@pytest.fixture
def carla(db):
    return MemberFactory(email="carla@example.org", display_name="Carla", language="es")


@pytest.fixture
def slot(org_a):
    mission = MissionFactory(
        organization=org_a,
        title_fr="Distribuer des colis alimentaires",
        title_en="Sort and hand out food parcels",
        title_es="Repartir paquetes de comida",
    )
    return SlotFactory(
        mission=mission,
        capacity=1,
        starts_at=datetime(2027, 12, 11, 14, 0, tzinfo=ZoneInfo("Europe/Paris")),
        ends_at=datetime(2027, 12, 11, 17, 0, tzinfo=ZoneInfo("Europe/Paris")),
    )


def _spanish_only(notification: Notification) -> str:
    text = f"{notification.title}\n{notification.body}\n{notification.url}"
    assert "Repartir paquetes de comida" in text
    assert "colis" not in text and "food parcels" not in text
    assert "2027-12-11" not in text  # no ISO date: written the Spanish way
    assert notification.url.startswith("/es/")
    return text


def test_a_spanish_member_who_joins_from_a_french_page_gets_a_spanish_confirmation(slot, carla):
    with translation.override("fr"):
        volunteering.participation_create(slot=slot, member=carla)

    text = _spanish_only(Notification.objects.get(recipient=carla, kind="volunteering.confirmed"))
    assert "confirmada" in text
    assert "11 de diciembre de 2027" in text and "14:00" in text and "(hora de" in text


def test_a_member_promoted_from_the_waiting_list_reads_it_in_their_language_not_the_cancellers(
    slot, alice, carla
):
    alice.language = "fr"
    alice.save(update_fields=["language"])
    with translation.override("fr"):
        first = volunteering.participation_create(slot=slot, member=alice)
        volunteering.participation_create(slot=slot, member=carla)  # full: Carla waits
        volunteering.participation_cancel(participation=first, by=alice)

    _spanish_only(Notification.objects.get(recipient=carla, kind="volunteering.promoted"))


def test_notify_resolves_callables_and_lazy_strings_in_the_recipients_language(carla, alice):
    from django.utils.translation import gettext_lazy

    with translation.override("en"):
        notify(
            carla,
            "accounts.followed",
            {"follower_name": lambda: translation.get_language()},
            url=lambda: f"/{translation.get_language()}/me/",
        )
        notify_many(
            [carla, alice],
            "accounts.followed",
            {"follower_name": gettext_lazy("French")},
            url=lambda: f"/{translation.get_language()}/me/",
        )
    first, batch_es = Notification.objects.filter(recipient=carla).order_by("pk")
    assert first.url == "/es/me/" and first.context["follower_name"] == "es"
    assert batch_es.context["follower_name"] == "Francés" and batch_es.url == "/es/me/"
    batch_fr = Notification.objects.get(recipient=alice)
    assert batch_fr.context["follower_name"] == "Français" and batch_fr.url == "/fr/me/"


def test_the_weekly_digest_is_entirely_in_the_members_language(city, slot, carla):
    from django.utils import timezone

    from civic.core.tasks import send_digest

    slot.mission.published_at = timezone.now()
    slot.mission.save(update_fields=["published_at"])
    carla.home_city = slot.mission.city
    carla.weekly_digest = True
    carla.save(update_fields=["home_city", "weekly_digest"])

    with translation.override("fr"):  # beat's worker runs in the default language
        assert send_digest(carla)

    digest = Notification.objects.get(recipient=carla, kind="core.digest")
    assert digest.title == "Tu semana en Civic"
    assert "Repartir paquetes de comida" in digest.body
    assert "/es/missions/" in digest.body and "/fr/" not in digest.body
    assert "colis" not in digest.body and "Missions\n" not in digest.body
    assert digest.url.startswith("/es/")


def test_an_email_carries_one_absolute_link_and_no_relative_path(
    slot, carla, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://civic.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        volunteering.participation_create(slot=slot, member=carla)

    body = mailoutbox[0].body
    lines = [line for line in body.splitlines() if "/es/missions/" in line]
    with translation.override("es"):
        assert lines == [f"https://civic.example.org{slot.mission.get_absolute_url()}"]
    assert "127.0.0.1" not in body
