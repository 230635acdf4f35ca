import re

import pytest
from django.core import mail

from civic.accounts.models import User
from tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def _link(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", body).group(1)


def test_sign_up_sends_a_verification_email_and_the_link_lets_the_member_log_in(client):
    response = client.post(
        "/en/accounts/signup/",
        {"email": "dana@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email="dana@example.org")
    assert user.language == "en"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dana@example.org"]

    # Before verification, logging in leads to the "verify your email" page, not into the site.
    client.logout()
    response = client.post("/en/accounts/login/", {"login": "dana@example.org", "password": PASSWORD})
    assert "confirm-email" in response["Location"]

    confirm_url = _link(mail.outbox[0].body)
    assert client.get(confirm_url).status_code == 200
    client.post(confirm_url)
    client.logout()

    response = client.post("/en/accounts/login/", {"login": "dana@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert client.get("/en/me/profile/").status_code == 200


def test_sign_up_with_a_taken_email_does_not_reveal_the_account_but_warns_its_owner(client):
    MemberFactory(email="taken@example.org")
    response = client.post(
        "/en/accounts/signup/", {"email": "taken@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    # Same answer as a fresh sign-up (no account enumeration); the owner is told by email.
    assert response.status_code == 302
    assert User.objects.filter(email="taken@example.org").count() == 1
    assert mail.outbox[0].to == ["taken@example.org"]
    assert "already" in mail.outbox[0].body


def test_sign_up_with_mismatched_passwords_shows_the_error_next_to_the_field(client):
    response = client.post(
        "/en/accounts/signup/",
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert "same password" in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def test_log_out_ends_the_session(client, alice):
    client.post("/en/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert client.get("/en/me/profile/").status_code == 200
    client.post("/en/accounts/logout/")
    assert client.get("/en/me/profile/").status_code == 302


def test_password_reset_by_email(client, alice):
    client.post("/en/accounts/password/reset/", {"email": alice.email})
    assert len(mail.outbox) == 1
    reset_url = _link(mail.outbox[0].body)
    form_url = client.get(reset_url)["Location"]  # allauth stores the key in the session, then redirects
    client.post(form_url, {"password1": "an-Other-pass-77", "password2": "an-Other-pass-77"})

    client.logout()
    response = client.post("/en/accounts/login/", {"login": alice.email, "password": "an-Other-pass-77"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_facebook_login_is_absent_without_keys(client):
    html = client.get("/en/accounts/login/").content.decode()
    assert "facebook" not in html.lower()


def test_facebook_login_appears_when_keys_are_set(client, settings):
    settings.FACEBOOK_CLIENT_ID = "123"
    settings.FACEBOOK_SECRET = "s3cret"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "facebook": {"APPS": [{"client_id": "123", "secret": "s3cret", "key": ""}], "METHOD": "oauth2"}
    }
    html = client.get("/en/accounts/login/").content.decode()
    assert "/accounts/facebook/login/" in html


def test_repeated_failed_logins_lock_the_account_out_for_a_while(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/en/accounts/login/", {"login": alice.email, "password": "wrong"})
    response = client.post("/en/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
