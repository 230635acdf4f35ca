"""People are chosen with their consent: picking someone in the admin (event organiser, project
holder) sends them an invitation; they get the role, and its rights, only once they accept.

Alice runs association A with Dora; Dora is picked. Charlie has nothing to do with A; Edith is an
editor. Only Dora may open or answer her invitation: the others (Alice, who invited her, included)
get a 404.
"""

import pytest

from civic.core.permissions import NotAllowed
from civic.notifications.models import Notification
from civic.organizations.models import Invitation, InvitationStatus
from civic.organizations.services import invitation_create, invitation_decide
from tests.admin_forms import change_form_data
from tests.crowdfunding.factories import ProjectFactory
from tests.events.factories import EventFactory
from tests.factories import MemberFactory, MembershipFactory
from tests.race import race

ORGANISER = "events.event.organisers"
HOLDER = "crowdfunding.project.holder_member"


@pytest.fixture
def dora(db, org_a):
    dora = MemberFactory(email="dora@example.org", display_name="Dora", language="es")
    MembershipFactory(user=dora, organization=org_a)
    return dora


@pytest.fixture
def event(org_a):
    return EventFactory(organization=org_a, title_es="Fiesta del barrio")


@pytest.fixture
def invitation(alice_in_a, dora, event):
    return invitation_create(by=alice_in_a, member=dora, target=event, role=ORGANISER)


def _pick_organisers(client, event, *people):
    url = f"/admin/events/event/{event.pk}/change/"
    data = change_form_data(client, url)
    data["organisers"] = [str(p.pk) for p in people]
    return client.post(url, data)


@pytest.mark.django_db
class TestTheAdminInvites:
    def test_picking_an_organiser_invites_them_instead_of_adding_them(self, client, alice_in_a, dora, event):
        client.force_login(alice_in_a)

        response = _pick_organisers(client, event, dora)

        assert response.status_code == 302
        assert list(event.organisers.all()) == []
        invitation = Invitation.objects.get(member=dora)
        assert (invitation.status, invitation.role, invitation.target, invitation.inviter) == (
            InvitationStatus.PENDING,
            ORGANISER,
            event,
            alice_in_a,
        )
        page = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
        assert "Dora (invité·e)" in page  # the admin speaks French to Alice

    def test_the_picker_picking_themselves_is_added_as_before(self, client, alice_in_a, dora, event):
        client.force_login(alice_in_a)

        _pick_organisers(client, event, alice_in_a, dora)

        assert list(event.organisers.all()) == [alice_in_a]
        assert list(Invitation.objects.values_list("member__display_name", flat=True)) == ["Dora"]

    def test_saving_again_keeps_organisers_and_does_not_invite_twice(self, client, alice_in_a, dora, event):
        client.force_login(alice_in_a)
        _pick_organisers(client, event, dora)
        invitation = Invitation.objects.get(member=dora)
        invitation_decide(invitation=invitation, by=dora, accept=True)

        _pick_organisers(client, event, dora)
        _pick_organisers(client, event, dora)

        assert list(event.organisers.all()) == [dora]
        assert Invitation.objects.count() == 1
        assert Notification.objects.filter(recipient=dora, kind="organizations.invited").count() == 1

    def test_the_invited_member_is_notified_in_their_own_language(self, client, alice_in_a, dora, event):
        client.force_login(alice_in_a)

        _pick_organisers(client, event, dora)

        note = Notification.objects.get(recipient=dora, kind="organizations.invited")
        token = Invitation.objects.get(member=dora).token
        assert note.url == f"/es/invitations/{token}/"
        assert "Fiesta del barrio" in note.title and "Alice" in note.title
        assert note.url in note.body

    def test_picking_a_project_holder_invites_them_and_the_organisation_holds_it_meanwhile(
        self, client, alice_in_a, dora, org_a
    ):
        project = ProjectFactory(holder_member=None, holder_organization=org_a)
        client.force_login(alice_in_a)
        url = f"/admin/crowdfunding/project/{project.pk}/change/"

        response = client.post(url, change_form_data(client, url, holder_member=dora.pk))

        assert response.status_code == 302
        project.refresh_from_db()
        assert (project.holder_member, project.holder_organization) == (None, org_a)
        invitation = Invitation.objects.get(member=dora, role=HOLDER)

        invitation_decide(invitation=invitation, by=dora, accept=True)

        project.refresh_from_db()
        assert (project.holder_member, project.holder_organization) == (dora, None)

    def test_inviting_a_holder_without_anyone_to_hold_it_meanwhile_says_so(
        self, client, alice_in_a, dora, org_a
    ):
        project = ProjectFactory(holder_member=None, holder_organization=org_a)
        client.force_login(alice_in_a)
        url = f"/admin/crowdfunding/project/{project.pk}/change/"
        data = change_form_data(client, url, holder_member=dora.pk)
        data["holder_organization"] = [""]

        response = client.post(url, data)

        assert response.status_code == 200
        assert "Dora est invité·e à porter le projet" in str(response.context["adminform"].form.errors)
        assert not Invitation.objects.exists()


