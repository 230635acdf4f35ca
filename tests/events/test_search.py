"""An event is found by its current words however they were written: the admin, a bulk update."""

import pytest
from django.urls import reverse
from django.utils import translation

from events.models import Event
from tests.events.factories import EventFactory
from tests.search_checks import admin_save, found_pks, search_page

pytestmark = pytest.mark.django_db


def _public_url(event) -> str:
    with translation.override("en"):
        return event.get_absolute_url()


def test_an_organisers_admin_edit_makes_the_event_found_by_its_new_title_only(
    client, alice_in_a, org_a, city
):
    event = EventFactory(
        city=city, organization=org_a, title_fr="Pique-nique", title_en="Picnic", title_es=""
    )
    client.force_login(alice_in_a)

    admin_save(
        client,
        reverse("admin:events_event_change", args=[event.pk]),
        title_fr="Atelier réparation de vélos",
        title_en="Bicycle repair workshop",
    )

    assert found_pks(Event.objects.published(), "reparation") == [event.pk]
    assert found_pks(Event.objects.published(), "reparaton") == [event.pk]  # a typo
    assert (
        found_pks(Event.objects.published(), "picnic") == found_pks(Event.objects.published(), "pique") == []
    )
    assert _public_url(event) in search_page(client, "bicycle")
    assert _public_url(event) not in search_page(client, "picnic")


def test_a_bulk_update_makes_the_event_found_by_its_new_title(client, city):
    event = EventFactory(city=city, title_fr="Pique-nique", title_en="Picnic", title_es="")

    Event.objects.filter(pk=event.pk).update(title_fr="Atelier réparation de vélos", title_en="")

    assert found_pks(Event.objects.all(), "reparaton") == [event.pk]
    assert found_pks(Event.objects.all(), "picnic") == []
    assert _public_url(event) in search_page(client, "reparation")
