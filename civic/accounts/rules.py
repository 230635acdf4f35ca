"""Facts about a member that every app's rules build on."""

from __future__ import annotations

import rules


@rules.predicate
def is_verified(user) -> bool:
    """A logged-in, active member (not an erased account) whose email address is verified (allauth).

    One query the first time, then cached on the user object for the request.
    """
    if not user or not user.is_authenticated or not user.is_active or getattr(user, "is_former", False):
        return False
    cached = getattr(user, "_civic_verified", None)
    if cached is None:
        from allauth.account.models import EmailAddress

        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._civic_verified = cached
    return cached


@rules.predicate
def is_active_member(user) -> bool:
    """A logged-in member whose account is active (email verified or not)."""
    return bool(user and user.is_authenticated and user.is_active and not getattr(user, "is_former", False))