@pytest.mark.django_db
class TestTheInvitationPage:
    @pytest.mark.parametrize(
        ("who", "status"),
        [("dora", 200), ("alice", 404), ("charlie", 404), ("edith", 404), ("anonymous", 302)],
    )
    def test_only_the_invited_member_sees_it(self, client, invitation, who, status, request):
        if who != "anonymous":
            client.force_login(request.getfixturevalue(who if who != "alice" else "alice_in_a"))

        response = client.get(f"/fr/invitations/{invitation.token}/")

        assert response.status_code == status
        if status == 302:
            assert "/accounts/login/" in response["Location"]

    @pytest.mark.parametrize("who", ["alice_in_a", "charlie", "edith"])
    def test_nobody_else_can_accept_for_the_member(self, client, invitation, event, who, request):
        client.force_login(request.getfixturevalue(who))

        response = client.post(f"/fr/invitations/{invitation.token}/", {"decision": "accept"})

        assert response.status_code == 404
        assert list(event.organisers.all()) == []
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.PENDING

    def test_the_inviter_cannot_accept_through_the_service_either(self, invitation, alice_in_a):
        with pytest.raises(NotAllowed):
            invitation_decide(invitation=invitation, by=alice_in_a, accept=True)

    def test_the_member_accepts_and_becomes_an_organiser(self, client, invitation, dora, event):
        client.force_login(dora)
        page = client.get(f"/es/invitations/{invitation.token}/").content.decode()
        assert "Fiesta del barrio" in page and 'value="accept"' in page

        response = client.post(f"/es/invitations/{invitation.token}/", {"decision": "accept"}, follow=True)

        assert response.status_code == 200
        assert list(event.organisers.all()) == [dora]
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.ACCEPTED and invitation.decided_at is not None
        assert 'value="accept"' not in response.content.decode()

    def test_the_member_declines_and_gets_nothing(self, client, invitation, dora, event):
        client.force_login(dora)

        client.post(f"/fr/invitations/{invitation.token}/", {"decision": "decline"})

        assert list(event.organisers.all()) == []
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.DECLINED

    def test_a_decided_invitation_cannot_be_decided_again(self, client, invitation, dora, event):
        client.force_login(dora)
        client.post(f"/fr/invitations/{invitation.token}/", {"decision": "decline"})

        client.post(f"/fr/invitations/{invitation.token}/", {"decision": "accept"})

        assert list(event.organisers.all()) == []
        assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.DECLINED

    def test_accepting_needs_the_csrf_token(self, invitation, dora, event):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(dora)

        response = client.post(f"/fr/invitations/{invitation.token}/", {"decision": "accept"})

        assert response.status_code == 403
        assert list(event.organisers.all()) == []


@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_add_the_organiser_once(org_a, alice_in_a, dora):
    event = EventFactory(organization=org_a)
    invitation = invitation_create(by=alice_in_a, member=dora, target=event, role=ORGANISER)

    outcome = race(lambda: invitation_decide(invitation=invitation, by=dora, accept=True), [()] * 6)

    assert outcome.errors == []
    assert list(event.organisers.all()) == [dora]
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED


@pytest.mark.django_db
def test_erasing_an_account_removes_its_invitations_and_unnames_the_inviter(
    client, invitation, dora, alice_in_a
):
    from civic.accounts.services import member_erase

    member_erase(member=alice_in_a)
    client.force_login(dora)
    page = client.get(f"/fr/invitations/{invitation.token}/").content.decode()
    assert "Quelqu’un vous invite" in page and "Alice" not in page

    member_erase(member=dora)
    assert not Invitation.objects.exists()
