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


can_view = is_published | is_editor | is_owner
can_edit = is_editor | (is_owner & is_editable)
can_submit = is_owner & is_editable
can_review = is_editor & is_in_review

rules.add_perm("initiatives.add_initiative", is_spotter | is_editor)
rules.add_perm("initiatives.add_report", is_reporter | is_editor)
rules.add_perm("initiatives.view_initiative", can_view)
rules.add_perm("initiatives.change_initiative", can_edit)
rules.add_perm("initiatives.submit_initiative", can_submit)
rules.add_perm("initiatives.review_initiative", can_review)
rules.add_perm("initiatives.feature_initiative", is_editor)
rules.add_perm("initiatives.act_on_initiative", is_member & is_published)


def may_view(user, obj) -> bool:
    return can_view.test(user, obj)


def may_edit(user, obj) -> bool:
    return can_edit.test(user, obj)


def may_submit(user, obj) -> bool:
    return can_submit.test(user, obj)


def may_review(user, obj) -> bool:
    return can_review.test(user, obj)


def may_add_initiative(user) -> bool:
    return bool((is_spotter | is_editor).test(user))


def may_add_report(user, initiative) -> bool:
    return bool((is_reporter | is_editor).test(user)) and initiative.status == Status.PUBLISHED
