"""Account emails that could not be sent during the request (SMTP down or refusing)."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


def message_to_dict(message) -> dict:
    """A rendered email as JSON, for an outbox job (``civic.core.outbox``)."""
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
        "alternatives": [[content, mimetype] for content, mimetype in getattr(message, "alternatives", [])],
    }


@shared_task
def send_account_email(message: dict) -> None:
    """Send an email that allauth rendered (confirmation, password reset…). Raising leaves the
    outbox job in place for a retry with back-off."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
        headers=message["headers"],
    )
    for content, mimetype in message["alternatives"]:
        email.attach_alternative(content, mimetype)
    email.send()
