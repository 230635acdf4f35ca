"""``notify()``: the one way any app tells a member something.

A kind ``"<app>.<event>"`` is rendered from three templates in ``templates/<app>/notifications/``:
``<event>_title.txt`` (one line), ``<event>_body.txt`` (plain text, also the email body) — both in
the recipient's language.

**One language per message.** Whatever language the triggering request used, the whole message is
built in the recipient's: a context value (or ``url``) that is a callable is called inside the
recipient's language (``lambda: mission.title`` gives the Spanish title to a Spanish member,
``lambda: mission.get_absolute_url()`` the ``/es/`` address), a lazy translation is translated
there, and ``civic.core.l10n`` formats dates and numbers for it. A ``url`` given as a path of
another language's pages (``/fr/events/3/``, reversed before the recipient was known) becomes the
same page in the recipient's language (``/es/events/3/``). Pass plain strings only for what
does not depend on the language (a person's name, an address). The email is sent by a Celery task enqueued on commit; if the broker
is down the request still succeeds and ``sweep_pending_notifications`` (beat) sends it later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils import translation
from django.utils.functional import Promise

from civic.notifications.models import Notification

logger = logging.getLogger(__name__)


def _templates(kind: str) -> tuple[str, str]:
    app, _dot, event = kind.partition(".")
    return f"{app}/notifications/{event}_title.txt", f"{app}/notifications/{event}_body.txt"


def localize(value, language: str):
    """``value`` as the recipient reads it: callables called and lazy strings translated inside
    ``language``, lists and dicts resolved item by item; anything else as is (JSON-ready)."""
    with translation.override(language):
        return _resolve(value)


def _resolve(value):
    if callable(value):
        value = value()
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_resolve(v) for v in value]
    return value


def localize_url(url, language: str):
    """``url`` (a callable or a path) as a link for a reader of ``language``: a path under another
    language's prefix (``/fr/…``) is translated to the same page under ``/<language>/``; a path
    without a prefix, an absolute URL or a page that no longer resolves is kept as is."""
    url = localize(url, language)
    if not isinstance(url, str) or not url.startswith("/"):
        return url
    prefix = translation.get_language_from_path(url)
    if not prefix or prefix == language:
        return url
    # resolve() matches only the active language's prefix: read the path in its own language.
    with translation.override(prefix):
        return translate_url(url, language)


def _render(kind: str, context: dict, language: str) -> tuple[str, str]:
    from django.conf import settings

    title_tpl, body_tpl = _templates(kind)
    context = {"SITE_URL": settings.SITE_URL, **context}
    with translation.override(language):
        # The "text" engine does not HTML-escape: these are plain-text titles and emails.
        title = " ".join(render_to_string(title_tpl, context, using="text").split())
        body = render_to_string(body_tpl, context, using="text").strip()
    return title, body


def render_notification(kind: str, context: dict, language: str) -> tuple[str, str]:
    title, body = _render(kind, context, language)
    return title[:200], body


# Stands for the recipient's name in a message rendered once for every reader of a language.
NAME_SLOT = "\x00recipient_name\x00"


class _PerLanguage:
    """A batch's message rendered once per language, the recipient's name filled in per member.

    The first member of each language is also rendered in full and compared: a template that
    transforms the name (a filter, a condition on it) renders every member in full instead, so
    the shortcut never changes what anyone reads."""

    def __init__(self, kind: str, context: dict, language: str):
        self.kind, self.context, self.language = kind, context, language
        self.shared: tuple[str, str] | None = _render(
            kind, {**context, "recipient_name": NAME_SLOT}, language
        )
        self.checked = False

    def render(self, name: str) -> tuple[str, str]:
        if self.shared is not None:
            title, body = (part.replace(NAME_SLOT, name) for part in self.shared)
            title = " ".join(title.split())[:200]
            if self.checked:
                return title, body
            self.checked = True
            full = render_notification(self.kind, {**self.context, "recipient_name": name}, self.language)
            if full == (title, body):
                return title, body
            self.shared = None
        return render_notification(self.kind, {**self.context, "recipient_name": name}, self.language)


def notify(
    member,
    kind: str,
    context: dict | None = None,
    *,
    url: str = "",
    email: bool = True,
    dedupe_key: str = "",
) -> Notification | None:
    """Store an in-app notification for ``member`` and email it after the transaction commits.

    ``context`` must be JSON-serialisable (ids, strings, numbers): it is stored, and rendered into
    the title and body now. Returns None when ``dedupe_key`` was already used for this member.
    Erased or inactive members get nothing.
    """
    if member is None or getattr(member, "is_former", False) or not member.is_active:
        return None
    language = member.language or "fr"
    url = localize_url(url, language)
    context = localize(dict(context or {}), language)
    context.setdefault("recipient_name", member.public_name)
    context.setdefault("url", url)
    title, body = render_notification(kind, context, language)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=member,
                kind=kind,
                title=title,
                body=body,
                url=url,
                context={k: v for k, v in context.items() if k != "recipient_name"},
                dedupe_key=dedupe_key,
                email_status=Notification.EmailStatus.PENDING if email else Notification.EmailStatus.SKIPPED,
            )
    except IntegrityError:
        if dedupe_key:
            return None
        raise
    if email:
        transaction.on_commit(lambda: enqueue_email(notification.pk))
    return notification


def notify_many(
    members: Iterable,
    kind: str,
    context: dict | None = None,
    *,
    url: str = "",
    email: bool = True,
    dedupe_key: str = "",
    per_language: Callable[[str], dict] | None = None,
) -> int:
    """``notify()`` for a batch of members (a few hundred): the same rules (erased or inactive
    members skipped, ``dedupe_key`` once per member, each rendered in the member's language, with
    ``per_language(lang)`` merged into the context), but one INSERT for the batch, one email task
    for all its messages instead of one row and one task each, and the templates rendered once per
    language (the name put in afterwards). Returns how many were created."""
    context = dict(context or {})
    localized: dict[str, dict] = {}
    urls: dict[str, str] = {}
    messages: dict[str, _PerLanguage] = {}
    rows = []
    for member in members:
        if member is None or getattr(member, "is_former", False) or not member.is_active:
            continue
        language = member.language or "fr"
        if language not in localized:
            # Built and rendered once per language for the whole batch.
            urls[language] = localize_url(url, language)
            localized[language] = localize(
                {"url": urls[language], **context, **(per_language(language) if per_language else {})},
                language,
            )
            messages[language] = _PerLanguage(kind, localized[language], language)
        title, body = messages[language].render(member.public_name)
        rows.append(
            Notification(
                recipient=member,
                kind=kind,
                title=title,
                body=body,
                url=urls[language],
                context=localized[language],
                dedupe_key=dedupe_key,
                email_status=Notification.EmailStatus.PENDING if email else Notification.EmailStatus.SKIPPED,
            )
        )
    if not rows:
        return 0
    return _insert_batch(rows, kind=kind, email=email, dedupe_key=dedupe_key)


def _insert_batch(rows: list[Notification], *, kind: str, email: bool, dedupe_key: str) -> int:
    """``notify_many()``'s write: one INSERT for the batch (rows whose ``dedupe_key`` was already
    used for their member are skipped) and one email task, after commit, for the rows it created.
    Returns how many were created."""
    recipients = [row.recipient_id for row in rows]
    with transaction.atomic():
        if dedupe_key:
            before = Notification.objects.filter(recipient_id__in=recipients, dedupe_key=dedupe_key).count()
            Notification.objects.bulk_create(rows, ignore_conflicts=True)  # already notified: skipped
            created = (
                Notification.objects.filter(recipient_id__in=recipients, dedupe_key=dedupe_key).count()
                - before
            )
        else:
            created = len(Notification.objects.bulk_create(rows))
        if email and created:
            pending = Notification.objects.email_pending().filter(recipient_id__in=recipients, kind=kind)
            if dedupe_key:
                pending = pending.filter(dedupe_key=dedupe_key)
            ids = list(pending.values_list("pk", flat=True))
            transaction.on_commit(lambda: enqueue_emails(ids))
    return created


def enqueue_emails(notification_ids: list[int]) -> None:
    """One Celery task for a batch of emails; a broker outage leaves them to the sweep."""
    from civic.core.broker import publish
    from civic.notifications.tasks import send_notification_emails

    publish(send_notification_emails, [notification_ids])


def enqueue_email(notification_id: int) -> None:
    """Hand the email to Celery; a broker outage is logged, not raised (the sweep catches up)."""
    from civic.core.broker import publish
    from civic.notifications.tasks import send_notification_email

    publish(send_notification_email, [notification_id])


def mark_read(*, member, notification_ids: list[int] | None = None) -> int:
    from django.utils import timezone

    qs = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
