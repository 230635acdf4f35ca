import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from civic.accounts.services import member_erase, member_export
from participation import services
from participation.models import CallForParticipation, Support
from tests.participation.factories import CallFactory

pytestmark = pytest.mark.django_db


def test_association_manages_its_own_calls_in_admin_and_gets_404_on_others(
    client, space, org_a, org_b, alice_in_a
):
    mine = CallFactory(city=space.city, organization=org_a, title="Ours")
    theirs = CallFactory(city=space.city, organization=org_b, title="Theirs")
    client.force_login(alice_in_a)

    listing = client.get(reverse("admin:participation_callforparticipation_changelist")).content.decode()
    assert "Ours" in listing and "Theirs" not in listing
    assert (
        client.get(reverse("admin:participation_callforparticipation_change", args=[mine.pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("admin:participation_callforparticipation_change", args=[theirs.pk])).status_code
        == 404
    )


def test_association_publishes_a_call_from_admin_in_its_city(client, space, org_a, alice_in_a):
    client.force_login(alice_in_a)
    response = client.post(
        reverse("admin:participation_callforparticipation_add"),
        {
            "organization": org_a.pk,
            "title": "Tell us about your street",
            "description": "Where?",
            "language": "en",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    call = CallForParticipation.objects.get()
    assert call.city == space.city and call.created_by == alice_in_a


def test_members_only_reach_proposals_in_admin_as_editors(client, proposal, alice_in_a, edith):
    url = reverse("admin:participation_proposal_change", args=[proposal.pk])
    client.force_login(alice_in_a)
    assert client.get(url).status_code in (403, 404)
    client.force_login(edith)
    assert client.get(url).status_code == 200


def test_export_holds_participation_and_erasure_keeps_public_contributions(
    proposal, bob, space, org_a, alice_in_a
):
    services.proposal_support(proposal=proposal, member=bob)
    services.comment_create(proposal=proposal, author=bob, text="Yes!")
    call = services.call_create(
        city=space.city, organization=org_a, by=alice_in_a, title="Park", description="x"
    )
    services.call_respond(call=call, member=bob, message="Call me", consent_to_share=True)

    data = member_export(member=bob)["participation"]
    json.dumps(data, cls=DjangoJSONEncoder)
    assert data["supports"][0]["proposal_id"] == proposal.pk
    assert data["call_responses"][0]["message"] == "Call me"

    member_erase(member=bob)
    call.refresh_from_db()
    proposal.refresh_from_db()
    assert call.responses_count == 0 and not call.responses.exists()
    assert proposal.supports_count == 1 == Support.objects.filter(proposal=proposal).count()
    assert proposal.comments.get().author.is_former
