"""A notification's link leads to the reader's language, even when the caller reversed it in
another one (a job running in French, a page in English): the kernel translates the path."""

import pytest
from django.utils import translation

from civic.notifications.models import Notification
from civic.notifications.services import notify, notify_many
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def carla(db):
    return MemberFactory(email="carla@example.org", display_name="Carla", language="es")


def test_a_link_reversed_in_french_reaches_a_spanish_member_in_spanish(carla, alice):
    with translation.override("fr"):
        notify(carla, "accounts.followed", {"follower_name": "Alice"}, url="/fr/me/?tab=2")
        notify_many([carla, alice], "accounts.followed", {"follower_name": "Bob"}, url="/fr/me/")

    assert sorted(Notification.objects.filter(recipient=carla).values_list("url", flat=True)) == [
        "/es/me/",
        "/es/me/?tab=2",
    ]
    assert Notification.objects.get(recipient=alice).url == "/fr/me/"


def test_a_link_without_a_language_or_to_another_site_is_kept(carla):
    notify(carla, "accounts.followed", {"follower_name": "Alice"}, url="/healthz")
    notify(carla, "accounts.followed", {"follower_name": "Bob"}, url="https://example.org/fr/page/")
    notify(carla, "accounts.followed", {"follower_name": "Charlie"}, url="/fr/no-such-page/")

    assert sorted(Notification.objects.filter(recipient=carla).values_list("url", flat=True)) == [
        "/fr/no-such-page/",
        "/healthz",
        "https://example.org/fr/page/",
    ]
