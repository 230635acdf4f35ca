import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from civic.accounts.services import member_erase, member_export
from initiatives import services
from initiatives.models import ContactMessage, Initiative, ReplicationIntent
from tests.factories import CityFactory, MemberFactory
from tests.initiatives.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def test_export_lists_the_members_contributions_and_messages():
    member = MemberFactory(is_spotter=True)
    spotted = InitiativeFactory(spotter=member)
    other = InitiativeFactory()
    services.replication_create(
        initiative=other, member=member, city=CityFactory(), message="Chez nous aussi"
    )
    services.contact_team(initiative=other, sender=member, body="Bonjour !")

    data = json.loads(json.dumps(member_export(member=member), cls=DjangoJSONEncoder))["initiatives"]

    assert [i["pk"] for i in data["initiatives_spotted"]] == [spotted.pk]
    assert data["replication_intents"][0]["message"] == "Chez nous aussi"
    assert data["contact_messages"][0]["body"] == "Bonjour !"


def test_erasure_removes_follows_and_messages_and_keeps_published_work():
    member = MemberFactory(is_spotter=True)
    spotted = InitiativeFactory(spotter=member)
    other = InitiativeFactory()
    services.follow_create(initiative=other, member=member)
    services.replication_create(initiative=other, member=member, city=CityFactory(), message="secret")
    services.contact_team(initiative=other, sender=member, body="Bonjour !")

    member_erase(member=member)

    other.refresh_from_db()
    assert other.follower_count == 0
    assert other.replication_count == 1
    assert ReplicationIntent.objects.get().message == ""
    assert not ContactMessage.objects.exists()
    assert Initiative.objects.get(pk=spotted.pk).spotter_id == member.pk
