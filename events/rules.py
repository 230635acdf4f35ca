"""Who may do what with events and NCZ Days, in one place (views, admin and services use these)."""

from __future__ import annotations

import rules

from civic.organizations.rules import is_editor, organization_ids_of


@rules.predicate
def may_create_event(user) -> bool:
    """Shakers, organisation members and editors create events."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_shaker or is_editor(user) or organization_ids_of(user))


@rules.predicate
def may_manage_event(user, event) -> bool:
    """Editors, the creator, a listed organiser, or a member of the event's organisation.

    Reads ``event.organisers`` (one query) unless it was prefetched.
    """
    if not user or not user.is_authenticated or event is None:
        return False
    if is_editor(user) or event.created_by_id == user.pk:
        return True
    if event.organization_id and event.organization_id in organization_ids_of(user):
        return True
    return any(o.pk == user.pk for o in event.organisers.all())


@rules.predicate
def may_see_event(user, event) -> bool:
    return event.is_published or may_manage_event(user, event)


@rules.predicate
def may_register_edition(user) -> bool:
    """Shakers (and editors) register city editions of an NCZ Day."""
    return bool(user and user.is_authenticated and user.is_active and (user.is_shaker or is_editor(user)))


@rules.predicate
def may_review_edition(user) -> bool:
    return is_editor(user)


@rules.predicate
def may_post_on_board(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


rules.add_perm("events.add_event", may_create_event)
rules.add_perm("events.change_event", may_manage_event)
rules.add_perm("events.view_event", may_see_event)
rules.add_perm("events.add_cityedition", may_register_edition)
rules.add_perm("events.review_cityedition", may_review_edition)
