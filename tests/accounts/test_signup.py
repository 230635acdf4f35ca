import re
import threading

import pytest
from allauth.account.models import EmailAddress
from allauth.core.context import request_context
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from civic.accounts.models import User
from tests.factories import PASSWORD, MemberFactory
from tests.race import race

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


# --- Many members (issue 13): a member row must never depend on a non-unique username. -----------
# Each person signs up from their own browser and address: allauth limits sign-ups to 20 a minute
# per IP address, which would (rightly) refuse 50 people sharing one.


def _browser(n: int) -> Client:
    return Client(REMOTE_ADDR=f"10.13.{n // 200}.{n % 200 + 1}")


def _sign_up(browser: Client, email: str) -> None:
    response = browser.post(
        "/en/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == "/en/accounts/confirm-email/"


def _confirm_and_log_in(browser: Client, email: str) -> None:
    (message,) = [m for m in mail.outbox if m.to == [email]]
    confirm_url = _link(message.body)
    assert browser.get(confirm_url).status_code == 200
    browser.post(confirm_url)
    browser.post("/en/accounts/logout/")
    assert "_auth_user_id" not in browser.session

    response = browser.post("/en/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    page = browser.get("/en/me/profile/")
    assert page.status_code == 200
    assert page.wsgi_request.user.email == email  # (page.context mixes threads: its signal is global)
    assert "Log out" in page.content.decode()
    assert browser.session["_auth_user_id"] == str(User.objects.get(email=email).pk)


def test_fifty_people_signing_up_in_a_row_each_get_their_account_and_can_log_in():
    emails = [f"neighbour{n}@example.org" for n in range(50)]
    browsers = [_browser(n) for n in range(50)]

    for browser, email in zip(browsers, emails, strict=True):
        _sign_up(browser, email)

    assert User.objects.filter(email__in=emails).count() == 50
    for browser, email in zip(browsers, emails, strict=True):
        _confirm_and_log_in(browser, email)
    assert EmailAddress.objects.filter(email__in=emails, verified=True).count() == 50


@pytest.mark.django_db(transaction=True)
def test_twenty_people_signing_up_at_the_same_moment_each_get_their_account_and_can_log_in():
    emails = [f"crowd{n}@example.org" for n in range(20)]
    stored = threading.Barrier(len(emails))

    def person(browser: Client, email: str) -> None:
        try:
            _sign_up(browser, email)
            stored.wait()  # every sign-up is stored before anyone reads their mail
        except Exception:
            stored.abort()  # the others stop waiting and fail too, rather than hang
            raise
        _confirm_and_log_in(browser, email)

    outcome = race(person, [(_browser(n), email) for n, email in enumerate(emails)])

    assert outcome.errors == []
    assert User.objects.filter(email__in=emails).count() == 20
    assert EmailAddress.objects.filter(email__in=emails, verified=True).count() == 20


def _facebook_request(settings, n: int):
    """A request as it reaches allauth's Facebook callback once Facebook has answered: a session, a
    browser address, nobody logged in."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "facebook": {"APPS": [{"client_id": "123", "secret": "s3cret", "key": ""}], "METHOD": "oauth2"}
    }
    request = RequestFactory().get("/en/accounts/facebook/login/callback/", REMOTE_ADDR=f"10.14.0.{n}")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    return request


def test_two_people_signing_up_with_facebook_each_get_their_account_and_verify_their_email(settings):
    people = [
        {"id": "1001", "email": "fatou@example.org", "first_name": "Fatou", "last_name": "Diallo"},
        {"id": "1002", "email": "gaspard@example.org", "first_name": "Gaspard", "last_name": "Roy"},
    ]
    for i, data in enumerate(people, start=1):
        request = _facebook_request(settings, i)
        # What allauth's middleware and Facebook callback view do: the request in context, the
        # provider's answer parsed (our adapter's populate_user), then the social sign-up completed.
        with translation.override("es"), request_context(request):
            sociallogin = (
                get_social_adapter()
                .get_provider(request, "facebook")
                .sociallogin_from_response(request, data)
            )
            response = complete_social_login(request, sociallogin)
        # Facebook does not vouch for the email: as for any member, it must be confirmed first.
        assert response.status_code == 302
        assert response["Location"] == "/es/accounts/confirm-email/"

    fatou, gaspard = User.objects.filter(email__in=["fatou@example.org", "gaspard@example.org"]).order_by(
        "email"
    )
    assert (fatou.display_name, gaspard.display_name) == ("Fatou Diallo", "Gaspard Roy")
    assert fatou.language == gaspard.language == "es"
    assert not fatou.has_usable_password()
    assert SocialAccount.objects.filter(provider="facebook", uid__in=["1001", "1002"]).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["fatou@example.org", "gaspard@example.org"]


def _mail_server_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens


def _mail_server_back(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.django_db
def test_a_mail_server_that_is_down_does_not_break_sign_up_and_the_email_is_sent_later(
    client, settings, django_capture_on_commit_callbacks
):
    from civic.core.models import OutboxJob
    from civic.core.tasks import sweep_outbox

    _mail_server_down(settings)
    response = client.post(
        "/en/accounts/signup/",
        {
            "email": "smtp-down@example.org",
            "password1": "Un-mot-de-passe-2026",
            "password2": "Un-mot-de-passe-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="smtp-down@example.org").exists()
    assert OutboxJob.objects.filter(task="civic.accounts.tasks.send_account_email").count() == 1

    _mail_server_back(settings)
    OutboxJob.objects.update(run_after=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        sweep_outbox()
    assert [m.to for m in mail.outbox] == [["smtp-down@example.org"]]
    assert not OutboxJob.objects.exists()

    # The link made by the worker confirms the address: the member logs in.
    client.post(_link(mail.outbox[0].body))
    client.logout()
    response = client.post(
        "/en/accounts/login/", {"login": "smtp-down@example.org", "password": "Un-mot-de-passe-2026"}
    )
    assert response["Location"] == "/en/"


@pytest.mark.django_db
def test_a_waiting_account_email_stores_neither_the_message_nor_its_key(client, settings):
    """The job holds an id (Celery tasks take ids), and nothing stored holds the confirmation link:
    a database dump or a broker message must not let anyone confirm someone else's address."""
    from civic.accounts.models import AccountEmail
    from civic.core.models import OutboxJob

    _mail_server_down(settings)
    client.post(
        "/en/accounts/signup/",
        {"email": "secret@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    job = OutboxJob.objects.get(task="civic.accounts.tasks.send_account_email")
    row = AccountEmail.objects.get()
    assert job.args == [row.pk] and job.kwargs == {}
    assert row.email == "secret@example.org" and row.language == "en"
    stored = str(job.args) + str(job.kwargs) + str(row.context) + row.template_prefix
    assert "confirm-email" not in stored
    assert "Confirm" not in stored  # no rendered subject or body either


@pytest.mark.django_db
def test_running_the_account_email_task_twice_sends_it_once(client, settings):
    from civic.accounts.models import AccountEmail
    from civic.accounts.tasks import send_account_email

    _mail_server_down(settings)
    client.post(
        "/fr/accounts/signup/",
        {"email": "zoe@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    row = AccountEmail.objects.get()
    _mail_server_back(settings)

    assert send_account_email(row.pk) == "sent"
    assert send_account_email(row.pk) == "already sent"

    assert [m.to for m in mail.outbox] == [["zoe@example.org"]]
    assert "/fr/accounts/confirm-email/" in mail.outbox[0].body  # in the language she signed up in
    assert not AccountEmail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_account_email_task_at_once_send_it_once(client, settings):
    from civic.accounts.models import AccountEmail
    from civic.accounts.tasks import send_account_email

    _mail_server_down(settings)
    client.post(
        "/en/accounts/signup/",
        {"email": "yann@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    row = AccountEmail.objects.get()
    _mail_server_back(settings)

    outcome = race(send_account_email, [(row.pk,), (row.pk,)])

    assert outcome.errors == []
    assert sorted(outcome.results) == ["already sent", "sent"]
    assert [m.to for m in mail.outbox] == [["yann@example.org"]]


@pytest.mark.django_db
def test_a_password_reset_sent_later_by_a_worker_lets_the_member_choose_a_new_password(
    client, alice, settings
):
    from civic.accounts.models import AccountEmail
    from civic.accounts.tasks import send_account_email

    _mail_server_down(settings)
    client.post("/en/accounts/password/reset/", {"email": alice.email})
    row = AccountEmail.objects.get()
    assert row.user == alice and "password_reset_url" not in row.context
    _mail_server_back(settings)
    send_account_email(row.pk)

    form_url = client.get(_link(mail.outbox[0].body))["Location"]
    client.post(form_url, {"password1": "an-Other-pass-77", "password2": "an-Other-pass-77"})
    client.logout()
    response = client.post("/en/accounts/login/", {"login": alice.email, "password": "an-Other-pass-77"})
    assert response["Location"] == "/en/"


@pytest.mark.django_db
def test_erasing_a_member_drops_their_waiting_account_emails(client, alice, settings):
    from civic.accounts.models import AccountEmail
    from civic.accounts.services import member_erase

    _mail_server_down(settings)
    client.post("/en/accounts/password/reset/", {"email": alice.email})
    assert AccountEmail.objects.filter(user=alice).exists()
    member_erase(member=alice)
    assert not AccountEmail.objects.exists()


@pytest.mark.django_db
def test_the_login_lockout_reads_the_same_client_address_as_allauth_behind_a_trusted_proxy(rf, settings):
    from civic.accounts.adapters import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"  # no proxy trusted: a forged header changes nothing
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the address our one proxy saw


def test_failed_logins_for_one_account_do_not_lock_out_another_behind_the_same_address(
    client, alice, bob, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    for login in (alice.email, alice.email.upper(), alice.email):  # one account, however it is typed
        client.post("/en/accounts/login/", {"login": login, "password": "wrong"})
    assert client.post("/en/accounts/login/", {"login": alice.email, "password": PASSWORD}).status_code == 429

    response = client.post("/en/accounts/login/", {"login": bob.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)
