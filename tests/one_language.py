"""What "one language per message" means in a test: a Spanish reader's notification (or email)
holds no French or English word, no ISO date and no link to another language's pages.

Used by each app's ``test_messages_in_the_readers_language.py``; the items there have distinct
fr/en/es titles, so a title taken in the wrong language shows up as a foreign word or title."""

from __future__ import annotations

import re
from datetime import date

from civic.notifications.models import Notification

SPANISH_MONTHS = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
).split()

# Words common in the French and English templates that are never Spanish words ("has" is: "lo has hecho").
FOREIGN_WORDS = {
    # English
    "the", "your", "you", "is", "are", "have", "of", "and", "to", "with", "from", "on", "was",
    "hello", "new", "time", "news", "about", "campaign", "project", "city", "tomorrow", "today",
    # French
    "votre", "vous", "est", "avec", "bonjour", "et", "du", "des", "une", "sur", "nouvelle", "ville",
    "projet", "demain", "aujourd", "heure", "été", "à",
}  # fmt: skip
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def spanish_date(day: date) -> str:
    """``date(2027, 12, 11)`` → "11 de diciembre de 2027", as Django's Spanish DATE_FORMAT writes it."""
    return f"{day.day} de {SPANISH_MONTHS[day.month - 1]} de {day.year}"


def foreign_words(text: str) -> set[str]:
    return {word for word in re.findall(r"[^\W\d_]+", text.lower()) if word in FOREIGN_WORDS}


def assert_spanish(text: str, *, shows: tuple[str, ...] = (), never: tuple[str, ...] = ()) -> None:
    """``text`` is wholly Spanish: each of ``shows`` in it, none of ``never`` (the item's French
    and English titles), no French or English word, no ISO date, no /fr/ or /en/ link."""
    for expected in shows:
        assert expected in text, f"{expected!r} missing from:\n{text}"
    for unexpected in never:
        assert unexpected not in text, f"{unexpected!r} found in:\n{text}"
    assert not foreign_words(text), f"{foreign_words(text)} found in:\n{text}"
    assert not ISO_DATE.search(text), f"ISO date in:\n{text}"
    assert "/fr/" not in text and "/en/" not in text, text


def assert_spanish_notification(
    notification: Notification, *, shows: tuple[str, ...] = (), never: tuple[str, ...] = ()
) -> str:
    """The stored notification: title, body and link. Returns the text checked."""
    text = f"{notification.title}\n{notification.body}\n{notification.url}"
    assert_spanish(text, shows=shows, never=never)
    assert notification.url.startswith("/es/"), notification.url
    return text


def assert_spanish_email(message, *, shows: tuple[str, ...] = (), never: tuple[str, ...] = ()) -> None:
    """An email as sent: subject and body (with its absolute link)."""
    assert_spanish(f"{message.subject}\n{message.body}", shows=shows, never=never)
    assert "/es/" in message.body
