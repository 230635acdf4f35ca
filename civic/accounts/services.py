"""Writes on members: profile, follows, data export, account erasure, account emails to retry."""

from __future__ import annotations

import logging
import uuid

from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from civic.accounts.models import AccountEmail, Follow, User
from civic.core import follows
from civic.core.images import clean_image
from civic.core.services import log_action
from civic.notifications.services import notify

logger = logging.getLogger(__name__)

# Feature apps add their own sections to a member's export and their own erasure steps here: each
# app's ``services.py`` defines ``member_export(member) -> dict`` and ``member_erase(member)``, and its
# AppConfig.ready() calls ``register_member_data("<app>", services)``.
_EXPORTERS: dict[str, callable] = {}
_ERASERS: list[callable] = []


def register_member_data(section: str, services) -> None:
    """Register an app's member-data hooks, found under their one name in its ``services`` module:
    ``member_export(member)`` becomes ``section`` of the export, ``member_erase(member)`` an erasure
    step (run inside the erasure transaction)."""
    register_export(section, services.member_export)
    register_erasure(services.member_erase)


def register_export(section: str, exporter) -> None:
    """``exporter(user) -> JSON-serialisable`` adds ``section`` to ``member_export``."""
    _EXPORTERS[section] = exporter


def register_erasure(eraser) -> None:
    """``eraser(user)`` removes the app's personal data of ``user`` (run inside the erasure transaction)."""
    _ERASERS.append(eraser)


@transaction.atomic
def account_email_defer(*, template_prefix: str, email: str, context: dict, site_url: str):
    """Record an account email the mail server refused, for ``send_account_email`` to render and
    send later in the current language (the requester's). Keeps no rendered text and no key: only
    the member's id and allauth's plain, non-secret values. Returns the row, or None for an email
    with a one-time code, which cannot be made again outside the requester's session."""
    from civic.accounts.tasks import send_account_email, stored_context
    from civic.core import outbox

    kept = stored_context(template_prefix, context)
    if kept is None:
        logger.warning("account email %s with a one-time code not retried", template_prefix)
        return None
    row = AccountEmail.objects.create(
        template_prefix=template_prefix,
        email=email,
        user_id=getattr(context.get("user"), "pk", None),
        language=translation.get_language() or "fr",
        site_url=site_url,
        context=kept,
    )
    outbox.enqueue(send_account_email, row.pk)
    return row


@transaction.atomic
def profile_update(
    *, member: User, data: dict, interests=None, avatar=None, clear_avatar: bool = False
) -> User:
    for field, value in data.items():
        setattr(member, field, value)
    if avatar is not None:
        member.avatar.save(
            f"avatar-{uuid.uuid4().hex[:8]}", clean_image(avatar, max_side=512, name="avatar"), save=False
        )
    elif clear_avatar and member.avatar:
        member.avatar.delete(save=False)
        member.avatar = ""
    member.full_clean(exclude=["password"])
    member.save()
    if interests is not None:
        member.interests.set(interests)
    return member


def follow_create(*, follower: User, followed: User) -> bool:
    """Follow ``followed``; returns False when already followed (the constraint decides, races included)."""
    if follower.pk == followed.pk:
        raise ValueError("a member cannot follow themselves")
    with transaction.atomic():
        if not follows.follow(Follow, member=follower, target=followed):
            return False
        notify(
            followed,
            "accounts.followed",
            {"follower_name": follower.public_name},
            url=reverse("accounts:member_detail", args=[follower.pk]),
        )
    return True


def follow_delete(*, follower: User, followed: User) -> bool:
    return follows.unfollow(Follow, member=follower, target=followed)


def member_export(*, member: User) -> dict:
    """Everything the platform holds about ``member``, as JSON-ready data (the GDPR export)."""
    data = {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": member.email,
            "display_name": member.display_name,
            "bio": member.bio,
            "language": member.language,
            "home_city": member.home_city.slug if member.home_city_id else None,
            "home_point": member.point,
            "interests": list(member.interests.values_list("slug", flat=True)),
            "availability": member.availability,
            "weekly_digest": member.weekly_digest,
            "roles": {
                "spotter": member.is_spotter,
                "reporter": member.is_reporter,
                "shaker": member.is_shaker,
            },
            "avatar": member.avatar.url if member.avatar else None,
            "date_joined": member.date_joined.isoformat(),
            "last_login": member.last_login.isoformat() if member.last_login else None,
        },
        "following": list(member.following_set.values_list("followed__display_name", "followed__email")),
        "followers_count": member.follower_set.count(),
        "email_addresses": list(
            apps.get_model("account", "EmailAddress")
            .objects.filter(user=member)
            .values("email", "verified", "primary")
        ),
        "organisations": list(
            member.memberships.values("organization__name", "organization__slug", "role", "created_at")
        ),
        "notifications": list(member.notifications.values("kind", "title", "created_at", "read_at")[:1000]),
    }
    for section, exporter in _EXPORTERS.items():
        data[section] = exporter(member)
    return data


@transaction.atomic
def member_erase(*, member: User) -> None:
    """Erase personal data; keep the row so that what the member published stays, shown as
    "former member". Follows, memberships, email addresses, social logins and sessions go."""
    member = User.objects.select_for_update().get(pk=member.pk)
    for eraser in _ERASERS:
        eraser(member)
    if member.avatar:
        member.avatar.delete(save=False)
    anon = f"former-{member.pk}-{uuid.uuid4().hex[:8]}"
    member.email = f"{anon}@invalid.invalid"
    member.display_name = ""
    member.first_name = member.last_name = ""
    member.bio = ""
    member.avatar = ""
    member.home_city = None
    member.point = None
    member.availability = []
    member.is_spotter = member.is_reporter = member.is_shaker = member.weekly_digest = False
    member.is_active = False
    member.is_staff = member.is_superuser = False
    member.is_former = True
    member.set_unusable_password()
    member.save()
    member.interests.clear()
    Follow.objects.filter(follower=member).delete()
    Follow.objects.filter(followed=member).delete()
    member.memberships.all().delete()
    apps.get_model("account", "EmailAddress").objects.filter(user=member).delete()
    apps.get_model("socialaccount", "SocialAccount").objects.filter(user=member).delete()
    member.notifications.all().delete()
    AccountEmail.objects.filter(user=member).delete()
    from django.contrib.sessions.models import Session

    # Sessions are not indexed by user; erasing is rare, so a scan of live sessions is acceptable.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(member.pk):
            session.delete()
    log_action("accounts.member.erased", target=member, actor=None)
