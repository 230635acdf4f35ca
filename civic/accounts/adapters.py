import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.utils import translation

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Confirmation and password-reset emails go out during the request as allauth sends them;
        if the mail server is down or refuses, the email is recorded (what to send, not the rendered
        message nor its key) for a worker that renders and sends it later, so the sign-up (or reset)
        still succeeds and the email is not lost."""
        from allauth.core import context as allauth_context
        from django.conf import settings
        from django.contrib.sites.shortcuts import get_current_site

        from civic.accounts.services import account_email_defer

        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request), **context},
        )
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("mail server unavailable (%s); account email to be retried by a worker", error)
            account_email_defer(
                template_prefix=template_prefix,
                email=email,
                context=context,
                site_url=request.build_absolute_uri("/").rstrip("/") if request else settings.SITE_URL,
            )

    def save_user(self, request, user, form, commit=True):
        # A new member's language is the one they signed up in.
        user.language = translation.get_language() or "fr"
        return super().save_user(request, user, form, commit=commit)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = " ".join(x for x in (data.get("first_name"), data.get("last_name")) if x)
        user.display_name = name[:80]
        user.language = translation.get_language() or "fr"
        return user


def client_ip(request) -> str:
    """The visitor's address as allauth reads it (``ALLAUTH_TRUSTED_PROXY_COUNT`` hops of
    X-Forwarded-For trusted, none by default), so the login lockout and the sign-up limits agree."""
    from allauth.core.internal.httpkit import get_client_ip

    return get_client_ip(request) or request.META.get("REMOTE_ADDR", "")


def axes_username(request, credentials: dict | None) -> str | None:
    """The account a login attempt was for, as django-axes keys its lockouts (AXES_USERNAME_CALLABLE).

    allauth authenticates with ``email=`` and its form posts ``login``; axes alone would look for one
    field name in both and find None in the credentials, keying every failure on the IP address only,
    so a few wrong passwords for one account would lock out everyone behind the same address.
    Lower-cased, so that "Alice@" and "alice@" count as one account."""
    for source in (credentials or {}, getattr(request, "POST", None) or {}):
        for field in ("email", "login", "username"):
            value = source.get(field)
            if value:
                return str(value).strip().lower()
    return None
