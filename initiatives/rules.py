"""Who may do what in the catalogue, in one place: used by views, admin and services alike.

- any member with the spotter role (or an editor) submits initiatives; reporters (or editors)
  write portraits, tips and video reports on published initiatives;
- a member edits and submits only their own drafts (or what was sent back to them);
- only editors publish, send back, reject and feature;
- what one may not see (someone else's draft) answers 404.
"""

import rules

from civic.organizations.rules import is_editor
from initiatives.models import EDITABLE_STATUSES, Status


@rules.predicate
def is_spotter(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_spotter)


@rules.predicate
def is_reporter(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_reporter)


@rules.predicate
def is_owner(user, obj) -> bool:
    return bool(user and user.is_authenticated and obj is not None and obj.owner_id() == user.pk)


@rules.predicate
def is_published(user, obj) -> bool:
    return obj is not None and obj.status == Status.PUBLISHED


@rules.predicate
def is_editable(user, obj) -> bool:
    return obj is not None and obj.status in EDITABLE_STATUSES


@rules.predicate
def is_in_review(user, obj) -> bool:
    return obj is not None and obj.status == Status.IN_REVIEW


@rules.predicate
def is_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


may_view = is_published | is_editor | is_owner
may_edit = is_editor | (is_owner & is_editable)
may_submit = is_owner & is_editable
may_review = is_editor & is_in_review
may_add_initiative = is_spotter | is_editor
may_add_report = (is_reporter | is_editor) & is_published
may_feature = is_editor
may_act_on = is_member & is_published
"""Follow, mark as inspiring, message the team: any active member, on a published initiative."""

rules.add_perm("initiatives.add_initiative", may_add_initiative)
rules.add_perm("initiatives.add_report", is_reporter | is_editor)
rules.add_perm("initiatives.view_initiative", may_view)
rules.add_perm("initiatives.change_initiative", may_edit)
rules.add_perm("initiatives.submit_initiative", may_submit)
rules.add_perm("initiatives.review_initiative", may_review)
rules.add_perm("initiatives.feature_initiative", may_feature)
rules.add_perm("initiatives.act_on_initiative", may_act_on)
