"""Who may do what with missions, in one place (used by views, admin and services).

- a mission, its slots and its volunteers' attendance are managed by the members of the mission's
  organisation, and by editors;
- any active member joins a slot or recommends a mission;
- a participation is cancelled by its volunteer, or by the mission's managers.
"""

from __future__ import annotations

import rules
from django.utils import timezone

from civic.accounts.rules import is_active_member
from civic.organizations.rules import is_editor, organization_ids_of


@rules.predicate
def may_manage_mission(user, mission) -> bool:
    """Editors, and members of the mission's organisation (no query once the user's organisation
    ids are cached, ``organization_ids_of``)."""
    return bool(is_editor(user) or mission.organization_id in organization_ids_of(user))


@rules.predicate
def may_manage_participation(user, participation) -> bool:
    """Reads ``participation.slot.mission`` (select_related it)."""
    return bool(is_editor(user) or participation.slot.mission.organization_id in organization_ids_of(user))


@rules.predicate
def is_volunteer(user, participation) -> bool:
    return bool(user and user.is_authenticated and participation.member_id == user.pk)


may_join = is_active_member
may_recommend = is_active_member
may_cancel_participation = is_volunteer | may_manage_participation


def is_cancellable(participation) -> bool:
    """Still active, and its slot has not started (reads ``participation.slot``)."""
    return participation.is_active and participation.slot.starts_at > timezone.now()


def why_not_joinable(slot) -> str | None:
    """A reason (translated) why nobody can join ``slot`` now, or None."""
    from django.utils.translation import gettext as _

    from volunteering.models import MissionStatus

    if slot.mission.status != MissionStatus.PUBLISHED:
        return _("This mission is closed: it no longer takes volunteers.")
    if slot.starts_at <= timezone.now():
        return _("This slot has already started: it no longer takes volunteers.")
    return None


rules.add_perm("volunteering.manage_mission", may_manage_mission)
