"""Members have no username: the email is the login everywhere, the admin and the shell included."""

import pytest
from django.core import mail
from django.core.exceptions import FieldDoesNotExist

from civic.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_editor_adds_a_member_with_an_email_and_a_password_that_log_them_in(client, edith):
    client.force_login(edith)
    response = client.post(
        "/admin/accounts/user/add/",
        {"email": "hugo@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    hugo = User.objects.get(email="hugo@example.org")

    assert client.get(f"/admin/accounts/user/{hugo.pk}/change/").status_code == 200
    assert "hugo@example.org" in client.get("/admin/accounts/user/?q=hugo").content.decode()

    client.logout()
    response = client.post("/en/accounts/login/", {"login": "hugo@example.org", "password": PASSWORD})
    # The password is accepted; as for every member, the email is confirmed before the first visit.
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert mail.outbox[-1].to == ["hugo@example.org"]


def test_members_and_superusers_are_created_from_an_email_alone():
    ines = User.objects.create_user(email="Ines@EXAMPLE.org", password=PASSWORD)
    root = User.objects.create_superuser(email="root@example.org", password=PASSWORD)
    neighbour = User.objects.create_user(email="neighbour@example.org")

    assert ines.email == "Ines@example.org"  # the domain is case-insensitive, the local part is not
    assert ines.check_password(PASSWORD) and not ines.is_staff
    assert root.is_staff and root.is_superuser
    assert not neighbour.has_usable_password()
    with pytest.raises(FieldDoesNotExist):
        User._meta.get_field("username")
    with pytest.raises(ValueError):
        User.objects.create_user(email="", password=PASSWORD)
