"""Who may do what with missions, in one place (used by views, admin and services)."""

from __future__ import annotations

import rules
from django.utils import timezone

from civic.organizations.rules import is_editor, is_member_of, organization_ids_of


def may_manage_mission(user, mission) -> bool:
    """Editors, and members of the mission's organisation."""
    return bool(is_editor(user) or is_member_of(user, mission.organization))


def may_manage_participation(user, participation) -> bool:
    return bool(is_editor(user) or participation.slot.mission.organization_id in organization_ids_of(user))


def may_cancel(user, participation) -> bool:
    """The volunteer, before the slot starts."""
    return (
        user.is_authenticated
        and participation.member_id == user.pk
        and participation.is_active
        and participation.slot.starts_at > timezone.now()
    )


def why_not_joinable(slot) -> str | None:
    """A reason (translated) why nobody can join ``slot`` now, or None."""
    from django.utils.translation import gettext as _

    from volunteering.models import MissionStatus

    if slot.mission.status != MissionStatus.PUBLISHED:
        return _("This mission is closed: it no longer takes volunteers.")
    if slot.starts_at <= timezone.now():
        return _("This slot has already started: it no longer takes volunteers.")
    return None


rules.add_perm("volunteering.manage_mission", rules.predicate(may_manage_mission))
