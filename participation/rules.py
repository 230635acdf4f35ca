"""Who may do what in participation spaces, in one place: used by views, admin and services.

- Only members with a verified email publish, support, comment, flag and answer calls.
- Officials (members of the city's public-body organisation) run the city's dashboard and answer.
- Editors (platform staff) may moderate and read any dashboard, but answers speak for a city hall,
  so only its officials write them.
- Hidden content is seen only by its author, the city's officials and editors; for everyone else
  it does not exist (404).
"""

from __future__ import annotations

from django.utils import timezone

from civic.accounts.rules import is_verified
from civic.organizations.rules import is_editor, is_official_of


def official_of(user, city) -> bool:
    """``is_official_of`` cached per (user, city) for the request."""
    if not user or not user.is_authenticated or city is None:
        return False
    cache = user.__dict__.setdefault("_civic_official_of", {})
    if city.pk not in cache:
        cache[city.pk] = is_official_of(user, city)
    return cache[city.pk]


def officials_of(city):
    """The members who answer for ``city`` (active members of its public bodies): everyone for whom
    ``official_of`` holds, as one query."""
    from civic.accounts.models import User
    from civic.organizations.models import Organization

    return User.objects.filter(
        is_active=True, memberships__organization__in=Organization.objects.public_bodies_of(city)
    ).distinct()


def followers_to_tell(proposal, *, except_member_id: int | None):
    """Who hears of a new comment or answer on ``proposal``: its followers but the one who wrote it
    (members, one query)."""
    from civic.accounts.models import User

    return User.objects.filter(participation_follows__proposal=proposal).exclude(pk=except_member_id)


def may_manage_city(user, city) -> bool:
    """Dashboard, moderation, exports, calls and settings of ``city``."""
    return is_editor(user) or official_of(user, city)


def may_answer(user, city) -> bool:
    return official_of(user, city)


def may_publish(user) -> bool:
    return is_verified(user)


def may_view_proposal(user, proposal) -> bool:
    if not proposal.is_hidden:
        return True
    if user and user.is_authenticated and proposal.author_id == user.pk:
        return True
    return may_manage_city(user, proposal.city)


def may_support(user, proposal) -> bool:
    return is_verified(user) and not proposal.is_hidden


def may_comment(user, proposal) -> bool:
    return is_verified(user) and not proposal.is_hidden


def may_flag(user, proposal) -> bool:
    return is_verified(user) and not proposal.is_hidden


def may_edit_comment(user, comment, *, now=None) -> bool:
    now = now or timezone.now()
    return (
        is_verified(user)
        and comment.author_id == user.pk
        and not comment.is_deleted
        and not comment.is_hidden
        and now <= comment.editable_until()
    )


def may_delete_comment(user, comment) -> bool:
    return bool(user and user.is_authenticated and comment.author_id == user.pk and not comment.is_deleted)


def may_respond_to_call(user, call) -> bool:
    return is_verified(user) and call.is_published


def may_manage_call(user, call) -> bool:
    """The city's officials, the publishing organisation's members, and editors."""
    from civic.organizations.rules import organization_ids_of

    return may_manage_city(user, call.city) or call.organization_id in organization_ids_of(user)
