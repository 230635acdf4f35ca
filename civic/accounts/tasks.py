"""Account emails that could not be sent during the request (SMTP down or refusing).

The request stores an :class:`~civic.accounts.models.AccountEmail` (what to send, to whom, in which
language: no rendered message, no key) and an outbox job with its id; the task renders the email
inside the recipient's language with a fresh key, sends it and deletes the row."""

from __future__ import annotations

import logging
from urllib.parse import quote

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

CONFIRMATION_PREFIXES = ("account/email/email_confirmation", "account/email/email_confirmation_signup")
PASSWORD_RESET_PREFIX = "account/email/password_reset_key"
# Context values made again when the email is sent (or that are objects): never stored.
NOT_STORED = frozenset({"request", "current_site", "email", "user", "key", "activate_url", "uid", "token"})


def stored_context(template_prefix: str, context: dict) -> dict | None:
    """The part of allauth's ``context`` an :class:`AccountEmail` keeps: plain non-secret strings.
    None when the email cannot be made again later: a one-time code (login or verification by
    code) lives in the requester's session, and a new code is one click away for them."""
    if "code" in context:
        return None
    kept = {k: v for k, v in context.items() if k not in NOT_STORED and isinstance(v, str | int | bool)}
    if template_prefix == PASSWORD_RESET_PREFIX:
        kept.pop("password_reset_url", None)  # it holds the key
    return kept


def _confirmation_context(row) -> dict | None:
    """A fresh confirmation key for the member's address (allauth's HMAC key, or a stored one);
    None when the address is gone (removed by the member meanwhile): nothing to confirm."""
    from allauth.account import app_settings
    from allauth.account.models import EmailAddress, EmailConfirmation, EmailConfirmationHMAC

    address = EmailAddress.objects.filter(user_id=row.user_id, email__iexact=row.email).first()
    if address is None:
        return None
    if app_settings.EMAIL_CONFIRMATION_HMAC:
        confirmation = EmailConfirmationHMAC(address)
    else:
        confirmation = EmailConfirmation.create(address)
        confirmation.sent = timezone.now()  # its expiry counts from now, as allauth's send() does
        confirmation.save(update_fields=["sent"])
    path = reverse("account_confirm_email", args=[confirmation.key])
    return {"key": confirmation.key, "activate_url": row.site_url + path}


def _password_reset_context(row) -> dict:
    """A fresh reset token for the member, as allauth's ``request_password_reset`` makes it."""
    from allauth.account import app_settings
    from allauth.account.utils import user_pk_to_url_str

    uid = user_pk_to_url_str(row.user)
    token = app_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(row.user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    url = row.site_url + path.replace("UID-KEY", quote(f"{uid}-{token}"))
    return {"uid": uid, "key": token, "password_reset_url": url}


def render_account_email(row):
    """The email of ``row`` as allauth renders it (call it inside ``row.language``), or None when
    there is nothing left to send."""
    from allauth.account.adapter import get_adapter
    from django.contrib.sites.models import Site

    context = {"email": row.email, "current_site": Site.objects.get_current(), **row.context}
    if row.user_id:
        context["user"] = row.user
    if row.template_prefix in CONFIRMATION_PREFIXES:
        keys = _confirmation_context(row)
        if keys is None:
            return None
        context.update(keys)
    elif row.template_prefix == PASSWORD_RESET_PREFIX:
        context.update(_password_reset_context(row))
    return get_adapter().render_mail(row.template_prefix, row.email, context)


@shared_task
def send_account_email(account_email_id: int) -> str:
    """Render and send a waiting account email, then delete it: run twice, it sends once (the
    second run finds no row). The row stays locked while it is sent, so two workers never both
    send it. Raising (the mail server still down) leaves the row and the outbox job for a retry."""
    from civic.accounts.models import AccountEmail

    with transaction.atomic():
        row = (
            AccountEmail.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=account_email_id)
            .first()
        )
        if row is None:
            return "already sent"
        with translation.override(row.language):
            message = render_account_email(row)
        if message is not None:
            message.send()
        row.delete()
    return "sent" if message is not None else "nothing to send"
