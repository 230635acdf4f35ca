"""Each feature app adds its part of a member's data export and erasure the same way:
``<app>/services.py``: ``member_export(member)`` and ``member_erase(member)``, registered by
``register_member_data("<app>", services)`` in its AppConfig.ready()."""

import json

import pytest

from civic.accounts import services
from tests.volunteering.factories import ParticipationFactory
from volunteering.models import Participation, Recommendation

FEATURE_APPS = ("initiatives", "volunteering", "crowdfunding", "participation", "events")


@pytest.mark.parametrize("app", FEATURE_APPS)
def test_every_feature_app_registers_its_member_data_hooks_under_the_one_name(app):
    exporter = services._EXPORTERS[app]
    assert exporter.__name__ == "member_export" and exporter.__module__.startswith(f"{app}.services")
    assert any(
        eraser.__name__ == "member_erase" and eraser.__module__.startswith(f"{app}.services")
        for eraser in services._ERASERS
    )


@pytest.mark.django_db
def test_the_export_has_a_section_per_feature_app_with_the_members_volunteering(client, alice):
    ParticipationFactory(member=alice, share_contact=True)
    client.force_login(alice)

    data = json.loads(client.get("/en/me/my-data.json").content)

    assert set(FEATURE_APPS) <= set(data)
    [participation] = data["volunteering"]["participations"]
    assert participation["shares_contact"] is True


@pytest.mark.django_db
def test_erasure_ends_contact_sharing_and_deletes_recommendations(client, alice):
    participation = ParticipationFactory(member=alice, share_contact=True)
    Recommendation.objects.create(sender=alice, mission=participation.slot.mission, recipients_count=1)
    client.force_login(alice)

    client.post("/en/me/delete/", {"confirm": "DELETE"})

    assert not Participation.objects.get(pk=participation.pk).share_contact
    assert not Recommendation.objects.filter(sender=alice).exists()
