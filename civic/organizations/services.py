"""Invitations: a member takes a role on an object (an event's organiser, a project's holder) only
by accepting it. Apps register their roles once (``register_invitation_role`` in ``ready()``) with
the public service that adds the member; the kernel stores, notifies and decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from civic.core.permissions import NotAllowed
from civic.core.services import log_action
from civic.notifications.services import notify
from civic.organizations.models import Invitation, InvitationStatus


@dataclass(frozen=True)
class InvitationRole:
    label: Promise  # "organiser of the event", translated in the reader's language
    accept: Callable  # accept(*, target, member): the app's service that gives the role


_ROLES: dict[str, InvitationRole] = {}


def register_invitation_role(role: str, *, label: Promise, accept: Callable) -> None:
    """``role`` is ``"<app_label>.<model>.<field>"`` (what the admin's ``people_fields`` name)."""
    _ROLES[role] = InvitationRole(label=label, accept=accept)


def invitation_role(role: str) -> InvitationRole:
    return _ROLES[role]


def invitation_url(invitation: Invitation) -> str:
    return reverse("organizations:invitation", args=[invitation.token])


@transaction.atomic
def invitation_create(*, by, member, target, role: str) -> Invitation:
    """Ask ``member`` to take ``role`` on ``target`` and notify them (in their language).

    Picking someone who already has a pending invitation for the same role returns that one and
    notifies nobody again (a partial unique constraint keeps one pending invitation per person,
    role and object, even for two admins saving at once).
    """
    from django.contrib.contenttypes.models import ContentType

    spec = invitation_role(role)
    target_type = ContentType.objects.get_for_model(target)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                inviter=by, member=member, target_type=target_type, target_id=target.pk, role=role
            )
    except IntegrityError:
        return Invitation.objects.pending().get(
            member=member, role=role, target_type=target_type, target_id=target.pk
        )
    log_action("organizations.invitation.create", target=invitation, actor=by, data={"role": role})
    notify(
        member,
        "organizations.invited",
        {
            "inviter": by.public_name if by else "",
            # Callables and lazy strings are resolved in the member's language (README, Notifications).
            "target": lambda: str(target),
            "role": spec.label,
        },
        url=lambda: invitation_url(invitation),
        dedupe_key=f"invitation:{invitation.pk}",
    )
    return invitation


@transaction.atomic
def invitation_decide(*, invitation: Invitation, by, accept: bool) -> Invitation:
    """The invited member accepts (the app's service gives the role) or declines.

    Only the invited member may decide (anyone else, the inviter included: ``NotAllowed``, a 404).
    The invitation row is locked first, so two accepts at once (two tabs, a double click) give
    the role once: the second waits, then finds it decided and changes nothing.
    """
    if by is None or by.pk != invitation.member_id:
        raise NotAllowed
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status != InvitationStatus.PENDING:
        return locked
    if accept:
        target = locked.target
        if target is None:  # the event or project was deleted meanwhile
            raise NotAllowed
        invitation_role(locked.role).accept(target=target, member=by)
    locked.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    log_action(
        f"organizations.invitation.{locked.status}", target=locked, actor=by, data={"role": locked.role}
    )
    return locked


def member_erase(member) -> None:
    """Account erasure: the invitations addressed to the member go (pending ones can no longer be
    accepted); those they sent stay for the invited, without naming them."""
    Invitation.objects.filter(member=member).delete()
    Invitation.objects.filter(inviter=member).update(inviter=None)
